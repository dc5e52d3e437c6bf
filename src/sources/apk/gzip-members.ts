/**
 * Concatenated gzip members, as APK files are made of: each member's exact
 * compressed bytes (signatures cover them, checksums hash them) and its
 * inflated content, with the gzip trailer (CRC-32, size) checked. Pure.
 * Inflation is bounded: a member that inflates past `maxOutput` bytes stops
 * there with LIMIT_EXCEEDED, before the memory is allocated (a gzip bomb
 * costs nothing).
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { describeSize } from '../../config/limits.js';
import { ArchiveError, LimitError } from '../../errors.js';

/** How far a member may inflate, and what to tell the user when it goes further. */
export interface OutputBound {
  max: number;
  hint: string;
}

/** Unless the caller says otherwise (control members, signatures): 64 MiB. */
export const DEFAULT_BOUND: OutputBound = {
  max: 64 * 1024 * 1024,
  hint: 'no genuine APK control or signature member is that large: the file is hostile or damaged',
};

export interface GzipMember {
  /** Offset of the member in the input. */
  offset: number;
  /** The member's bytes as stored: header, deflate stream and trailer. */
  raw: Uint8Array;
  /** The inflated content. */
  data: Uint8Array;
}

function bad(label: string, msg: string, offset: number): ArchiveError {
  return new ArchiveError('ARCHIVE_COMPRESSION', `${label}: ${msg} (gzip member at offset ${offset})`, {
    hint: 'the file is damaged or not an APK archive; delete it from the cache and fetch it again',
  });
}

/** Read the gzip member at `off`. */
function readMember(
  bytes: Uint8Array,
  off: number,
  label: string,
  checkTrailer: boolean,
  bound: OutputBound,
): GzipMember {
  if (bytes.length - off < 18 || bytes[off] !== 0x1f || bytes[off + 1] !== 0x8b || bytes[off + 2] !== 8) {
    throw bad(label, 'not a gzip member', off);
  }
  const flags = bytes[off + 3]!;
  let p = off + 10;
  if (flags & 4) p += 2 + (bytes[p]! | (bytes[p + 1]! << 8));
  if (flags & 8) while (p < bytes.length && bytes[p++] !== 0);
  if (flags & 16) while (p < bytes.length && bytes[p++] !== 0);
  if (flags & 2) p += 2;
  if (p >= bytes.length) throw bad(label, 'truncated gzip header', off);
  let data: Buffer;
  let used: number;
  try {
    const r = inflateRawSync(bytes.subarray(p), { info: true, maxOutputLength: bound.max }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    data = r.buffer;
    used = r.engine.bytesWritten;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new LimitError('LIMIT_EXCEEDED', `${label}: inflates to more than ${describeSize(bound.max)}`, {
        hint: bound.hint,
        detail: { max: bound.max, input: label },
      });
    throw bad(label, `corrupt deflate data: ${(e as Error).message}`, off);
  }
  const end = p + used + 8;
  if (end > bytes.length) throw bad(label, 'truncated gzip trailer', off);
  if (checkTrailer) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + p + used, 8);
    if (view.getUint32(0, true) !== crc32(data) >>> 0) throw bad(label, 'CRC-32 mismatch', off);
    if (view.getUint32(4, true) !== data.length % 2 ** 32) throw bad(label, 'size mismatch in gzip trailer', off);
  }
  return { offset: off, raw: bytes.subarray(off, end), data };
}

/** Split `bytes` into its gzip members; at most `max` (a larger count is an error). */
export function gzipMembers(bytes: Uint8Array, label: string, max = 8, bound = DEFAULT_BOUND): GzipMember[] {
  if (bytes.length === 0) throw bad(label, 'empty file, no gzip member', 0);
  const out: GzipMember[] = [];
  for (let off = 0; off < bytes.length; off += out[out.length - 1]!.raw.length) {
    if (out.length === max) throw bad(label, `more than ${max} gzip members`, off);
    out.push(readMember(bytes, off, label, true, bound));
  }
  return out;
}

/**
 * The first `n` members, and the bytes after them unread: a caller hashes
 * those raw bytes (apk's datahash) before it inflates anything from them.
 * Trailers of the `n` members are checked unless `checkTrailers` is false
 * (when the caller hashes the raw members too).
 */
export function gzipPrefix(
  bytes: Uint8Array,
  label: string,
  n: number,
  checkTrailers = true,
  bound = DEFAULT_BOUND,
): { members: GzipMember[]; rest: Uint8Array } {
  const members: GzipMember[] = [];
  let off = 0;
  while (members.length < n && off < bytes.length) {
    const m = readMember(bytes, off, label, checkTrailers, bound);
    members.push(m);
    off += m.raw.length;
  }
  return { members, rest: bytes.subarray(off) };
}
