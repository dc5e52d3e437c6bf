/**
 * One verified .apk's data entries into the tree, with apk's rules for a
 * path another package already installed: the newcomer overwrites it when
 * it `replaces` that package or both come from the same origin; it is
 * skipped when the installed package replaces the newcomer; otherwise the
 * tree reports the conflict. Returns the newest mtime and the directories
 * the package ships (apk lists shared directories under every package). Pure.
 */
import type { ApkPackage } from '../sources/apk/apkindex.js';
import { normalizeName } from '../tree/path.js';
import type { RawTarEntry } from '../tree/tar-read.js';
import type { FileTree } from '../tree/tree.js';

export function addApkPackage(
  tree: FileTree,
  pkg: ApkPackage,
  data: readonly RawTarEntry[],
  installed: ReadonlyMap<string, ApkPackage>,
): { newest: number; dirs: string[] } {
  let newest = 0;
  const dirs: string[] = [];
  for (const raw of data) {
    if (raw.mtime > newest) newest = raw.mtime;
    if (raw.type === 'dir') {
      const n = normalizeName(raw.name);
      if (!n.problem && n.path !== '') dirs.push(n.path.replace(/\/+$/, ''));
    }
    if (raw.type === 'file' || raw.type === 'symlink' || raw.type === 'hardlink') {
      const n = normalizeName(raw.name);
      const old = n.problem || n.path === '' ? undefined : tree.get(n.path);
      const owner = old && old.type !== 'dir' && old.owner !== pkg.name ? installed.get(old.owner ?? '') : undefined;
      if (owner) {
        if (pkg.replaces.includes(owner.name) || owner.origin === pkg.origin) tree.delete(n.path);
        else if (owner.replaces.includes(pkg.name)) continue;
      }
    }
    tree.addPackage(pkg.name, [raw]);
  }
  return { newest, dirs };
}
