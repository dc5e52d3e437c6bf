/**
 * A small, verified zip reader for wheels and JARs: the central directory
 * (ZIP64 included) names the entries; each entry's data is stored or
 * deflated, and its CRC-32 and size are checked after inflating. Names that
 * are absolute or climb with '..' are refused. Pure: bytes in, entries out.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { ArchiveError, LimitError } from '../errors.js';

export interface ZipEntry {
  name: string;
  /** Unix permission bits from the external attributes (0 when the archive has none). */
  mode: number;
  dir: boolean;
  data: Uint8Array;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function bad(label: string, why: string): ArchiveError {
  return new ArchiveError('ARCHIVE_FORMAT', `${label}: not a valid zip archive: ${why}`, {
    hint: 'the file is corrupt or not a zip (wheel/jar); fetch it again or check its source',
  });
}

function findEocd(b: Buffer, label: string): number {
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 65535); i--) if (b.readUInt32LE(i) === EOCD) return i;
  throw bad(label, 'no end of central directory');
}

/** The most bytes the entries of one archive may declare together (a zip bomb's promise). */
export const MAX_ZIP_BYTES = 8 * 1024 ** 3;

/**
 * Reads every entry. Every offset and length from the archive is checked
 * against its bytes before it is read, and a deflated entry may not inflate
 * past the size its directory entry declares. Errors: ArchiveError
 * 'ARCHIVE_FORMAT'; LimitError 'LIMIT_EXCEEDED' when the entries declare more
 * than MAX_ZIP_BYTES.
 */
export function readZip(bytes: Uint8Array, label: string): ZipEntry[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 22) throw bad(label, 'too short');
  const eocd = findEocd(b, label);
  let count = b.readUInt16LE(eocd + 10);
  let offset = b.readUInt32LE(eocd + 16);
  if ((count === 0xffff || offset === 0xffffffff) && eocd >= 20 && b.readUInt32LE(eocd - 20) === EOCD64_LOCATOR) {
    const at = Number(b.readBigUInt64LE(eocd - 12));
    if (at + 56 > b.length) throw bad(label, 'the ZIP64 end of central directory is outside the file');
    count = Number(b.readBigUInt64LE(at + 32));
    offset = Number(b.readBigUInt64LE(at + 48));
  }
  // Every central entry takes at least 46 bytes: a larger count is a lie, checked before looping.
  if (count * 46 > b.length) throw bad(label, `${count} entries cannot fit in ${b.length} bytes`);
  const out: ZipEntry[] = [];
  let declared = 0;
  for (let i = 0; i < count; i++) {
    if (offset + 46 > b.length || b.readUInt32LE(offset) !== CENTRAL) throw bad(label, `central entry ${i} is damaged`);
    const method = b.readUInt16LE(offset + 10);
    const crc = b.readUInt32LE(offset + 16);
    let csize = b.readUInt32LE(offset + 20);
    let usize = b.readUInt32LE(offset + 24);
    const nameLen = b.readUInt16LE(offset + 28);
    const extraLen = b.readUInt16LE(offset + 30);
    const commentLen = b.readUInt16LE(offset + 32);
    const external = b.readUInt32LE(offset + 38);
    let local = b.readUInt32LE(offset + 42);
    if (offset + 46 + nameLen + extraLen + commentLen > b.length) throw bad(label, `central entry ${i} is truncated`);
    const name = b.toString('utf8', offset + 46, offset + 46 + nameLen);
    // ZIP64 extra field: the 0xffffffff values follow in order usize, csize, offset.
    let e = offset + 46 + nameLen;
    const end = e + extraLen;
    while (e + 4 <= end) {
      const id = b.readUInt16LE(e);
      const len = b.readUInt16LE(e + 2);
      if (e + 4 + len > end) throw bad(label, `an extra field of "${name}" is truncated`);
      if (id === 1) {
        let p = e + 4;
        const u64 = () => {
          if (p + 8 > e + 4 + len) throw bad(label, `the ZIP64 field of "${name}" is truncated`);
          const v = Number(b.readBigUInt64LE(p));
          p += 8;
          return v;
        };
        if (usize === 0xffffffff) usize = u64();
        if (csize === 0xffffffff) csize = u64();
        if (local === 0xffffffff) local = u64();
      }
      e += 4 + len;
    }
    offset = end + commentLen;
    if (name.startsWith('/') || name.split('/').includes('..') || name.includes('\\'))
      throw bad(label, `entry "${name}" escapes the archive root`);
    declared += usize;
    if (declared > MAX_ZIP_BYTES) {
      throw new LimitError('LIMIT_EXCEEDED', `${label}: its entries declare more than ${MAX_ZIP_BYTES} bytes`, {
        hint: 'a wheel or JAR this large is not a library; check where it comes from',
        detail: { limit: 'zip-size', max: MAX_ZIP_BYTES },
      });
    }
    if (local + 30 > b.length || b.readUInt32LE(local) !== LOCAL)
      throw bad(label, `local header of "${name}" is missing`);
    const start = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
    const raw = b.subarray(start, start + csize);
    if (raw.length !== csize) throw bad(label, `"${name}" is truncated`);
    let data: Uint8Array;
    if (method === 0) data = raw;
    else if (method === 8) {
      try {
        // One byte more than declared is enough to tell a lie from the truth.
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, usize + 1) });
      } catch {
        throw bad(label, `"${name}" does not inflate to the ${usize} bytes its directory entry says`);
      }
    } else throw bad(label, `"${name}" uses compression method ${method} (only stored and deflate are read)`);
    if (data.length !== usize) throw bad(label, `"${name}" has ${data.length} bytes, the directory says ${usize}`);
    if (crc32(data) >>> 0 !== crc) throw bad(label, `"${name}" fails its CRC-32 check`);
    const dir = name.endsWith('/');
    out.push({ name: dir ? name.slice(0, -1) : name, mode: (external >>> 16) & 0o7777, dir, data });
  }
  return out;
}
