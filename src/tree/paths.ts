/**
 * apko's `paths`: application content and changes applied to the assembled
 * tree after the packages — directories, empty files, files from the build
 * context, symlinks, hard links and permission changes. Pure: the build layer
 * reads the source files and passes their bytes in.
 */
import type { PathConfig } from '../config/types.js';
import { ConfigError } from '../errors.js';
import { isWithin, joinPath } from './path.js';
import type { FileTree } from './tree.js';
import type { TreeEntry } from './types.js';

/** One node of a source read from the build context; rel '' is the source itself. */
export interface SourceNode {
  rel: string;
  type: 'file' | 'dir' | 'symlink';
  data?: Uint8Array;
  /** The owner-execute bit was set on the host. */
  executable?: boolean;
  target?: string;
}

/** Source path (PathConfig.source) → its nodes, parents before children. */
export type SourceFiles = ReadonlyMap<string, readonly SourceNode[]>;

const OWNER = 'paths';

function fail(p: PathConfig, i: number, message: string, hint: string): ConfigError {
  const at = p.pos ? `${p.pos.file}:${p.pos.line}:${p.pos.col}: ` : '';
  return new ConfigError('CONFIG_SCHEMA', `${at}paths[${i}] (${p.type} ${p.path}): ${message}`, {
    pos: p.pos,
    hint,
    detail: { path: p.path },
  });
}

function setMeta(e: TreeEntry, p: PathConfig, modeToo: boolean): void {
  if (modeToo && p.permissions !== undefined) e.mode = p.permissions;
  if (p.uid !== undefined) e.uid = p.uid;
  if (p.gid !== undefined) e.gid = p.gid;
}

function below(tree: FileTree, dir: string): TreeEntry[] {
  return tree.entries().filter((e) => e.path !== dir && isWithin(e.path, dir));
}

/** Apply every entry of `paths` to `tree`, in order. */
export function applyPaths(tree: FileTree, paths: readonly PathConfig[], sources: SourceFiles = new Map()): void {
  paths.forEach((p, i) => applyOne(tree, p, i, sources));
}

function applyOne(tree: FileTree, p: PathConfig, i: number, sources: SourceFiles): void {
  const path = p.path.replace(/^\/+/, '');
  const uid = p.uid ?? 0;
  const gid = p.gid ?? 0;
  switch (p.type) {
    case 'directory': {
      const old = tree.get(path) ?? tree.resolve(path);
      if (old && old.type !== 'dir')
        throw fail(
          p,
          i,
          `the image already has a ${old.type} there`,
          'choose another path, or remove the package that ships it',
        );
      if (old) setMeta(old, p, true);
      else tree.add({ path, type: 'dir', mode: p.permissions ?? 0o755, uid, gid, owner: OWNER });
      if (p.recursive)
        for (const e of below(tree, tree.realpath(path)!)) if (e.type !== 'symlink') setMeta(e, p, e.type === 'dir');
      return;
    }
    case 'empty-file':
      tree.add(
        { path, type: 'file', mode: p.permissions ?? 0o644, uid, gid, data: new Uint8Array(0), owner: OWNER },
        { replace: true },
      );
      return;
    case 'symlink':
      tree.add({ path, type: 'symlink', mode: 0o777, uid, gid, target: p.target!, owner: OWNER }, { replace: true });
      return;
    case 'hardlink': {
      const t = tree.resolve(p.target!.replace(/^\/+/, ''));
      if (t?.type !== 'file' && t?.type !== 'hardlink')
        throw fail(
          p,
          i,
          `the target ${p.target} is not a regular file in the image`,
          'link to a file a package or an earlier paths entry puts in the image',
        );
      tree.add(
        { path, type: 'hardlink', mode: t.mode, uid: t.uid, gid: t.gid, target: t.path, owner: OWNER },
        { replace: true },
      );
      return;
    }
    case 'permissions': {
      const e = tree.resolve(path);
      if (!e)
        throw fail(
          p,
          i,
          'nothing is at that path in the image',
          'change permissions of a path a package or an earlier paths entry creates',
        );
      setMeta(e, p, true);
      if (p.recursive && e.type === 'dir')
        for (const c of below(tree, e.path)) if (c.type !== 'symlink') setMeta(c, p, true);
      return;
    }
    case 'file': {
      const nodes = sources.get(p.source!);
      if (!nodes?.length)
        throw fail(
          p,
          i,
          `the source ${p.source} was not read`,
          'internal: the build layer reads sources before applying paths',
        );
      for (const n of nodes) {
        const at = joinPath(path, n.rel);
        if (n.type === 'dir') {
          const old = tree.get(at);
          // Directories copied from the context are 0755; `permissions` applies to their files.
          if (old?.type === 'dir') setMeta(old, { ...p, permissions: 0o755 }, true);
          else tree.add({ path: at, type: 'dir', mode: 0o755, uid, gid, owner: OWNER }, { replace: true });
        } else if (n.type === 'symlink') {
          tree.add(
            { path: at, type: 'symlink', mode: 0o777, uid, gid, target: n.target!, owner: OWNER },
            { replace: true },
          );
        } else {
          const mode = p.permissions ?? (n.executable ? 0o755 : 0o644);
          tree.add(
            { path: at, type: 'file', mode, uid, gid, data: n.data ?? new Uint8Array(0), owner: OWNER },
            { replace: true },
          );
        }
      }
      return;
    }
  }
}
