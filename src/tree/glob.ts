/**
 * Path globs for image paths, in the spirit of chisel's slice paths:
 * `*` matches within one path segment, `?` one character of a segment, `**`
 * any number of segments (including none). Patterns and paths may start with
 * '/'; both are compared without it. Pure.
 */

export interface Glob {
  /** The pattern as written. */
  pattern: string;
  test(path: string): boolean;
}

const cache = new Map<string, RegExp>();

function escape(c: string): string {
  return /[\\^$.|+()[\]{}]/.test(c) ? `\\${c}` : c;
}

/** Translate a glob into an anchored regular expression over a path without a leading '/'. */
export function globToRegExp(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const p = pattern.replace(/^\/+/, '').replace(/\/+$/, '');
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '*' && p[i + 1] === '*') {
      const startOfSegment = i === 0 || p[i - 1] === '/';
      const endOfSegment = i + 2 === p.length || p[i + 2] === '/';
      if (startOfSegment && p[i + 2] === '/') {
        re += '(?:[^/]*/)*'; // "**/": zero or more whole segments
        i += 2;
      } else if (startOfSegment && endOfSegment && i > 0) {
        re = re.slice(0, -1) + '(?:/.*)?'; // "/**" at the end: the directory itself or anything below
        i += 1;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += escape(c!);
  }
  const out = new RegExp(`^${re}$`, 's');
  cache.set(pattern, out);
  return out;
}

export function glob(pattern: string): Glob {
  const re = globToRegExp(pattern);
  return { pattern, test: (path: string) => re.test(path.startsWith('/') ? path.slice(1) : path) };
}

/** Whether any of `patterns` matches `path`. */
export function matchAny(patterns: readonly string[], path: string): boolean {
  const p = path.startsWith('/') ? path.slice(1) : path;
  for (const g of patterns) if (globToRegExp(g).test(p)) return true;
  return false;
}
