/** The tree's user-facing errors: hostile paths and conflicts between packages. */
import { TreeError } from '../errors.js';
import { fileSize } from './body.js';
import type { TreeEntry } from './types.js';

export function hostile(pkg: string, path: string, why: string): TreeError {
  return new TreeError('PATH_HOSTILE', `package '${pkg}' has a hostile path '${path}': ${why}`, {
    hint: `Do not install '${pkg}', or report the package to its maintainer: its files would escape the image root.`,
    detail: { path, package: pkg, reason: why },
  });
}

function describe(e: TreeEntry): string {
  switch (e.type) {
    case 'file':
      return `a file (mode ${e.mode.toString(8).padStart(4, '0')}, uid ${e.uid}, gid ${e.gid}, ${fileSize(e)} bytes)`;
    case 'dir':
      return 'a directory';
    case 'symlink':
      return `a symlink to '${e.target}'`;
    case 'hardlink':
      return `a hard link to '${e.target}'`;
  }
}

export function conflict(path: string, first: TreeEntry, second: TreeEntry, why?: string): TreeError {
  const a = first.owner ?? '(unknown)';
  const b = second.owner ?? '(unknown)';
  const sameMeta =
    first.type === 'file' &&
    second.type === 'file' &&
    first.mode === second.mode &&
    first.uid === second.uid &&
    first.gid === second.gid;
  const reason = why ?? (sameMeta ? 'with different content' : `as ${describe(first)} and as ${describe(second)}`);
  return new TreeError('FILE_CONFLICT', `'${path}' is shipped by both '${a}' and '${b}' ${reason}`, {
    hint: `Install only one of '${a}' and '${b}', or remove the path from one of them in the config.`,
    detail: { path, packages: [a, b] },
  });
}

/** `path` must be a directory for `name` from `pkg`, but another package ships something else there. */
export function notADirectory(path: string, existing: TreeEntry, pkg: string, name: string): TreeError {
  const owner = existing.owner ?? '(unknown)';
  return new TreeError(
    'FILE_CONFLICT',
    `'${name}' from '${pkg}' needs '${path}' to be a directory, but '${owner}' ships it as a ${existing.type}`,
    {
      hint: `Install only one of '${owner}' and '${pkg}'.`,
      detail: { path, packages: [owner, pkg] },
    },
  );
}
