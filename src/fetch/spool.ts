/**
 * Streaming into and out of the content-addressed cache, for blobs too large
 * to hold in memory (unpacked data.tar members, layers): a stream is written
 * to a unique temporary file beside its final place while it is hashed, then
 * renamed to blobs/sha256/<hex> — nothing appears unverified or half-written.
 * Runs of zero bytes become holes (a sparse file), so an image holding a
 * multi-gigabyte sparse file costs no more disk in the cache than it
 * downloaded. Reading back verifies the digest while streaming.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FetchError } from '../errors.js';
import type { BlobCache } from './cache.js';

const GRANULE = 64 * 1024;
const ZEROS = Buffer.alloc(GRANULE);

export interface SpoolOptions {
  /** Names the blob in errors. */
  label: string;
  /** Called with the running byte count before each chunk is written; throw to abort (a limit). */
  onBytes?: (total: number) => void;
}

export interface Spooled {
  sha256: string;
  size: number;
  path: string;
}

function isZero(b: Uint8Array, start: number, end: number): boolean {
  return Buffer.compare(b.subarray(start, end), ZEROS.subarray(0, end - start)) === 0;
}

/**
 * A blob being written into the cache: write() chunks in order, then
 * finish() to hash-name it, or abort() to leave nothing behind.
 */
export class Spool {
  readonly #hash = createHash('sha256');
  #size = 0;
  #fh: FileHandle | undefined;
  readonly #tmp: string;

  private constructor(
    readonly cache: BlobCache,
    readonly opts: SpoolOptions,
  ) {
    this.#tmp = `${dirname(cache.path('0'.repeat(64)))}/.spool-${process.pid}-${randomBytes(6).toString('hex')}`;
  }

  static async create(cache: BlobCache, opts: SpoolOptions): Promise<Spool> {
    const s = new Spool(cache, opts);
    try {
      await mkdir(dirname(s.#tmp), { recursive: true });
      s.#fh = await open(s.#tmp, 'wx', 0o644);
    } catch (e) {
      throw s.#ioError(e);
    }
    return s;
  }

  async write(c: Uint8Array): Promise<void> {
    this.opts.onBytes?.(this.#size + c.length);
    this.#hash.update(c);
    const base = this.#size;
    // Write the non-zero runs; zero granules stay holes.
    let o = 0;
    while (o < c.length) {
      const end = Math.min(c.length, o + GRANULE - ((base + o) % GRANULE));
      if (isZero(c, o, end)) {
        o = end;
        continue;
      }
      let runEnd = end;
      while (runEnd < c.length) {
        const next = Math.min(c.length, runEnd + GRANULE);
        if (isZero(c, runEnd, next)) break;
        runEnd = next;
      }
      await this.#fh!.write(c, o, runEnd - o, base + o).catch((e: unknown) => {
        throw this.#ioError(e);
      });
      o = runEnd;
    }
    this.#size += c.length;
  }

  async finish(): Promise<Spooled> {
    try {
      await this.#fh!.truncate(this.#size);
      await this.#fh!.close();
      this.#fh = undefined;
      const sha256 = this.#hash.digest('hex');
      const path = this.cache.path(sha256);
      await rename(this.#tmp, path);
      return { sha256, size: this.#size, path };
    } catch (e) {
      await this.abort();
      throw this.#ioError(e);
    }
  }

  async abort(): Promise<void> {
    await this.#fh?.close().catch(() => undefined);
    this.#fh = undefined;
    await rm(this.#tmp, { force: true });
  }

  #ioError(e: unknown): unknown {
    if (!(e instanceof Error) || typeof (e as NodeJS.ErrnoException).syscall !== 'string') return e;
    return new FetchError(
      'CACHE_IO',
      `${this.opts.label}: cannot write to the cache at ${this.cache.dir}: ${e.message}`,
      {
        hint: 'check the permissions and free space of the cache directory, or pass --cache-dir',
        cause: e,
      },
    );
  }
}

/** Write a stream into the cache under its sha256; returns where it is. */
export async function spoolToCache(
  cache: BlobCache,
  chunks: AsyncIterable<Uint8Array>,
  opts: SpoolOptions,
): Promise<Spooled> {
  const spool = await Spool.create(cache, opts);
  try {
    for await (const c of chunks) await spool.write(c);
  } catch (e) {
    await spool.abort();
    throw e;
  }
  return spool.finish();
}

/**
 * The path of a cached blob after checking its digest by streaming it; a
 * corrupt entry is removed and reported as a miss (undefined).
 */
export async function verifiedPath(
  cache: BlobCache,
  sha256: string,
): Promise<{ path: string; size: number } | undefined> {
  const path = cache.path(sha256);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    // Not here: a remote store (--cache-registry) may have it; what it sends is verified below.
    if (!(await cache.fromRemote(sha256))) return undefined;
    try {
      size = (await stat(path)).size;
    } catch {
      return undefined;
    }
  }
  const hash = createHash('sha256');
  try {
    for await (const c of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(c as Buffer);
  } catch {
    return undefined;
  }
  if (hash.digest('hex') === sha256) return { path, size };
  await rm(path, { force: true });
  return undefined;
}
