/**
 * Debian version numbers, exactly as deb-version(7) and dpkg's verrevcmp():
 * [epoch:]upstream[-revision]; '~' sorts before everything (even the end of
 * the string), letters before non-letters, digit runs compare numerically
 * (by length after leading zeros, so long runs never overflow).
 */
import { ResolveError } from '../../errors.js';

export interface DebVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

const UPSTREAM_CHARS = /^[A-Za-z0-9.+~:-]*$/;
const REVISION_CHARS = /^[A-Za-z0-9.+~]*$/;

/** Parses and validates a version. Errors: ResolveError 'VERSION_PARSE'. */
export function parseVersion(v: string): DebVersion {
  const s = v.trim();
  if (s.length === 0) throw bad(v, 'version string is empty');
  if (/\s/.test(s)) throw bad(v, 'version string has embedded spaces');
  let epoch = 0;
  let rest = s;
  const colon = s.indexOf(':');
  if (colon >= 0) {
    const e = s.slice(0, colon);
    if (!/^[0-9]+$/.test(e)) throw bad(v, 'epoch in version is not a number');
    epoch = Number(e);
    if (epoch > 0x7fffffff) throw bad(v, 'epoch in version is too big');
    rest = s.slice(colon + 1);
    if (rest.length === 0) throw bad(v, 'nothing after colon in version number');
  }
  let upstream = rest;
  let revision = '';
  const hyphen = rest.lastIndexOf('-');
  if (hyphen >= 0) {
    upstream = rest.slice(0, hyphen);
    revision = rest.slice(hyphen + 1);
    if (revision.length === 0) throw bad(v, 'revision number is empty');
  }
  if (upstream.length === 0) throw bad(v, 'version number is empty');
  if (!UPSTREAM_CHARS.test(upstream)) throw bad(v, 'invalid character in version number');
  if (!REVISION_CHARS.test(revision)) throw bad(v, 'invalid character in revision number');
  return { epoch, upstream, revision };
}

/** True if `v` is a valid Debian version. */
export function isValidVersion(v: string): boolean {
  try {
    parseVersion(v);
    return true;
  } catch {
    return false;
  }
}

/** Compares two versions like `dpkg --compare-versions`. */
export function compareVersions(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  return compareParsed(parseVersion(a), parseVersion(b));
}

export function compareParsed(a: DebVersion, b: DebVersion): -1 | 0 | 1 {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  const u = verrevcmp(a.upstream, b.upstream);
  if (u !== 0) return u;
  return verrevcmp(a.revision, b.revision);
}

function order(c: number): number {
  if (c >= 0x30 && c <= 0x39) return 0; // digit
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return c; // letter
  if (c === 0x7e) return -1; // '~'
  if (Number.isNaN(c)) return 0; // end of string
  return c + 256;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function verrevcmp(a: string, b: string): -1 | 0 | 1 {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // Non-digit prefix, character by character.
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = order(a.charCodeAt(i));
      const bc = order(b.charCodeAt(j));
      if (ac !== bc) return ac < bc ? -1 : 1;
      i++;
      j++;
    }
    // Digit run: skip leading zeros, then longer run wins, then first difference.
    while (a.charCodeAt(i) === 0x30) i++;
    while (b.charCodeAt(j) === 0x30) j++;
    let first = 0;
    while (isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (first === 0) first = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a.charCodeAt(i))) return 1;
    if (isDigit(b.charCodeAt(j))) return -1;
    if (first !== 0) return first < 0 ? -1 : 1;
  }
  return 0;
}

function bad(v: string, what: string): ResolveError {
  return new ResolveError('VERSION_PARSE', `invalid version "${v}": ${what}`, {
    hint: 'Debian versions look like [epoch:]upstream[-revision], e.g. 1:2.3.4-5+deb12u1',
  });
}
