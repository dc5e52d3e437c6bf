/**
 * A fast synchronous tar reader: POSIX ustar, GNU long names ('L'/'K'), PAX
 * extended ('x') and global ('g') headers for path, linkpath, size, uid, gid
 * and mtime. User and group names are ignored; ids stay numeric. Pure: it
 * reads through a ByteSource. Over bytes in memory, entry data are subarrays
 * of the input (no copies); over a larger source (an unpacked archive in the
 * cache), file data above `inlineMax` are not read at all: the entry carries
 * `ref` (offset and size in the source) for the caller to stream later.
 */
import { ArchiveError } from '../errors.js';
import type { FileBody } from './types.js';

/** Random access to an archive's bytes (in memory, or a file the caller reads). */
export interface ByteSource {
  readonly size: number;
  /** Exactly `length` bytes at `offset` (the caller checks the range). */
  read(offset: number, length: number): Uint8Array;
}

export function bytesSource(buf: Uint8Array): ByteSource {
  return { size: buf.length, read: (o, n) => buf.subarray(o, o + n) };
}

export interface TarReadOptions {
  /** File data longer than this are not read; the entry gets `ref` instead. Default: read everything. */
  inlineMax?: number;
  /** Longest PAX or GNU long-name record accepted (default 1 MiB). */
  headerMax?: number;
}

export type RawEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'other';

export interface RawTarEntry {
  /** The name as stored in the archive, e.g. "./usr/bin/x" or "./usr/". */
  name: string;
  /** Symlink target or hardlink source name as stored; '' when none. */
  linkname: string;
  type: RawEntryType;
  /** The raw typeflag character, useful in messages for 'other'. */
  typeflag: string;
  /** Permission bits including setuid/setgid/sticky (0o7777). */
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  /** The entry's content (files only; empty otherwise, and empty when `ref` is set). */
  data: Uint8Array;
  /** A file whose data were not read: where they are in the source. */
  ref?: { offset: number; size: number };
  /** A file's content outside memory (set by callers that turn `ref` into a body). */
  body?: FileBody;
}

const BLOCK = 512;
const utf8 = new TextDecoder('utf-8', { fatal: true });

const TYPES: Record<string, RawEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};

class Reader {
  /** The current header block; field offsets are relative to it, `base` is its offset in the archive. */
  buf: Uint8Array = new Uint8Array(0);
  base = 0;
  constructor(readonly label: string) {}

  fail(msg: string, off: number): ArchiveError {
    return new ArchiveError('ARCHIVE_FORMAT', `${this.label}: ${msg} (at offset ${this.base + off})`, {
      hint: 'The archive is damaged or truncated; delete it from the cache and fetch it again.',
    });
  }

  /** A NUL-terminated string field. */
  str(start: number, len: number): string {
    const b = this.buf;
    let end = start;
    const max = start + len;
    let ascii = true;
    while (end < max && b[end] !== 0) {
      if (b[end]! > 0x7f) ascii = false;
      end++;
    }
    if (ascii) {
      let s = '';
      for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!);
      return s;
    }
    return this.text(b.subarray(start, end), start);
  }

  text(bytes: Uint8Array, off: number): string {
    try {
      return utf8.decode(bytes);
    } catch {
      throw this.fail('entry name is not valid UTF-8', off);
    }
  }

  /** An octal (or GNU base-256) numeric field. */
  num(start: number, len: number, what: string): number {
    const b = this.buf;
    if (b[start]! & 0x80) {
      // GNU base-256: big-endian two's complement, first byte's high bit is the marker.
      if (b[start]! & 0x40) throw this.fail(`negative ${what}`, start);
      let v = b[start]! & 0x3f;
      for (let i = start + 1; i < start + len; i++) v = v * 256 + b[i]!;
      return v;
    }
    let v = 0;
    let i = start;
    const end = start + len;
    while (i < end && (b[i] === 0x20 || b[i] === 0)) i++;
    for (; i < end; i++) {
      const c = b[i]!;
      if (c === 0 || c === 0x20) break;
      if (c < 0x30 || c > 0x37) throw this.fail(`bad octal ${what} field`, start);
      v = v * 8 + (c - 0x30);
    }
    return v;
  }

  checksum(off: number): void {
    const b = this.buf;
    const want = this.num(off + 148, 8, 'checksum');
    let unsigned = 8 * 0x20; // the checksum field counts as spaces
    for (let i = off; i < off + 148; i++) unsigned += b[i]!;
    for (let i = off + 156; i < off + BLOCK; i++) unsigned += b[i]!;
    if (want === unsigned) return;
    // Some old writers summed signed bytes.
    let signed = unsigned;
    for (let i = off; i < off + BLOCK; i++) if (b[i]! > 127 && (i < off + 148 || i >= off + 156)) signed -= 256;
    if (want !== signed) throw this.fail('header checksum mismatch', off);
  }
}

function isZeroBlock(b: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (b[i] !== 0) return false;
  return true;
}

interface Overrides {
  path?: string;
  linkpath?: string;
  size?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
}

function parsePax(r: Reader, data: Uint8Array, off: number, into: Overrides): void {
  let i = 0;
  while (i < data.length) {
    let sp = i;
    let len = 0;
    while (sp < data.length && data[sp]! >= 0x30 && data[sp]! <= 0x39) len = len * 10 + data[sp++]! - 0x30;
    if (sp === i && data[i] === 0) break; // NUL padding after the last record
    if (sp === i || data[sp] !== 0x20 || len <= sp - i || i + len > data.length || data[i + len - 1] !== 0x0a) {
      throw r.fail('malformed PAX header record', off + i);
    }
    const rec = r.text(data.subarray(sp + 1, i + len - 1), off + i);
    const eq = rec.indexOf('=');
    if (eq < 0) throw r.fail('malformed PAX header record', off + i);
    const key = rec.slice(0, eq);
    const value = rec.slice(eq + 1);
    const int = (): number => {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0) throw r.fail(`bad PAX ${key} '${value}'`, off + i);
      return Math.floor(n);
    };
    switch (key) {
      case 'path':
        into.path = value;
        break;
      case 'linkpath':
        into.linkpath = value;
        break;
      case 'size':
        into.size = int();
        break;
      case 'uid':
        into.uid = int();
        break;
      case 'gid':
        into.gid = int();
        break;
      case 'mtime':
        into.mtime = int();
        break;
      default:
        break;
    }
    i += len;
  }
}

const EMPTY = new Uint8Array(0);

/** Iterate over the entries of a tar archive in memory. `label` names the archive in errors. */
export function iterTar(buf: Uint8Array, label: string): Generator<RawTarEntry> {
  return iterTarSource(bytesSource(buf), label);
}

/** Iterate over the entries of a tar archive read through `src`. */
export function* iterTarSource(src: ByteSource, label: string, opts: TarReadOptions = {}): Generator<RawTarEntry> {
  const r = new Reader(label);
  const inlineMax = opts.inlineMax ?? Infinity;
  const headerMax = opts.headerMax ?? 1 << 20;
  const global: Overrides = {};
  let local: Overrides = {};
  let off = 0;
  const total = src.size;
  while (true) {
    r.base = off;
    if (off === total) {
      // EOF on a block boundary without the end-of-archive blocks: accepted, as dpkg does.
      if (Object.keys(local).length > 0) throw r.fail('archive ends after an extended header', 0);
      return;
    }
    if (off + BLOCK > total) throw r.fail('truncated tar header', 0);
    const buf = src.read(off, BLOCK);
    r.buf = buf;
    if (isZeroBlock(buf)) return;
    r.checksum(0);
    const typeflag = String.fromCharCode(buf[156]!);
    const headerSize = r.num(124, 12, 'size');
    const size = local.size ?? global.size ?? headerSize;
    const dataStart = off + BLOCK;
    const dataEnd = dataStart + size;
    if (dataEnd > total) throw r.fail(`truncated tar entry data (needs ${size} bytes)`, 0);
    const next = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (next > total) throw r.fail('truncated tar entry padding', 0);

    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      if (size > headerMax) throw r.fail(`extended header of ${size} bytes is too long`, 0);
      const data = src.read(dataStart, size);
      if (typeflag === 'x' || typeflag === 'g') parsePax(r, data, BLOCK, typeflag === 'x' ? local : global);
      else {
        let end = data.indexOf(0);
        if (end < 0) end = data.length;
        const s = r.text(data.subarray(0, end), BLOCK);
        if (typeflag === 'L') local.path = s;
        else local.linkpath = s;
      }
      off = next;
      continue;
    }

    const magic = r.str(257, 6);
    let name = r.str(0, 100);
    if (magic === 'ustar' && buf[345] !== 0) {
      name = `${r.str(345, 155)}/${name}`;
    }
    name = local.path ?? global.path ?? name;
    const linkname = local.linkpath ?? global.linkpath ?? r.str(157, 100);
    let type: RawEntryType = TYPES[typeflag] ?? 'other';
    if (type === 'file' && typeflag !== '7' && name.endsWith('/')) type = 'dir'; // pre-POSIX directories
    const entry: RawTarEntry = {
      name,
      linkname,
      type,
      typeflag,
      mode: r.num(100, 8, 'mode') & 0o7777,
      uid: local.uid ?? global.uid ?? r.num(108, 8, 'uid'),
      gid: local.gid ?? global.gid ?? r.num(116, 8, 'gid'),
      mtime: local.mtime ?? global.mtime ?? r.num(136, 12, 'mtime'),
      data: EMPTY,
    };
    if (type === 'file') {
      if (size > inlineMax) entry.ref = { offset: dataStart, size };
      else entry.data = src.read(dataStart, size);
    }
    yield entry;
    local = {};
    off = next;
  }
}

/** Read all entries of a tar archive into an array. */
export function readTar(buf: Uint8Array, label: string): RawTarEntry[] {
  return [...iterTar(buf, label)];
}
