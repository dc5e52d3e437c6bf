/**
 * Slicing: drop what a runtime never reads (documentation, manual pages,
 * translations, lintian overrides), by path rules in the spirit of chisel's
 * slices. Rules are globs (see glob.ts) over image paths. For each path the
 * most specific rule set decides — the owning package's rules, then the
 * image's, then the built-in defaults — and within a set `include` beats
 * `exclude`. Directories go only when a rule drops them and nothing is left
 * in them. Hard links to a dropped file keep their content. Pure.
 */
import { isBaseOwned } from './types.js';
import { matchAny } from './glob.js';
import { parentOf } from './path.js';
import type { FileTree } from './tree.js';

export interface SliceRuleSet {
  include: string[];
  exclude: string[];
}

export interface SliceRules extends SliceRuleSet {
  /** Apply the built-in DEFAULT_SLICE rules (default true). */
  defaults?: boolean;
  /** Rules that apply only to the files a package ships (by package name). */
  packages?: Record<string, Partial<SliceRuleSet>>;
}

export interface SliceResult {
  /** Files, symlinks and hard links removed. */
  files: number;
  /** Directories removed (left empty by the rules). */
  dirs: number;
  /** Bytes of file content no longer in the image. */
  bytes: number;
}

/** What a runtime never reads. The copyright files stay: licenses require them. */
export const DEFAULT_SLICE: SliceRuleSet = {
  exclude: [
    '/usr/share/doc/**',
    '/usr/share/man/**',
    '/usr/share/info/**',
    '/usr/share/lintian/**',
    '/usr/share/linda/**',
    '/usr/share/locale/**',
    '/usr/share/bug/**',
    '/usr/share/doc-base/**',
  ],
  include: [
    '/usr/share/doc/*/copyright',
    '/usr/share/locale/C.UTF-8/**',
    '/usr/share/locale/C.utf8/**',
    '/usr/share/locale/locale.alias',
  ],
};

export const NO_SLICING: SliceRules = { defaults: false, include: [], exclude: [] };

type Verdict = 'keep' | 'drop' | undefined;

function decide(set: Partial<SliceRuleSet> | undefined, path: string): Verdict {
  if (!set) return undefined;
  if (set.include?.length && matchAny(set.include, path)) return 'keep';
  if (set.exclude?.length && matchAny(set.exclude, path)) return 'drop';
  return undefined;
}

/** Whether `path` (owned by `owner`) goes under `rules`. */
export function isSliced(rules: SliceRules, path: string, owner?: string): boolean {
  const v =
    (owner !== undefined ? decide(rules.packages?.[owner], path) : undefined) ??
    decide(rules, path) ??
    (rules.defaults === false ? undefined : decide(DEFAULT_SLICE, path));
  return v === 'drop';
}

/** Remove what `rules` drop from `tree`, in place. */
export function slice(tree: FileTree, rules: SliceRules): SliceResult {
  const before = tree.size.bytes;
  const entries = tree.entries();
  const children = new Map<string, number>();
  const dirs: string[] = [];
  let files = 0;
  const doomed: string[] = [];
  for (const e of entries) {
    const drop = !isBaseOwned(e.owner) && isSliced(rules, e.path, e.owner); // a base image stays as it is
    if (e.type === 'dir') {
      if (drop) dirs.push(e.path);
    } else if (drop) {
      doomed.push(e.path);
      continue;
    }
    const up = parentOf(e.path);
    children.set(up, (children.get(up) ?? 0) + 1);
  }
  // Links first, then files: a kept link of a dropped file becomes the file.
  for (const p of doomed) if (tree.get(p)?.type !== 'file') files += Number(tree.delete(p));
  for (const p of doomed) if (tree.get(p)?.type === 'file') files += Number(tree.delete(p));
  const removedDirs = deleteEmptiedDirs(tree, dirs, children);
  return { files, dirs: removedDirs, bytes: before - tree.size.bytes };
}

/**
 * Delete the directories of `dirs` (sorted, as the tree's entries are) that
 * the deletions left empty; `children` counts what each directory still
 * holds and is updated as parents empty. Deepest first, so a parent sees its
 * emptied children; then one pass deletes them all. Returns how many went.
 */
export function deleteEmptiedDirs(tree: FileTree, dirs: readonly string[], children: Map<string, number>): number {
  const empty: string[] = [];
  for (let i = dirs.length - 1; i >= 0; i--) {
    const d = dirs[i]!;
    if ((children.get(d) ?? 0) > 0) continue;
    empty.push(d);
    const up = parentOf(d);
    children.set(up, (children.get(up) ?? 1) - 1);
  }
  return tree.deleteAll(empty);
}
