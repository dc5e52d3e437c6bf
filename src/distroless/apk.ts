/**
 * What apk and apko leave in an image besides the packages' files, made
 * deterministically for an APK build: /usr/lib/apk/db/installed (describing
 * exactly the files present), /etc/apk/world, /etc/apk/repositories,
 * /etc/apk/arch and /etc/apk/keys/*; accounts merged into the base layout
 * package's /etc/passwd and /etc/group (its lines first, then pare's users
 * and groups that it lacks). A file pare rewrote (os-release, passwd, group)
 * stays listed under the package that shipped it, with the shipped checksum:
 * apk's database records what a package installed, and `apk audit` reports
 * the file as modified, which it is. No apk binary. Pure.
 */
import type { ApkPackage } from '../sources/apk/apkindex.js';
import { INSTALLED_DB, installedDb } from '../sources/apk/installed-db.js';
import type { FileTree } from '../tree/tree.js';
import { fileBytes } from '../tree/body.js';
import type { TreeEntry } from '../tree/types.js';
import { groupFile, passwdFile, type Accounts } from './accounts.js';
import { replacedBy } from './os-release.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function put(tree: FileTree, path: string, text: string | Uint8Array, mode = 0o644, replaced?: TreeEntry): void {
  if (tree.has(path)) tree.delete(path);
  const data = typeof text === 'string' ? enc.encode(text) : text;
  tree.add({ path, type: 'file', mode, uid: 0, gid: 0, data, owner: 'pare', replaced });
}

function dir(tree: FileTree, path: string): void {
  if (!tree.has(path)) tree.add({ path, type: 'dir', mode: 0o755, uid: 0, gid: 0, owner: 'pare' });
}

/** Lines of `generated` whose first field is not already a first field of `existing`. */
function mergeLines(existing: string, generated: string): string {
  const have = new Set(existing.split('\n').map((l) => l.split(':')[0]));
  const kept = existing === '' || existing.endsWith('\n') ? existing : `${existing}\n`;
  return (
    kept +
    generated
      .split('\n')
      .filter((l) => l !== '' && !have.has(l.split(':')[0]))
      .map((l) => `${l}\n`)
      .join('')
  );
}

/** /etc/passwd and /etc/group: the package's, plus the accounts it lacks. */
export function addApkAccounts(tree: FileTree, a: Accounts): void {
  for (const [path, text] of [
    ['etc/passwd', passwdFile(a)],
    ['etc/group', groupFile(a)],
  ] as const) {
    const e = tree.resolve(path);
    const existing = e?.type === 'file' ? dec.decode(fileBytes(e)) : '';
    const old = tree.get(path);
    put(tree, path, mergeLines(existing, text), e?.type === 'file' ? e.mode : 0o644, old && replacedBy(old));
  }
  if (!tree.has('tmp')) tree.add({ path: 'tmp', type: 'dir', mode: 0o1777, uid: 0, gid: 0, owner: 'pare' });
  for (const u of a.users) {
    if (u.homedir.startsWith('/home/') && !tree.has(u.homedir.slice(1))) {
      dir(tree, 'home');
      tree.add({ path: u.homedir.slice(1), type: 'dir', mode: 0o700, uid: u.uid, gid: u.gid, owner: 'pare' });
    }
  }
}

export interface ApkImageInput {
  /** Installed packages in install order. */
  packages: readonly ApkPackage[];
  /** Directories each package ships (the tree records one owner; apk lists them under every package). */
  dirs: ReadonlyMap<string, readonly string[]>;
  /** The world: the config's package entries. */
  world: readonly string[];
  /** Repository base URLs, as /etc/apk/repositories lists them. */
  repositories: readonly string[];
  arch: string;
  /** Key name → PEM, for /etc/apk/keys. */
  keys: ReadonlyMap<string, Uint8Array>;
}

/** Write the apk database and /etc/apk; call after every change to the package files (slicing, paths). */
export function addApkMetadata(tree: FileTree, input: ApkImageInput): void {
  const byOwner = new Map<string, TreeEntry[]>();
  for (const entry of tree.entries()) {
    // A file pare rewrote is listed under the package that shipped it, as shipped.
    const e = entry.replaced ? { ...entry.replaced, path: entry.path } : entry;
    if (e.owner === undefined) continue;
    const list = byOwner.get(e.owner);
    if (list) list.push(e);
    else byOwner.set(e.owner, [e]);
  }
  const db = installedDb(
    input.packages.map((pkg) => {
      const own = (byOwner.get(pkg.name) ?? []).filter((e) => e.type !== 'dir');
      const shipped = (input.dirs.get(pkg.name) ?? []).map((d) => tree.get(d)).filter((e) => e?.type === 'dir');
      return { pkg, entries: [...shipped.map((e) => e!), ...own] };
    }),
    (p) => tree.get(p),
  );
  for (const d of ['etc', 'etc/apk', 'etc/apk/keys', 'usr', 'usr/lib', 'usr/lib/apk', 'usr/lib/apk/db']) dir(tree, d);
  put(tree, INSTALLED_DB, db);
  put(tree, 'usr/lib/apk/db/triggers', '');
  put(tree, 'etc/apk/world', [...input.world].sort().join('\n') + '\n');
  put(tree, 'etc/apk/repositories', input.repositories.map((r) => `${r}\n`).join(''));
  put(tree, 'etc/apk/arch', `${input.arch}\n`);
  for (const [name, pem] of [...input.keys].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    put(tree, `etc/apk/keys/${name}`, pem);
  }
}
