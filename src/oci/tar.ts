/**
 * A small, deterministic tar encoder (POSIX ustar + PAX extended headers).
 * It writes exactly the entries it is given, in the given order, with no host
 * data: no user or group names, no device numbers, no atime/ctime. Sorting and
 * mtime policy belong to the caller (see layer.ts). Pure: no I/O.
 */
import type { TreeEntry } from '../tree/types.js';

const BLOCK = 512;
const TYPEFLAG: Record<TreeEntry['type'], string> = { file: '0', hardlink: '1', symlink: '2', dir: '5' };

export interface TarHeaderInput {
  /** Archive name, as it should appear (callers add a trailing '/' for directories). */
  name: string;
  typeflag: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch; fractions are dropped and negatives become 0. */
  mtime: number;
  linkname?: string;
}

function octal(value: number, width: number): string {
  // width includes the trailing NUL
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function fits(value: number, width: number): boolean {
  return value >= 0 && value < 8 ** (width - 1);
}

function paxRecord(key: string, value: string): Buffer {
  // A record is "<len> <key>=<value>\n" where <len> counts its own digits.
  const body = ` ${key}=${value}\n`;
  const bodyLen = Buffer.byteLength(body);
  let len = bodyLen + 1;
  while (len !== bodyLen + String(len).length) len = bodyLen + String(len).length;
  return Buffer.from(`${len}${body}`);
}

function writeString(buf: Buffer, offset: number, width: number, s: string): void {
  buf.write(s, offset, width, 'utf8');
}

function rawHeader(h: TarHeaderInput): Buffer {
  // An unclamped fractional mtime would otherwise print as "1234.4" in octal.
  const mtime = Number.isFinite(h.mtime) && h.mtime > 0 ? Math.floor(h.mtime) : 0;
  const buf = Buffer.alloc(BLOCK);
  writeString(buf, 0, 100, h.name);
  writeString(buf, 100, 8, octal(h.mode & 0o7777, 8));
  writeString(buf, 108, 8, octal(fits(h.uid, 8) ? h.uid : 0, 8));
  writeString(buf, 116, 8, octal(fits(h.gid, 8) ? h.gid : 0, 8));
  writeString(buf, 124, 12, octal(fits(h.size, 12) ? h.size : 0, 12));
  writeString(buf, 136, 12, octal(fits(mtime, 12) ? mtime : 0, 12));
  buf.fill(0x20, 148, 156);
  writeString(buf, 156, 1, h.typeflag);
  if (h.linkname) writeString(buf, 157, 100, h.linkname);
  writeString(buf, 257, 6, 'ustar\0');
  writeString(buf, 263, 2, '00');
  writeString(buf, 329, 8, octal(0, 8));
  writeString(buf, 337, 8, octal(0, 8));
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += buf[i]!;
  writeString(buf, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return buf;
}

function needsPax(s: string, width: number): boolean {
  // ustar fields hold bytes; anything longer, or not plain ASCII, goes to PAX.
  return Buffer.byteLength(s) >= width || /[^\x20-\x7e]/.test(s);
}

/**
 * Encode one header (with a preceding PAX header when a value does not fit
 * ustar). Returns the header blocks only; the caller appends data + padding.
 */
export function encodeHeader(h: TarHeaderInput): Buffer[] {
  const records: Buffer[] = [];
  if (needsPax(h.name, 100)) records.push(paxRecord('path', h.name));
  if (h.linkname && needsPax(h.linkname, 100)) records.push(paxRecord('linkpath', h.linkname));
  if (!fits(h.size, 12)) records.push(paxRecord('size', String(h.size)));
  if (!fits(h.uid, 8)) records.push(paxRecord('uid', String(h.uid)));
  if (!fits(h.gid, 8)) records.push(paxRecord('gid', String(h.gid)));
  const out: Buffer[] = [];
  if (records.length > 0) {
    const body = Buffer.concat(records);
    out.push(
      rawHeader({ name: 'PaxHeader', typeflag: 'x', mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: h.mtime }),
    );
    out.push(body, padding(body.length));
  }
  const shortName = needsPax(h.name, 100) ? asciiPrefix(h.name, 99) : h.name;
  const shortLink = h.linkname && needsPax(h.linkname, 100) ? asciiPrefix(h.linkname, 99) : h.linkname;
  out.push(rawHeader({ ...h, name: shortName, linkname: shortLink }));
  return out;
}

function asciiPrefix(s: string, max: number): string {
  return s.replace(/[^\x20-\x7e]/g, '_').slice(0, max);
}

export function padding(size: number): Buffer {
  const rem = size % BLOCK;
  return rem === 0 ? Buffer.alloc(0) : Buffer.alloc(BLOCK - rem);
}

/** The two zero blocks that end an archive. */
export const TAR_END = Buffer.alloc(BLOCK * 2);

/**
 * Encode one tree entry (header, data, padding) as a list of chunks. For a
 * file whose content is a body (outside memory) only the header is encoded:
 * the caller streams `e.body` and its padding after it (see layer.ts).
 */
export function encodeEntry(e: TreeEntry, mtime: number): Buffer[] {
  const body = e.type === 'file' && !e.data ? e.body : undefined;
  const data = e.type === 'file' && e.data ? e.data : undefined;
  const size = data ? data.byteLength : body ? body.size : 0;
  const name = e.type === 'dir' ? `${e.path}/` : e.path;
  const chunks = encodeHeader({
    name,
    typeflag: TYPEFLAG[e.type],
    mode: e.mode,
    uid: e.uid,
    gid: e.gid,
    size,
    mtime,
    linkname: e.type === 'symlink' || e.type === 'hardlink' ? e.target : undefined,
  });
  if (data) chunks.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength), padding(size));
  return chunks;
}

/** Encode entries, in the order given, into one tar archive. */
export function encodeTar(entries: Iterable<TreeEntry>, mtime = 0): Buffer {
  const chunks: Buffer[] = [];
  for (const e of entries) chunks.push(...encodeEntry(e, e.mtime ?? mtime));
  chunks.push(TAR_END);
  return Buffer.concat(chunks);
}
