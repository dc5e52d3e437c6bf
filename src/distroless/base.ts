/**
 * Files that maintainer scripts or useradd would have made, generated
 * deterministically instead.
 */
import type { InstalledPackage } from '../sources/debian/installed.js';
import type { FileTree } from '../tree/tree.js';
import { groupFile, passwdFile, type Accounts } from './accounts.js';
import { addCaBundle } from './ca-bundle.js';
import { addJavaCacerts } from './java-cacerts.js';
import { addNsswitch } from './nsswitch.js';
import { addOsRelease } from './os-release.js';
import { addStatus } from './status.js';

const enc = new TextEncoder();

function ensureDir(tree: FileTree, path: string, mode: number, uid = 0, gid = 0): void {
  const existing = tree.get(path);
  if (existing && existing.type === 'dir') {
    existing.mode = mode;
    existing.uid = uid;
    existing.gid = gid;
    return;
  }
  if (!existing) tree.add({ path, type: 'dir', mode, uid, gid, owner: 'pare' });
}

function putFile(tree: FileTree, path: string, text: string, mode = 0o644): void {
  if (tree.has(path)) tree.delete(path);
  tree.add({ path, type: 'file', mode, uid: 0, gid: 0, data: enc.encode(text), owner: 'pare' });
}

export function addAccounts(tree: FileTree, a: Accounts): void {
  putFile(tree, 'etc/passwd', passwdFile(a));
  putFile(tree, 'etc/group', groupFile(a));
  ensureDir(tree, 'tmp', 0o1777);
  ensureDir(tree, 'root', 0o700);
  ensureDir(tree, 'home', 0o755);
  for (const u of a.users) {
    if (u.homedir.startsWith('/home/')) ensureDir(tree, u.homedir.slice(1), 0o700, u.uid, u.gid);
  }
}

export interface BaseFilesReport {
  /** Certificates in /etc/ssl/certs/ca-certificates.crt (0: ca-certificates is not installed). */
  certificates: number;
  /** Whether an os-release from base-files was found and marked. */
  osRelease: boolean;
}

/**
 * What maintainer scripts would have produced: the CA bundle, a marked
 * os-release, nsswitch.conf and the scanner metadata in status.d.
 */
export function addBaseFiles(tree: FileTree, packages: readonly InstalledPackage[]): BaseFilesReport {
  const certificates = addCaBundle(tree, packages);
  // A JRE links lib/security/cacerts to the store ca-certificates-java's hook writes.
  if (certificates > 0) addJavaCacerts(tree);
  const osRelease = addOsRelease(tree);
  addNsswitch(tree);
  addStatus(tree, packages);
  return { certificates, osRelease };
}
