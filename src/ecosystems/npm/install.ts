/**
 * Place one npm package tarball at its node_modules path, as npm would: the
 * tarball's first directory ("package/") is stripped, regular files and
 * directories only (npm ignores links in tarballs), executables 0755 and
 * the rest 0644; each `bin` gets a relative symlink in the nearest
 * node_modules/.bin and an executable target. Pure.
 */
import { posix } from 'node:path';
import { AppError } from '../../errors.js';
import { readTar } from '../../tree/tar-read.js';
import type { TreeEntry } from '../../tree/types.js';
import type { NpmPackage } from './lockfile.js';

/** Entries of one unpacked (gunzipped) package tar below `dir` (an image path without '/'). */
export function packageEntries(tar: Uint8Array, pkg: NpmPackage, dir: string, label: string): TreeEntry[] {
  const owner = `npm:${pkg.name}`;
  const out: TreeEntry[] = [{ path: dir, type: 'dir', mode: 0o755, uid: 0, gid: 0, owner }];
  for (const e of readTar(tar, label)) {
    if (e.type !== 'file' && e.type !== 'dir') continue;
    const rel = e.name.replace(/^\.?\/?[^/]+\/?/, '').replace(/\/+$/, '');
    if (rel === '') continue;
    if (rel.split('/').some((s) => s === '..' || s === '.'))
      throw new AppError('APP_LOCKFILE', `${label}: entry "${e.name}" escapes the package directory`, {
        hint: 'the tarball is hostile or damaged',
      });
    const path = `${dir}/${rel}`;
    if (e.type === 'dir') out.push({ path, type: 'dir', mode: 0o755, uid: 0, gid: 0, owner });
    else out.push({ path, type: 'file', mode: e.mode & 0o111 ? 0o755 : 0o644, uid: 0, gid: 0, data: e.data, owner });
  }
  const files = new Map(out.map((e) => [e.path, e]));
  const binDir = `${dir.slice(0, dir.lastIndexOf('node_modules/') + 'node_modules'.length)}/.bin`;
  for (const [name, file] of Object.entries(pkg.bin)) {
    const cmd = name.replace(/^@[^/]+\//, '');
    const target = posix.normalize(`${dir}/${file}`);
    if (!/^[\w.@-]+$/.test(cmd) || !target.startsWith(`${dir}/`))
      throw new AppError('APP_LOCKFILE', `${label}: bin "${name}" → "${file}" leaves the package`, {
        hint: 'the lock file or package is damaged',
      });
    const f = files.get(target);
    if (f?.type === 'file') f.mode = 0o755;
    out.push({
      path: `${binDir}/${cmd}`,
      type: 'symlink',
      mode: 0o777,
      uid: 0,
      gid: 0,
      target: posix.relative(binDir, target),
      owner,
    });
  }
  return out;
}
