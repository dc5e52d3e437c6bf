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
  const out: Buffer[] = [];
  await gzipStream([input], opts, (b) => {
    out.push(b);
    onChunk?.(b);
  });
  return Buffer.concat(out);
}

/**
 * The same gzip as gzipDeterministic over a stream of input chunks, with
 * memory bounded by a few blocks whatever the input size: output chunks go to
 * `onChunk` in order (awaited, so a slow sink holds the compressor back).
 * Returns the input and output sizes.
 */
export async function gzipStream(
  input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  opts: GzipOptions,
  onChunk: (chunk: Buffer) => void | Promise<void>,
): Promise<{ inputSize: number; size: number }> {
  const level = opts.level ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 9) throw new RangeError(`gzip level must be 0-9, got ${level}`);
  let size = 0;
  const emit = async (b: Buffer): Promise<void> => {
    size += b.length;
    await onChunk(b);
  };
  await emit(gzipHeader(level));

  const inFlight = Math.max(2, availableParallelism() + 1);
  const pending: Promise<Buffer>[] = [];
  let crc = 0;
  let inputSize = 0;
  let dict: Buffer | undefined; // the last WINDOW bytes before the next block
  let full: Buffer | undefined; // a complete block held back until we know whether it is the last
  let block = Buffer.allocUnsafe(BLOCK_SIZE);
  let fill = 0;

  // A full block of zeros after a window of zeros always compresses to the same bytes (sparse files, padding):
  // compress it once per stream and reuse the result.
  let zeroBlock: Promise<Buffer> | undefined;
  const submit = async (data: Buffer, last: boolean): Promise<void> => {
    const o: zlib.ZlibOptions = { level, finishFlush: last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH };
    if (dict) o.dictionary = dict;
    crc = crc32(data, crc); // CRC runs on this thread while the pool deflates
    const zeros = !last && data.length === BLOCK_SIZE && dict !== undefined && isZero(dict) && isZero(data);
    if (zeros) pending.push((zeroBlock ??= deflateRaw(data, o)));
    else pending.push(deflateRaw(data, o));
    dict = data.length >= WINDOW ? data.subarray(data.length - WINDOW) : data;
    while (pending.length >= inFlight) await emit(await pending.shift()!);
  };

  for await (const chunk of input) {
    let o = 0;
    while (o < chunk.length) {
      if (full) {
        await submit(full, false);
        full = undefined;
      }
      const n = Math.min(chunk.length - o, BLOCK_SIZE - fill);
      block.set(chunk.subarray(o, o + n), fill);
      fill += n;
      o += n;
      inputSize += n;
      if (fill === BLOCK_SIZE) {
        full = block;
        block = Buffer.allocUnsafe(BLOCK_SIZE);
        fill = 0;
      }
    }
  }
  await submit(full ?? block.subarray(0, fill), true);
  while (pending.length > 0) await emit(await pending.shift()!);

  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(inputSize % 2 ** 32, 4);
  await emit(trailer);
  return { inputSize, size };
}

const ZEROS = Buffer.alloc(BLOCK_SIZE);

function isZero(b: Buffer): boolean {
  return b.length <= ZEROS.length && b.equals(ZEROS.subarray(0, b.length));
}

let table: Uint32Array | undefined;

/** CRC-32 (IEEE), continuing from `value`: zlib.crc32 where Node has it (>= 20.15), else a table. */
export function crc32(data: Uint8Array, value = 0): number {
  const native = (zlib as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;
  if (native) return native(data, value);
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = (value ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
