/**
 * /usr/lib/apk/db/installed, apk's database of installed packages, the file
 * Trivy, Grype and Syft read: per package its index record (C: P: V: A: S:
 * I: T: U: L: o: m: t: c: k: D: p: i: r: q:), then its files grouped by
 * directory — `F:dir` ([`M:uid:gid:mode`]), `R:name`, [`a:uid:gid:mode`],
 * `Z:` the Q1 SHA-1 of the content (of the target, for a symlink) — and a
 * blank line. Also a parser, to compare with other tools' output. Pure.
 */
import { createHash } from 'node:crypto';
import { compareBytewise } from '../../tree/path.js';
import { fileBytes } from '../../tree/body.js';
import type { TreeEntry } from '../../tree/types.js';
import type { ApkPackage } from './apkindex.js';
import { formatApkDep, formatApkProvide } from './depend.js';

export const INSTALLED_DB = 'usr/lib/apk/db/installed';

export interface InstalledApk {
  pkg: ApkPackage;
  /** The package's entries as present in the image (paths without '/'). */
  entries: readonly TreeEntry[];
}

const q1 = (b: Uint8Array | string) => `Q1${createHash('sha1').update(b).digest('base64')}`;
const mode = (m: number) => m.toString(8).padStart(4, '0');

/** The package record lines, in apk-tools' order; empty fields are left out. */
export function packageRecordLines(p: ApkPackage): string[] {
  const out: string[] = [];
  const put = (k: string, v: string | number | undefined) => {
    if (v !== undefined && v !== '') out.push(`${k}:${v}`);
  };
  put('C', p.checksum);
  put('P', p.name);
  put('V', p.version);
  put('A', p.arch);
  put('S', p.size);
  put('I', p.installedSize);
  put('T', p.description);
  put('U', p.url);
  put('L', p.license);
  put('o', p.origin);
  put('m', p.maintainer);
  put('t', p.buildTime);
  put('c', p.commit);
  put('k', p.providerPriority);
  put('D', p.depends.map(formatApkDep).join(' '));
  put('p', p.provides.map(formatApkProvide).join(' '));
  put('i', p.installIf.map(formatApkDep).join(' '));
  put('r', p.replaces.join(' '));
  put('q', p.replacesPriority);
  return out;
}

/**
 * The file lines of one package. `resolve` gives a hard link's target entry
 * (its content and mode are the link's).
 */
export function fileLines(entries: readonly TreeEntry[], resolve: (path: string) => TreeEntry | undefined): string[] {
  const dirs = new Map<string, TreeEntry | undefined>();
  const files = new Map<string, TreeEntry[]>();
  for (const e of entries) {
    if (e.type === 'dir') {
      dirs.set(e.path, e);
      continue;
    }
    const slash = e.path.lastIndexOf('/');
    const dir = slash < 0 ? '' : e.path.slice(0, slash);
    for (let d = dir; d !== '' && !dirs.has(d); d = d.slice(0, Math.max(0, d.lastIndexOf('/')))) dirs.set(d, undefined);
    files.set(dir, [...(files.get(dir) ?? []), e]);
  }
  const out: string[] = [];
  const list = (dir: string) => {
    for (const f of (files.get(dir) ?? []).sort((a, b) => compareBytewise(a.path, b.path))) {
      const real = f.type === 'hardlink' ? (resolve(f.target!) ?? f) : f;
      out.push(`R:${f.path.slice(dir === '' ? 0 : dir.length + 1)}`);
      const m = real.type === 'symlink' ? 0o777 : real.mode;
      if (real.uid !== 0 || real.gid !== 0 || m !== 0o644) out.push(`a:${real.uid}:${real.gid}:${mode(m)}`);
      out.push(`Z:${q1(real.type === 'symlink' ? real.target! : fileBytes(real))}`);
    }
  };
  list('');
  for (const d of [...dirs.keys()].sort(compareBytewise)) {
    out.push(`F:${d}`);
    const e = dirs.get(d);
    if (e && (e.uid !== 0 || e.gid !== 0 || e.mode !== 0o755)) out.push(`M:${e.uid}:${e.gid}:${mode(e.mode)}`);
    list(d);
  }
  return out;
}

/** The whole database, packages in the given order. */
export function installedDb(
  packages: readonly InstalledApk[],
  resolve: (path: string) => TreeEntry | undefined,
): string {
  return packages
    .map((p) => [...packageRecordLines(p.pkg), ...fileLines(p.entries, resolve), ''].join('\n') + '\n')
    .join('');
}

export interface InstalledRecord {
  fields: Map<string, string>;
  /** path → { mode?: "uid:gid:mode", checksum } for files; dirs listed too (checksum ''). */
  files: Map<string, { kind: 'file' | 'dir'; acl?: string; checksum?: string }>;
}

/** Parse an installed database (apk's, apko's or pare's), for comparisons. */
export function parseInstalledDb(text: string): InstalledRecord[] {
  const out: InstalledRecord[] = [];
  let cur: InstalledRecord | undefined;
  let dir = '';
  let file = '';
  for (const line of text.split('\n')) {
    if (line === '') {
      cur = undefined;
      continue;
    }
    if (!cur) {
      cur = { fields: new Map(), files: new Map() };
      out.push(cur);
      dir = '';
      file = '';
    }
    const k = line[0]!;
    const v = line.slice(2);
    if (k === 'F') {
      dir = v;
      cur.files.set(v, { kind: 'dir' });
    } else if (k === 'M') {
      const d = cur.files.get(dir);
      if (d) d.acl = v; // an M: before any F: has no directory to describe
    } else if (k === 'R') {
      file = dir === '' ? v : `${dir}/${v}`;
      cur.files.set(file, { kind: 'file' });
    } else if (k === 'a' || k === 'Z') {
      // a:/Z: describe the last R: of this record; without one there is nothing to describe.
      const f = file ? cur.files.get(file) : undefined;
      if (f && k === 'a') f.acl = v;
      else if (f) f.checksum = v;
    } else cur.fields.set(k, v);
  }
  return out;
}
