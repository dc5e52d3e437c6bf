/**
 * Deterministic, parallel gzip (the pigz scheme) on Node's zlib.
 *
 * The input is cut into fixed 1 MiB blocks; each block is raw-deflated on the
 * libuv thread pool with the previous 32 KiB as its preset dictionary and
 * ends with a sync flush (the last one finishes the stream), so the
 * concatenation is one valid deflate stream. We write the gzip header
 * ourselves: MTIME 0, no name, OS 255 ("unknown", what Go writes), so the
 * bytes do not depend on the host. Same input + level + zlib → same output.
 *
 * BLOCK_SIZE is part of the output format: changing it changes every digest.
 */
import { availableParallelism } from 'node:os';
import zlib from 'node:zlib';
import { promisify } from 'node:util';

const BLOCK_SIZE = 1 << 20;
const WINDOW = 32 * 1024;
const deflateRaw = promisify(zlib.deflateRaw) as (buf: Uint8Array, opts: zlib.ZlibOptions) => Promise<Buffer>;

export interface GzipOptions {
  /** zlib level 0-9; default 6 (see the layer benchmark in the tests). */
  level?: number;
}

/** The fixed 10-byte gzip header. XFL follows zlib: 2 for level 9, 4 for level 1. */
export function gzipHeader(level: number): Buffer {
  const xfl = level === 9 ? 2 : level === 1 ? 4 : 0;
  return Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 0xff]);
}

/**
 * Compress `input` to gzip. `onChunk` sees every output chunk in order (for
 * hashing while producing). Blocks compress concurrently, a bounded number in
 * flight, so memory stays near output size + a few blocks.
 */
export async function gzipDeterministic(
  input: Buffer,
  opts: GzipOptions = {},
  onChunk?: (chunk: Buffer) => void,
): Promise<Buffer> {
  const level = opts.level ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 9) throw new RangeError(`gzip level must be 0-9, got ${level}`);
  const out: Buffer[] = [];
  const emit = (b: Buffer): void => {
    out.push(b);
    onChunk?.(b);
  };
  emit(gzipHeader(level));

  const starts: number[] = [];
  for (let o = 0; o < input.length || starts.length === 0; o += BLOCK_SIZE) starts.push(o);
  const compress = (start: number, last: boolean): Promise<Buffer> => {
    const o: zlib.ZlibOptions = { level, finishFlush: last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH };
    if (start > 0) o.dictionary = input.subarray(Math.max(0, start - WINDOW), start);
    return deflateRaw(input.subarray(start, start + BLOCK_SIZE), o);
  };

  const inFlight = Math.max(2, availableParallelism() + 1);
  const pending: Promise<Buffer>[] = [];
  let next = 0;
  const fill = (): void => {
    while (next < starts.length && pending.length < inFlight) {
      pending.push(compress(starts[next]!, next === starts.length - 1));
      next++;
    }
  };
  fill();
  // CRC runs on this thread while the pool deflates.
  const crc = crc32(input);
  while (pending.length > 0) {
    const block = await pending.shift()!;
    fill();
    emit(block);
  }

  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(input.length % 2 ** 32, 4);
  emit(trailer);
  return Buffer.concat(out);
}

let table: Uint32Array | undefined;

/** CRC-32 (IEEE): zlib.crc32 where Node has it (>= 20.15), else a table. */
export function crc32(data: Uint8Array): number {
  const native = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
  if (native) return native(data);
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
