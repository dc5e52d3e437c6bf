/**
 * Path resolution in the tree with chroot semantics: symlinks are followed,
 * absolute targets start at the image root. Pure.
 */
import { parentOf } from './path.js';
import { hostile, notADirectory } from './problems.js';
import type { TreeEntry } from './types.js';

/** Who is resolving, for messages: the package and the name as it was given. */
export interface WalkCtx {
  pkg: string;
  name: string;
}

const UNCLEAN = /^\/|\/$|\/\/|(^|\/)\.\.?(\/|$)|^$/;
const MAX_HOPS = 40; // like the kernel's ELOOP limit

/**
 * Resolve `path` through symlinks in the tree with chroot semantics
 * (absolute targets start at the image root). With a ctx the walk is strict:
 * climbing above the root or looping is PATH_HOSTILE, walking through a
 * non-directory is FILE_CONFLICT. Without one, '..' at the root stays at
 * the root and failures return undefined.
 */
export function walk(
  map: ReadonlyMap<string, TreeEntry>,
  path: string,
  ctx: WalkCtx | undefined,
  followLast: boolean,
): string | undefined {
  // Fast path for a clean path whose existing prefixes are all directories:
  // every entry's parents are in the map, so the first missing prefix ends the search.
  if (!UNCLEAN.test(path)) {
    let end = path.indexOf('/');
    while (true) {
      const e = map.get(end < 0 ? path : path.slice(0, end));
      if (e === undefined || end < 0) {
        if (e === undefined || e.type !== 'symlink' || !followLast) return path;
        break;
      }
      if (e.type !== 'dir') break;
      end = path.indexOf('/', end + 1);
    }
  }
  return walkSlow(map, path, ctx, followLast);
}

function walkSlow(
  map: ReadonlyMap<string, TreeEntry>,
  path: string,
  ctx: WalkCtx | undefined,
  followLast: boolean,
): string | undefined {
  let parts = path.split('/');
  let i = 0;
  let cur = '';
  let hops = 0;
  while (i < parts.length) {
    const c = parts[i++];
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (cur === '') {
        if (ctx) throw hostile(ctx.pkg, ctx.name, 'it walks through a symlink that leads out of the image root');
        continue;
      }
      cur = parentOf(cur);
      continue;
    }
    const next = cur === '' ? c : `${cur}/${c}`;
    const e = map.get(next!);
    if (e === undefined) {
      cur = next!;
      continue;
    }
    const last = i === parts.length;
    if (e.type === 'symlink' && (followLast || !last)) {
      if (++hops > MAX_HOPS) {
        if (ctx) throw hostile(ctx.pkg, ctx.name, `it walks through a symlink loop at '${next}'`);
        return undefined;
      }
      const t = e.target!;
      parts = i === parts.length ? t.split('/') : t.split('/').concat(parts.slice(i));
      i = 0;
      if (t.startsWith('/')) cur = '';
      continue;
    }
    if (!last && e.type !== 'dir') {
      if (ctx) throw notADirectory(next!, e, ctx.pkg, ctx.name);
      return undefined;
    }
    cur = next!;
  }
  return cur;
}
