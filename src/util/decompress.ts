/**
 * Decompression for the formats Debian uses in .deb members and repository
 * indexes: gzip (node:zlib), xz (@napi-rs/lzma) and zstd (fzstd). Pure: bytes
 * in, bytes out, no I/O. Corrupt input is an ArchiveError naming the input.
 * decompressStream yields the output in bounded chunks (gzip and zstd stream;
 * xz, which the binding only offers whole, comes as one chunk).
 */
import { createGunzip, gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { decompress as xzDecompress } from '@napi-rs/lzma/xz';
import { Decompress as ZstdStream, decompress as zstdDecompress } from 'fzstd';
import { ArchiveError } from '../errors.js';

export type Compression = 'gz' | 'xz' | 'zst' | 'none';

const gunzipAsync = promisify(gunzip);

const MAGIC: Record<Exclude<Compression, 'none'>, number[]> = {
  gz: [0x1f, 0x8b],
  xz: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
  zst: [0x28, 0xb5, 0x2f, 0xfd],
};

const NAMES: Record<Exclude<Compression, 'none'>, string> = { gz: 'gzip', xz: 'xz', zst: 'zstd' };

/** The compression implied by a file name's extension: '.gz', '.xz', '.zst', else 'none'. */
export function compressionFromName(name: string): Compression {
  if (name.endsWith('.gz')) return 'gz';
  if (name.endsWith('.xz')) return 'xz';
  if (name.endsWith('.zst')) return 'zst';
  return 'none';
}

function hasMagic(data: Uint8Array, magic: number[]): boolean {
  if (data.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (data[i] !== magic[i]) return false;
  return true;
}

/** The compression `data` starts with, by its magic bytes (gzip, xz, zstd), else 'none'. */
export function sniffCompression(data: Uint8Array): Compression {
  for (const kind of ['gz', 'xz', 'zst'] as const) if (hasMagic(data, MAGIC[kind])) return kind;
  return 'none';
}

/**
 * Decompress `data` as `kind`. 'none' returns the input unchanged (no copy).
 * `label` names the input in errors, e.g. "hello_1.0_amd64.deb: data.tar.xz".
 */
export async function decompress(data: Uint8Array, kind: Compression, label: string): Promise<Uint8Array> {
  if (kind === 'none') return data;
  const fail = (why: string, cause?: unknown): ArchiveError =>
    new ArchiveError('ARCHIVE_COMPRESSION', `${label}: corrupt ${NAMES[kind]} data: ${why}`, {
      hint: 'The file is damaged or truncated; delete it from the cache and fetch it again.',
      cause,
    });
  if (!hasMagic(data, MAGIC[kind])) throw fail(`missing ${NAMES[kind]} header`);
  try {
    switch (kind) {
      case 'gz': {
        const out = await gunzipAsync(data);
        return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
      }
      case 'xz': {
        const out = await xzDecompress(data);
        return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
      }
      case 'zst':
        return zstdDecompress(data);
    }
  } catch (e) {
    throw fail(e instanceof Error ? e.message : String(e), e);
  }
}

const ZSTD_SLICE = 4096; // compressed bytes pushed at a time: bounds the output of one push

/** Decompress `data` as `kind` as a stream of chunks, memory bounded by the consumer's pace (see above for xz). */
export async function* decompressStream(
  data: Uint8Array,
  kind: Compression,
  label: string,
): AsyncGenerator<Uint8Array> {
  if (kind === 'none') {
    yield data;
    return;
  }
  const fail = (why: string, cause?: unknown): ArchiveError =>
    new ArchiveError('ARCHIVE_COMPRESSION', `${label}: corrupt ${NAMES[kind]} data: ${why}`, {
      hint: 'The file is damaged or truncated; delete it from the cache and fetch it again.',
      cause,
    });
  if (!hasMagic(data, MAGIC[kind])) throw fail(`missing ${NAMES[kind]} header`);
  if (kind === 'xz') {
    yield await decompress(data, kind, label);
    return;
  }
  if (kind === 'gz') {
    const z = createGunzip({ chunkSize: 1 << 20 });
    z.end(data);
    try {
      for await (const c of z) yield c as Buffer;
    } catch (e) {
      throw fail(e instanceof Error ? e.message : String(e), e);
    }
    return;
  }
  let out: Uint8Array[] = [];
  const z = new ZstdStream((chunk) => out.push(chunk));
  for (let o = 0; o < data.length; o += ZSTD_SLICE) {
    try {
      z.push(data.subarray(o, o + ZSTD_SLICE), o + ZSTD_SLICE >= data.length);
    } catch (e) {
      throw fail(e instanceof Error ? e.message : String(e), e);
    }
    const ready = out;
    out = [];
    yield* ready;
  }
}
