/**
 * The in-memory root filesystem. Paths are relative to the image root, use
 * '/' separators, have no leading '/', no '.' or '..' components and no
 * trailing '/': "usr/bin/openssl". The root itself is never an entry.
 */
export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink';

export interface TreeEntry {
  path: string;
  type: EntryType;
  /** Permission bits including setuid/setgid/sticky (0o7777), no file type bits. */
  mode: number;
  uid: number;
  gid: number;
  /** File content (type 'file' only). */
  data?: Uint8Array;
  /** Symlink target as stored (may be relative or absolute), or for a hardlink the image path of the entry it links to. */
  target?: string;
  /** Seconds since the epoch; layer writers clamp to the image's fixed mtime. */
  mtime?: number;
  /** The package (or config source) the entry came from, for conflicts and SBOMs. */
  owner?: string;
}
