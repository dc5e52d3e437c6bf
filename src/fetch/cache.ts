/**
 * A content-addressed blob cache: blobs/sha256/<hex>. Nothing enters it
 * unverified, entries appear atomically (write to a unique temp file, then
 * rename), several pare processes can share it, and a corrupt entry is
 * detected on read, removed and reported as a miss. Keys must be sha256
 * digests (64 lowercase hex digits): a key from a hostile index such as
 * "../../x" never becomes a path.
 *
 * With a `remote` store (oci/registry/cache-store.ts: an OCI registry, --cache-registry)
 * behind it, memo records that are missing here are looked up there, and
 * the blobs they reference are fetched from there (verified like any
 * other), and new records are published with the blobs they reference.
 */
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { FetchError, VerifyError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PARE_CACHE_DIR) return env.PARE_CACHE_DIR;
  const base =
    env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'pare');
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function isSha256Hex(s: string): boolean {
  return SHA256_HEX.test(s);
}

/**
 * A shared store behind the local cache (memo records by key, blobs by
 * sha256). Everything it returns is verified by the caller's digests; it
 * fails soft: a missing, unreachable or tampered entry is a miss.
 */
export interface RemoteStore {
  /** The record `key` names, or undefined. Its bytes are checked against the digest the store names for it. */
  record(key: string): Promise<Buffer | undefined>;
  /** Bring blob `sha256` into `cache` (verified while written); false when the store cannot. */
  blob(cache: BlobCache, sha256: string): Promise<boolean>;
  /** Publish a record and the local cache blobs it references (sha256 hex). */
  publish(cache: BlobCache, key: string, record: Buffer, refs: readonly string[]): Promise<void>;
}

export class BlobCache {
  /** A shared store asked on a local miss and told about new records (--cache-registry). */
  remote: RemoteStore | undefined;

  constructor(readonly dir: string) {}

  /** The blob's path; throws HASH_MISMATCH for anything but a sha256 hex digest. */
  path(sha256: string): string {
    if (!isSha256Hex(sha256)) {
      throw new VerifyError('HASH_MISMATCH', `${JSON.stringify(sha256.slice(0, 80))} is not a sha256 digest`, {
        hint: 'a repository index or lock gives a malformed SHA256: the repository is broken or hostile',
      });
    }
    return join(this.dir, 'blobs', 'sha256', sha256);
  }

  /** The verified blob, or undefined when missing, corrupt (a corrupt entry is removed) or not a digest. */
  async get(sha256: string): Promise<Buffer | undefined> {
    if (!isSha256Hex(sha256)) return undefined;
    let data: Buffer;
    try {
      data = await readFile(this.path(sha256));
    } catch {
      return undefined;
    }
    if (sha256Hex(data) !== sha256) {
      await rm(this.path(sha256), { force: true });
      return undefined;
    }
    return data;
  }

  /** Store a blob after checking its digest; `label` names it in errors. */
  async put(sha256: string, data: Uint8Array, label: string): Promise<void> {
    const got = sha256Hex(data);
    if (got !== sha256) {
      throw new VerifyError(
        'HASH_MISMATCH',
        `${label}: sha256 mismatch: got ${got}, want ${sha256} (${data.byteLength} bytes read)`,
        {
          hint: 'the download or the mirror is corrupt or tampered with; retry, or use another mirror',
          detail: { got, want: sha256, bytes: data.byteLength },
        },
      );
    }
    await this.writeAtomic(this.path(sha256), data);
  }

  /** Small mutable metadata (e.g. the last InRelease of a URL), keyed by a name. */
  metaPath(key: string): string {
    return join(this.dir, 'meta', sha256Hex(key));
  }

  async getMeta(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.metaPath(key));
    } catch {
      return undefined;
    }
  }

  async putMeta(key: string, data: Uint8Array): Promise<void> {
    await this.writeAtomic(this.metaPath(key), data);
  }

  /** The verified blob a key points to (a meta entry holding a sha256), or undefined. */
  async getByKey(key: string, opts: { remote?: boolean } = {}): Promise<Buffer | undefined> {
    const pointer = await this.getMeta(key);
    const local = pointer ? await this.get(pointer.toString()) : undefined;
    if (local || !this.remote || opts.remote === false) return local;
    const remote = await this.remote.record(key).catch(() => undefined);
    if (remote) await this.putByKey(key, remote, `record ${key}`, { publish: false });
    return remote;
  }

  /**
   * Store `data` as a blob and point `key` at it; returns the blob's sha256.
   * With a remote store the record is published there too, with `refs`,
   * the cache blobs (sha256 hex) it names.
   */
  async putByKey(
    key: string,
    data: Uint8Array,
    label: string,
    opts: { refs?: readonly string[]; publish?: boolean } = {},
  ): Promise<string> {
    const digest = sha256Hex(data);
    await this.put(digest, data, label);
    await this.putMeta(key, Buffer.from(digest));
    if (this.remote && opts.publish !== false)
      await this.remote.publish(this, key, Buffer.from(data), opts.refs ?? []).catch(() => undefined);
    return digest;
  }

  /** Fetch blob `sha256` from the remote store into the cache; false without one or when it fails. */
  async fromRemote(sha256: string): Promise<boolean> {
    if (!this.remote || !isSha256Hex(sha256)) return false;
    return this.remote.blob(this, sha256).catch(() => false);
  }

  /**
   * Memoize by key: the blob `key` points to is handed to `use`, which
   * returns the value, or undefined when the hit is stale or unusable (a
   * record that does not parse, a blob it names that is gone); then
   * `compute` runs, and its bytes are stored under `key` for next time
   * (with `refs`, the cache blobs the record names, for a remote store;
   * `remote: false` keeps the entry local, for work cheaper than its transfer).
   */
  async memo<T>(
    key: string,
    label: string,
    use: (bytes: Buffer) => Promise<T | undefined> | T | undefined,
    compute: () => Promise<{ bytes: Uint8Array; value: T; refs?: readonly string[] }>,
    opts: { remote?: boolean } = {},
  ): Promise<T> {
    const hit = await this.getByKey(key, opts);
    if (hit) {
      const value = await use(hit);
      if (value !== undefined) return value;
    }
    const { bytes, value, refs } = await compute();
    await this.putByKey(key, bytes, label, { ...(refs ? { refs } : {}), publish: opts.remote !== false });
    return value;
  }

  private async writeAtomic(target: string, data: Uint8Array): Promise<void> {
    try {
      await writeFileAtomic(target, data, { mkdir: true });
    } catch (e) {
      throw new FetchError('CACHE_IO', `cannot write to the cache at ${this.dir}: ${(e as Error).message}`, {
        hint: 'check the permissions and free space of the cache directory, or pass --cache-dir',
        cause: e,
      });
    }
  }
}
