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
  /** File content held in memory (type 'file' only; small files). */
  data?: Uint8Array;
  /** File content kept outside memory (type 'file' only; large files): see FileBody. */
  body?: FileBody;
  /** Symlink target as stored (may be relative or absolute), or for a hardlink the image path of the entry it links to. */
  target?: string;
  /** Seconds since the epoch; layer writers clamp to the image's fixed mtime. */
  mtime?: number;
  /** The package (or config source) the entry came from, for conflicts and SBOMs. */
  owner?: string;
  /**
   * The package entry this generated entry stands in for, when pare rewrote a
   * file a package installed (os-release, APK's passwd and group). The entry
   * itself (owner 'pare') goes to the generated layer; package databases
   * (apk's installed db) still list the path under `replaced.owner` with what
   * that package shipped, as apk does for a file changed after install.
   */
  replaced?: TreeEntry;
}

/**
 * A file's content kept outside memory (a range of an unpacked archive in the
 * cache, a spool file): re-openable, so hashing and writing each read afresh.
 * The tree never does I/O itself; whoever makes a body supplies the reads.
 */
export interface FileBody {
  readonly size: number;
  /** Two bodies with the same id hold the same bytes (e.g. "<archive sha256>:<offset>"). */
  readonly id: string;
  /** A fresh stream of exactly `size` bytes. */
  open(): AsyncIterable<Uint8Array>;
  /** The whole content in memory: only for the few small files pare reads itself. */
  read(): Uint8Array;
}

/** Owner prefix of the entries a base image brought ("base image oci:DIR:TAG"): never sliced, never re-layered. */
export const BASE_OWNER = 'base image';

/** Whether an entry's owner is a base image. */
export const isBaseOwned = (owner: string | undefined): boolean => owner?.startsWith(BASE_OWNER) === true;
