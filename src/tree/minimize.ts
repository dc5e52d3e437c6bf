/**
 * Minimization: keep only the package files an application uses — the paths
 * a trace recorded and the globs the config names, every symlink on the way
 * to them and their targets, and (with `elf`) the closure over ELF
 * dependencies as ld.so resolves them (ldso.ts) — and remove every other
 * file the installed packages shipped. Always kept: what pare generated or
 * the config added (anything not owned by a package), a base image's files,
 * status.d, the dynamic loader, each package's copyright file, os-release
 * and debian_version. Directories go when nothing is left in them and no
 * kept path names them. Pure; deterministic (results sorted).
 */
import { fileBytes, fileSize } from './body.js';
import { readElfDeps, type ElfDeps } from './elf.js';
import { matchAny } from './glob.js';
import { findLibrary, ldSoConfDirs, searchDirs, type Requester, type SearchContext } from './ldso.js';
import { parentOf } from './path.js';
import { deleteEmptiedDirs } from './slice.js';
import type { FileTree } from './tree.js';
import type { TreeEntry } from './types.js';

export interface MinimizeRules {
  /** Absolute image paths that were used (trace files). */
  paths: readonly string[];
  /** Globs over image paths to keep. */
  globs: readonly string[];
  /** Close the kept set over ELF dependencies. */
  elf: boolean;
  arch: string;
  /** The image environment (LD_LIBRARY_PATH). */
  env: Readonly<Record<string, string>>;
  /** Names of the installed packages: only their files can go. */
  packages: ReadonlySet<string>;
  /** Files outside the tree that stay and whose ELF dependencies count (application layers). */
  extra?: readonly TreeEntry[];
}

export interface PackageMinimized {
  name: string;
  /** Files, symlinks and hard links the package had in the image before minimization. */
  before: number;
  /** Of those, still present. */
  kept: number;
  /** Bytes of file content removed. */
  bytes: number;
}

export interface MinimizeResult {
  files: number;
  dirs: number;
  bytes: number;
  /** Packages that lost at least one file, by name. */
  packages: PackageMinimized[];
  /** DT_NEEDED names no search directory holds: "OBJECT: NAME", sorted. */
  unresolved: string[];
}

/** Paths no minimization removes (besides non-package files and status.d). */
export const ALWAYS_KEPT = [
  '/usr/share/doc/*/copyright',
  '/lib*/ld-*.so*',
  '/lib*/*/ld-*.so*',
  '/usr/lib*/ld-*.so*',
  '/usr/lib*/*/ld-*.so*',
  '/lib*/ld64.so*',
  '/usr/lib*/ld64.so*',
  '/etc/os-release',
  '/usr/lib/os-release',
  '/etc/debian_version',
];

const STATUS = 'var/lib/dpkg/status.d/';
const HAS_WILDCARD = /[*?]/;
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Paths marked as kept while walking, through symlinks (chroot semantics). */
class Keeper {
  readonly kept = new Set<string>();
  constructor(readonly map: ReadonlyMap<string, TreeEntry>) {}

  /** Keep `path`, every symlink and directory on the way, and what it finally is; returns its real path. */
  keep(path: string, depth = 0): string | undefined {
    let parts = path.split('/').filter((p) => p !== '' && p !== '.');
    let cur = '';
    let hops = 0;
    for (let i = 0; i < parts.length; i++) {
      const c = parts[i]!;
      if (c === '..') {
        cur = parentOf(cur);
        continue;
      }
      const next = cur === '' ? c : `${cur}/${c}`;
      const e = this.map.get(next);
      if (e === undefined) return undefined;
      this.kept.add(next);
      if (e.type === 'symlink') {
        if (++hops > 40) return undefined;
        const t = e.target ?? '';
        const base = t.startsWith('/') ? [] : cur.split('/').filter((p) => p !== '');
        parts = [...base, ...t.split('/').filter((p) => p !== '' && p !== '.'), ...parts.slice(i + 1)];
        cur = '';
        i = -1;
        continue;
      }
      if (e.type === 'hardlink' && e.target !== undefined && depth < 8) this.keep(e.target, depth + 1);
      cur = next;
    }
    return cur;
  }
}

/**
 * The image paths a trace's `paths` stand for: each path the image has (as
 * its real path), every symlink on the way to it and what it points to;
 * directories only when a path names them. Absolute, sorted.
 */
export function usedPaths(entries: readonly TreeEntry[], paths: Iterable<string>): string[] {
  const map = new Map(entries.map((e) => [e.path, e]));
  const keeper = new Keeper(map);
  const named = new Set<string>();
  for (const p of paths) {
    const real = keeper.keep(p);
    if (real !== undefined && real !== '') named.add(real);
  }
  return [...keeper.kept]
    .filter((k) => map.get(k)?.type !== 'dir' || named.has(k))
    .map((k) => `/${k}`)
    .sort(cmp);
}

const mayBeElf = (e: TreeEntry): boolean => (e.mode & 0o111) !== 0 || /\.so(\.[0-9.]+)?$/.test(e.path);

/** Follow DT_NEEDED from every kept ELF object; adds what ld.so would load to `keeper`. */
function elfClosure(keeper: Keeper, seeds: readonly TreeEntry[], rules: MinimizeRules, tree: FileTree): string[] {
  const { map } = keeper;
  const text = (p: string): string | undefined => {
    const e = tree.resolve(p.replace(/^\/+/, ''));
    return e?.type === 'file' ? new TextDecoder().decode(fileBytes(e)) : undefined;
  };
  const ctx: SearchContext = {
    arch: rules.arch,
    libraryPath: (rules.env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d.startsWith('/')),
    confDirs: ldSoConfDirs(text, () => map.keys()),
    isFile: (p) => tree.resolve(p.replace(/^\/+/, ''))?.type === 'file',
  };
  const unresolved = new Set<string>();
  const done = new Set<string>();
  const loaded = new Map<string, string>();
  for (const e of seeds) {
    const base = e.path.slice(e.path.lastIndexOf('/') + 1);
    if (!loaded.has(base)) loaded.set(base, `/${e.path}`);
  }
  const queue: Array<{ entry: TreeEntry; path: string; inherited: string[] }> = seeds.map((entry) => ({
    entry,
    path: `/${entry.path}`,
    inherited: [],
  }));
  while (queue.length > 0) {
    const { entry, path, inherited } = queue.shift()!;
    if (done.has(entry.path)) continue;
    done.add(entry.path);
    let deps: ElfDeps | undefined;
    try {
      deps = readElfDeps(fileBytes(entry));
    } catch {
      deps = undefined;
    }
    if (!deps) continue;
    if (deps.interp !== undefined) keeper.keep(deps.interp);
    const dir = parentOf(path.slice(1));
    const req: Requester = { origin: `/${dir}`, rpath: deps.rpath, runpath: deps.runpath, inherited };
    const expanded = searchDirs(req, ctx).rpath; // the RPATH chain the objects it loads inherit
    for (const name of deps.needed) {
      // ld.so first reuses an object already loaded under that name (a library dlopen()ed by path, e.g. libjvm.so).
      const found = findLibrary(name, req, ctx) ?? (name.includes('/') ? undefined : loaded.get(name));
      if (found === undefined) {
        unresolved.add(`${path}: ${name}`);
        continue;
      }
      const real = keeper.keep(found);
      const lib = real === undefined ? undefined : map.get(real);
      if (lib?.type === 'file') queue.push({ entry: lib, path: found, inherited: expanded });
    }
  }
  return [...unresolved].sort(cmp);
}

/** Remove from `tree`, in place, every package file `rules` do not keep. */
export function minimize(tree: FileTree, rules: MinimizeRules): MinimizeResult {
  const entries = tree.entries();
  const map = new Map(entries.map((e) => [e.path, e]));
  const keeper = new Keeper(map);
  const candidate = (e: TreeEntry): boolean =>
    e.owner !== undefined && rules.packages.has(e.owner) && !e.path.startsWith(STATUS);
  for (const p of rules.paths) keeper.keep(p);
  const globs = [...rules.globs, ...ALWAYS_KEPT];
  for (const g of globs.filter((g) => !HAS_WILDCARD.test(g))) keeper.keep(g);
  const wild = globs.filter((g) => HAS_WILDCARD.test(g));
  for (const e of entries) {
    if (!candidate(e)) {
      if (e.type !== 'dir') keeper.keep(e.path); // non-package files stay, with what they link to
    } else if (wild.length && matchAny(wild, e.path)) keeper.keep(e.path);
  }
  let unresolved: string[] = [];
  if (rules.elf) {
    const seeds = [...entries.filter((e) => e.type === 'file' && keeper.kept.has(e.path)), ...(rules.extra ?? [])]
      .filter((e) => e.type === 'file' && mayBeElf(e))
      .sort((a, b) => cmp(a.path, b.path));
    unresolved = elfClosure(keeper, seeds, rules, tree);
  }
  const before = tree.size.bytes;
  const stats = new Map<string, PackageMinimized>();
  const doomed: TreeEntry[] = [];
  const children = new Map<string, number>();
  const dirs: string[] = [];
  for (const e of entries) {
    const owned = candidate(e);
    if (owned && e.type !== 'dir') {
      const s = stats.get(e.owner!) ?? { name: e.owner!, before: 0, kept: 0, bytes: 0 };
      stats.set(e.owner!, s);
      s.before++;
      if (!keeper.kept.has(e.path)) {
        doomed.push(e);
        s.bytes += fileSize(e);
        continue;
      }
      s.kept++;
    }
    if (e.type === 'dir' && owned && !keeper.kept.has(e.path)) dirs.push(e.path);
    const up = parentOf(e.path);
    children.set(up, (children.get(up) ?? 0) + 1);
  }
  // Links first, then files: a kept link of a removed file becomes the file.
  let files = 0;
  for (const e of doomed) if (e.type !== 'file') files += Number(tree.delete(e.path));
  for (const e of doomed) if (e.type === 'file') files += Number(tree.delete(e.path));
  const removedDirs = deleteEmptiedDirs(tree, dirs, children);
  const packages = [...stats.values()].filter((s) => s.kept < s.before).sort((a, b) => cmp(a.name, b.name));
  return { files, dirs: removedDirs, bytes: before - tree.size.bytes, packages, unresolved };
}
