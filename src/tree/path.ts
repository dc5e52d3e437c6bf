/**
 * Path rules for the in-memory tree: archive names become image paths
 * relative to the root ("./usr/bin/x" → "usr/bin/x"), hostile names are
 * reported, and paths sort bytewise (UTF-8 byte order). Pure.
 */

export type PathProblem = 'absolute' | 'dotdot' | 'empty' | 'control';

/**
 * NUL or another control character (U+0000-U+001F, U+007F). No real package
 * needs one, and tools disagree on them: GNU tar cuts a name at NUL
 * ("usr/bin/su\0x" lands on usr/bin/su), Go's archive/tar rejects it.
 */
export function hasControlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

export interface NormalizedPath {
  /** '' for the root itself. */
  path: string;
  problem?: PathProblem;
}

/**
 * Normalize an archive name: drop '.' and empty components and a trailing
 * '/'. Absolute names, names with a '..' component and names with control
 * characters are flagged, not repaired: the caller reports them.
 */
export function normalizeName(name: string): NormalizedPath {
  if (hasControlChar(name)) return { path: name, problem: 'control' };
  if (name.startsWith('/')) return { path: name, problem: 'absolute' };
  // Fast path for the common "./usr/bin/x" shape.
  let s = name.startsWith('./') ? name.slice(2) : name;
  if (s.endsWith('/')) s = s.slice(0, -1);
  if (
    s !== '' &&
    s.charCodeAt(0) !== 0x2f &&
    !s.includes('//') &&
    !s.includes('./') &&
    !s.endsWith('/.') &&
    s !== '.' &&
    s !== '..' &&
    !s.endsWith('/..')
  ) {
    return { path: s };
  }
  const out: string[] = [];
  for (const c of name.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') return { path: name, problem: 'dotdot' };
    out.push(c);
  }
  return { path: out.join('/') };
}

/** The parent of an image path ('' for top-level entries). */
export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** Join an image directory path ('' is the root) and a relative rest. */
export function joinPath(dir: string, rest: string): string {
  return dir === '' ? rest : rest === '' ? dir : `${dir}/${rest}`;
}

/** Whether `path` is `dir` itself or lies below it. */
export function isWithin(path: string, dir: string): boolean {
  return dir === '' || path === dir || (path.startsWith(dir) && path.charCodeAt(dir.length) === 0x2f);
}

/**
 * Compare strings in UTF-8 byte order (= code point order). Plain UTF-16
 * comparison differs only when a surrogate meets a code unit >= 0xE000.
 */
export function compareBytewise(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

const NON_BMP_ORDER = /[\ud800-\uffff]/;

/**
 * Sort `items` by `key(item)` in UTF-8 byte order using the engine's native
 * string comparison: keys with code units >= 0xD800 are remapped so that
 * UTF-16 order equals code point order (surrogates after U+E000..U+FFFF).
 */
export function sortBytewise<T>(items: T[], key: (item: T) => string): T[] {
  const keyed = items.map((item) => {
    let k = key(item);
    if (NON_BMP_ORDER.test(k)) {
      k = k.replace(/[\ud800-\uffff]/g, (c) => {
        const u = c.charCodeAt(0);
        return String.fromCharCode(u >= 0xe000 ? u - 0x800 : u + 0x2000);
      });
    }
    return { k, item };
  });
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.item);
}
