/**
 * Where the dynamic loader (glibc's ld.so) finds a DT_NEEDED library, as
 * ld.so(8) documents it: a name with a '/' is a path; otherwise DT_RPATH of
 * the object and of the objects that loaded it (only when the object has no
 * DT_RUNPATH), LD_LIBRARY_PATH, DT_RUNPATH, the directories of
 * /etc/ld.so.conf (and the files it includes, e.g. ld.so.conf.d/*.conf),
 * then the default directories, multiarch ones first (Debian's glibc).
 * `$ORIGIN`, `$LIB` and `$PLATFORM` are expanded. Pure: the caller answers
 * whether a path is a file in the image.
 */
import { posix } from 'node:path';
import { globToRegExp } from './glob.js';

/** Debian architecture → multiarch triplet (the directory under /lib and /usr/lib). */
export const MULTIARCH: Record<string, string> = {
  amd64: 'x86_64-linux-gnu',
  arm64: 'aarch64-linux-gnu',
  armhf: 'arm-linux-gnueabihf',
  i386: 'i386-linux-gnu',
  ppc64el: 'powerpc64le-linux-gnu',
  s390x: 's390x-linux-gnu',
  riscv64: 'riscv64-linux-gnu',
};

const PLATFORM: Record<string, string> = {
  amd64: 'x86_64',
  arm64: 'aarch64',
  armhf: 'v7l',
  i386: 'i686',
  ppc64el: 'power8',
  s390x: 's390x',
  riscv64: 'riscv64',
};

/** The directories ld.so searches last, for an architecture. */
export function defaultLibDirs(arch: string): string[] {
  const t = MULTIARCH[arch];
  const lib64 = /64/.test(arch) ? ['/lib64', '/usr/lib64'] : [];
  return [...(t ? [`/lib/${t}`, `/usr/lib/${t}`] : []), '/lib', '/usr/lib', ...lib64];
}

/**
 * The library directories /etc/ld.so.conf lists, following `include` globs
 * (relative to /etc) over the image's files. `read` gives a file's text,
 * `list` every image path (for the globs).
 */
export function ldSoConfDirs(read: (path: string) => string | undefined, list: () => Iterable<string>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (file: string, depth: number): void => {
    if (seen.has(file) || depth > 8) return;
    seen.add(file);
    for (const raw of (read(file) ?? '').split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      if (line === '') continue;
      const inc = /^include\s+(.+)$/.exec(line);
      if (!inc) {
        if (line.startsWith('/')) out.push(...line.split(/[\s:,=]+/).filter((d) => d.startsWith('/')));
        continue;
      }
      for (const pattern of inc[1]!.split(/\s+/)) {
        const abs = pattern.startsWith('/') ? pattern : posix.join('/etc', pattern);
        const re = globToRegExp(abs);
        const hits = [...list()].filter((p) => re.test(p.replace(/^\/+/, ''))).sort();
        for (const h of hits) visit(h.startsWith('/') ? h : `/${h}`, depth + 1);
      }
    }
  };
  visit('/etc/ld.so.conf', 0);
  return [...new Set(out)];
}

/** Expand $ORIGIN, $LIB and $PLATFORM (also in ${} form) in a search path entry. */
export function expandTokens(dir: string, origin: string, arch: string): string[] {
  const t = MULTIARCH[arch];
  const libs = t ? [`lib/${t}`, 'lib'] : ['lib'];
  const withOrigin = dir
    .replace(/\$(?:\{ORIGIN\}|ORIGIN\b)/g, origin)
    .replace(/\$(?:\{PLATFORM\}|PLATFORM\b)/g, PLATFORM[arch] ?? arch);
  if (!/\$(?:\{LIB\}|LIB\b)/.test(withOrigin)) return [posix.normalize(withOrigin)];
  return libs.map((l) => posix.normalize(withOrigin.replace(/\$(?:\{LIB\}|LIB\b)/g, l)));
}

export interface SearchContext {
  arch: string;
  /** LD_LIBRARY_PATH entries of the image's environment. */
  libraryPath: string[];
  /** Directories from /etc/ld.so.conf. */
  confDirs: string[];
  /** Whether an absolute image path is a regular file (through symlinks). */
  isFile(path: string): boolean;
}

export interface Requester {
  /** Directory of the object that needs the library ($ORIGIN). */
  origin: string;
  rpath: string[];
  runpath: string[];
  /** DT_RPATH of the objects that loaded this one (already expanded), nearest first. */
  inherited: string[];
}

/** The directories searched for a DT_NEEDED name of `req`, in order (RPATH ones expanded). */
export function searchDirs(req: Requester, ctx: SearchContext): { dirs: string[]; rpath: string[] } {
  const ex = (dirs: string[]) => dirs.flatMap((d) => expandTokens(d, req.origin, ctx.arch));
  const rpath = [...ex(req.rpath), ...req.inherited];
  const dirs = [
    ...(req.runpath.length === 0 ? rpath : []),
    ...ctx.libraryPath,
    ...ex(req.runpath),
    ...ctx.confDirs,
    ...defaultLibDirs(ctx.arch),
  ];
  return { dirs: [...new Set(dirs)], rpath };
}

/** The absolute image path ld.so would load for `name`, or undefined when it is not in the image. */
export function findLibrary(name: string, req: Requester, ctx: SearchContext): string | undefined {
  if (name.includes('/')) {
    const p = posix.normalize(name.startsWith('/') ? name : posix.join(req.origin, name));
    return ctx.isFile(p) ? p : undefined;
  }
  for (const d of searchDirs(req, ctx).dirs) {
    const p = posix.join(d, name);
    if (ctx.isFile(p)) return p;
  }
  return undefined;
}
