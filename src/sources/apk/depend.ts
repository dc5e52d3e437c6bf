/**
 * apk dependency atoms, as in an index's D:/p:/i: fields and .PKGINFO:
 * `[!]NAME[OP VERSION]` with OP one of = < <= > >= ~ (and apk's =~ >~ <~),
 * names such as so:libc.so.6, cmd:hello, pc:zlib or /bin/sh. `!NAME` is a
 * conflict. Provides are `NAME[=VERSION]`. Pure.
 */
import { ResolveError } from '../../errors.js';
import { compareApkVersions } from './version.js';

export type ApkOp = '=' | '<' | '<=' | '>' | '>=' | '~' | '>~' | '<~';

export interface ApkDep {
  name: string;
  op?: ApkOp;
  version?: string;
  /** `!name`: the named package (or provider) must not be installed. */
  conflict?: boolean;
}

export interface ApkProvide {
  name: string;
  /** Without a version the name is virtual: only unversioned dependencies match it. */
  version?: string;
}

const ATOM = /^(!?)([^\s<>=~!]+)(?:(=~|>~|<~|<=|>=|=|<|>|~)(\S+))?$/;

function fail(text: string, why: string, where: string): ResolveError {
  return new ResolveError('RELATION_PARSE', `${where}: cannot parse dependency "${text}": ${why}`, {
    hint: 'the index or package is malformed; check the repository',
  });
}

/** One atom. `where` names the field for errors ("APKINDEX:12 D:"). */
export function parseApkDep(text: string, where = 'dependency'): ApkDep {
  const m = ATOM.exec(text);
  if (!m) throw fail(text, 'not [!]NAME[OP VERSION]', where);
  const dep: ApkDep = { name: m[2]! };
  if (m[1]) dep.conflict = true;
  if (m[3] !== undefined) {
    const op = (m[3] === '=~' ? '~' : m[3]) as ApkOp;
    // Versions are taken as written: real indexes have provides such as pc:librtmp=v2.4, which apk
    // compares as best it can; only a package's own V: must be a valid version.
    dep.op = op;
    dep.version = m[4]!;
  }
  return dep;
}

/** A space-separated list of atoms ('' gives []). */
export function parseApkDeps(field: string, where?: string): ApkDep[] {
  return field
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((w) => parseApkDep(w, where));
}

/** A space-separated provides list: NAME or NAME=VERSION. */
export function parseApkProvides(field: string, where = 'provides'): ApkProvide[] {
  return field
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((w) => {
      const d = parseApkDep(w, where);
      if (d.conflict || (d.op !== undefined && d.op !== '=')) throw fail(w, 'a provide is NAME or NAME=VERSION', where);
      return d.version === undefined ? { name: d.name } : { name: d.name, version: d.version };
    });
}

/** True if `version` meets `op want` (no op: any version). */
export function apkSatisfies(version: string, op: ApkOp | undefined, want: string | undefined): boolean {
  if (op === undefined || want === undefined) return true;
  if (op === '~') return compareApkVersions(version, want, true) === 0;
  const c = compareApkVersions(version, want);
  switch (op) {
    case '=':
      return c === 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case '<~':
      return c < 0 || compareApkVersions(version, want, true) === 0;
    case '>~':
      return c > 0 || compareApkVersions(version, want, true) === 0;
  }
}

export function formatApkDep(d: ApkDep): string {
  return `${d.conflict ? '!' : ''}${d.name}${d.op ?? ''}${d.version ?? ''}`;
}

export function formatApkProvide(p: ApkProvide): string {
  return p.version === undefined ? p.name : `${p.name}=${p.version}`;
}
