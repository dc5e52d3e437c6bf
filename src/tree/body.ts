/**
 * Reading a file entry's content whether it is held in memory (`data`) or
 * outside it (`body`). Pure: a body brings its own reads.
 */
import type { TreeEntry } from './types.js';

const EMPTY = new Uint8Array(0);

/** A regular file's size in bytes (0 for anything else). */
export function fileSize(e: TreeEntry): number {
  if (e.type !== 'file') return 0;
  return e.data?.byteLength ?? e.body?.size ?? 0;
}

/** A regular file's whole content; use only for small files pare itself reads (status, certificates, os-release). */
export function fileBytes(e: TreeEntry): Uint8Array {
  if (e.data) return e.data;
  return e.body ? e.body.read() : EMPTY;
}

/** Whether two regular files hold the same bytes (bodies compare by identity and size). */
export function sameContent(a: TreeEntry, b: TreeEntry): boolean {
  if (fileSize(a) !== fileSize(b)) return false;
  if (a.body || b.body) return a.body !== undefined && b.body !== undefined && a.body.id === b.body.id;
  return Buffer.compare(a.data ?? EMPTY, b.data ?? EMPTY) === 0;
}
