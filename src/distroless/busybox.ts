/**
 * The debug layer's content, like distroless :debug: Debian's busybox-static
 * binary relocated to /busybox/busybox with a symlink /busybox/APPLET for
 * each applet it was built with. The applet list is read from the binary's
 * own table of applet names (sorted, NUL-separated, starting "[", "[["), so
 * it is right for any architecture without running the binary. Pure.
 */
import type { InstalledPackage } from '../sources/debian/installed.js';
import { ResolveError } from '../errors.js';
import type { RawTarEntry } from '../tree/tar-read.js';
import type { TreeEntry } from '../tree/types.js';
import { statusEntries } from './status.js';

export const BUSYBOX_DIR = 'busybox';
export const BUSYBOX_PACKAGE = 'busybox-static';

/** Applets a busybox build is sure to have, if the name table cannot be found. */
const FALLBACK_APPLETS = [
  '[',
  'ash',
  'cat',
  'chmod',
  'cp',
  'env',
  'grep',
  'head',
  'id',
  'ls',
  'mkdir',
  'mv',
  'ps',
  'rm',
  'sed',
  'sh',
  'tail',
  'vi',
  'wget',
];

/** The applet names compiled into a busybox binary (without "busybox" itself). */
export function busyboxApplets(binary: Uint8Array): string[] {
  const buf = Buffer.from(binary.buffer, binary.byteOffset, binary.byteLength);
  const start = buf.indexOf('\0[\0[[\0', 0, 'latin1');
  if (start < 0) return FALLBACK_APPLETS;
  const names: string[] = [];
  let i = start + 1;
  while (i < buf.length) {
    const end = buf.indexOf(0, i);
    if (end <= i) break;
    const name = buf.toString('latin1', i, end);
    if (!/^[a-z0-9_.[\]-]+$/.test(name) || (names.length > 0 && name <= names[names.length - 1]!)) break;
    names.push(name);
    i = end + 1;
  }
  const applets = names.filter((n) => n !== 'busybox');
  return applets.includes('sh') ? applets : FALLBACK_APPLETS;
}

/** The busybox binary in busybox-static's data entries (/bin/busybox or /usr/bin/busybox). */
export function findBusybox(data: readonly RawTarEntry[], label: string): Uint8Array {
  const e = data.find((x) => x.type === 'file' && /(^|\/)bin\/busybox$/.test(x.name));
  if (!e) {
    throw new ResolveError('PACKAGE_NOT_FOUND', `${label} has no bin/busybox`, {
      hint: "the debug layer needs Debian's busybox-static package from the configured repositories",
    });
  }
  return e.data;
}

/** The entries of the debug layer: /busybox/busybox, its applet links, and the package's status.d files. */
export function debugEntries(binary: Uint8Array, pkg: InstalledPackage): TreeEntry[] {
  const owner = BUSYBOX_PACKAGE;
  const out: TreeEntry[] = [
    { path: BUSYBOX_DIR, type: 'dir', mode: 0o755, uid: 0, gid: 0, owner },
    { path: `${BUSYBOX_DIR}/busybox`, type: 'file', mode: 0o755, uid: 0, gid: 0, data: binary, owner },
  ];
  for (const a of busyboxApplets(binary))
    out.push({ path: `${BUSYBOX_DIR}/${a}`, type: 'symlink', mode: 0o777, uid: 0, gid: 0, target: 'busybox', owner });
  return [...out, ...statusEntries([pkg])];
}
