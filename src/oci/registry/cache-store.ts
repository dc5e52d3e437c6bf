/**
 * A cache shared through an OCI registry (--cache-registry REF,
 * $PARE_CACHE_REGISTRY): the remote store behind BlobCache. Each memo record
 * (a resolution, an unpacked package, a layer, a whole image) is an OCI 1.1
 * artifact in the repository REF names, tagged by the sha256 of its key: an
 * image manifest with artifactType `application/vnd.pare.cache.v1`, the
 * empty config, the record as its first layer and the cache blobs the
 * record names (data.tar, layer blobs) as the others. Machines that share the
 * repository (a CI matrix, Kubernetes Jobs) reuse each other's work.
 *
 * Trust: every byte read back is checked against a digest — the record
 * against its descriptor, a blob against the sha256 the record names, while
 * it streams into the cache — so a tampered blob is refused and the work is
 * done again locally. A record is trusted as the local cache is: whoever
 * can push to the repository decides what it says, so give push access only
 * to the builders. Failures are misses; the build never fails because of
 * the cache registry, and the problems are kept in `problems`.
 */
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { RegistryClient, type RegistryOptions } from './client.js';
import { parseReference, type Reference } from './ref.js';
import type { Blob } from '../manifest.js';
import { MEDIA } from '../media.js';
import { UsageError } from '../../errors.js';
import { sha256Hex, type BlobCache, type RemoteStore } from '../../fetch/cache.js';
import { spoolToCache } from '../../fetch/spool.js';

export const CACHE_ARTIFACT = 'application/vnd.pare.cache.v1';
const RECORD_MEDIA = 'application/vnd.pare.cache.record.v1';
const BLOB_MEDIA = 'application/octet-stream';
const EMPTY = { mediaType: 'application/vnd.oci.empty.v1+json', bytes: Buffer.from('{}') };
const KEY_ANNOTATION = 'dev.pare.cache.key';
/** Records are small (the largest, a whole image's, holds its file list): more is refused. */
const RECORD_MAX = 64 << 20;

interface CacheManifest {
  artifactType?: string;
  layers?: Array<{ mediaType?: string; digest?: string; size?: number }>;
  annotations?: Record<string, string>;
}

function bytesBlob(mediaType: string, bytes: Buffer): Blob {
  return {
    mediaType,
    digest: `sha256:${sha256Hex(bytes)}`,
    size: bytes.length,
    open: () => Promise.resolve(Readable.from([bytes], { objectMode: false })),
  };
}

async function* chunks(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

export class RegistryStore implements RemoteStore {
  readonly ref: Reference;
  readonly client: RegistryClient;
  /** What went wrong (unreachable, refused, tampered), for a warning. */
  readonly problems: string[] = [];

  constructor(ref: string, opts: RegistryOptions = {}) {
    this.ref = parseReference(ref);
    if (this.ref.digest !== undefined)
      throw new UsageError('USAGE', `--cache-registry ${ref}: a cache is a repository, not a digest`, {
        hint: 'pass HOST[:PORT]/REPOSITORY, optionally with :PREFIX as the tag',
      });
    this.client = new RegistryClient({ concurrency: 4, ...opts });
  }

  /** The tag of key's record: the sha256 of the key, after the reference's tag as a prefix. */
  tag(key: string): string {
    return `${this.ref.tag ? `${this.ref.tag.slice(0, 60)}-` : ''}${sha256Hex(key)}`;
  }

  private at(tag?: string): Reference {
    return { registry: this.ref.registry, repository: this.ref.repository, ...(tag ? { tag } : {}) };
  }

  private note(what: string, e: unknown): void {
    if (this.problems.length < 20) this.problems.push(`${what}: ${(e as Error)?.message ?? String(e)}`);
  }

  async record(key: string): Promise<Buffer | undefined> {
    const tag = this.tag(key);
    let m: CacheManifest;
    try {
      const head = await this.client.headManifest(this.at(tag));
      if (!head) return undefined;
      m = JSON.parse((await this.client.getManifest(this.at(tag))).bytes.toString('utf8')) as CacheManifest;
    } catch (e) {
      this.note(`read ${tag}`, e);
      return undefined;
    }
    const d = m.layers?.[0];
    if (m.artifactType !== CACHE_ARTIFACT || m.annotations?.[KEY_ANNOTATION] !== key || d?.mediaType !== RECORD_MEDIA)
      return undefined;
    if (typeof d.digest !== 'string' || typeof d.size !== 'number' || d.size > RECORD_MAX) return undefined;
    try {
      const bytes = await this.client.getBlob(this.at(), d.digest, d.size);
      if (`sha256:${sha256Hex(bytes)}` === d.digest) return bytes;
      this.note(`record ${d.digest}`, new Error('the registry sent other bytes than its digest names; ignored'));
    } catch (e) {
      this.note(`record ${d.digest}`, e);
    }
    return undefined;
  }

  async blob(cache: BlobCache, sha256: string): Promise<boolean> {
    const digest = `sha256:${sha256}`;
    try {
      const res = await this.client.transport(this.ref.registry).request({
        method: 'GET',
        url: `/v2/${this.ref.repository}/blobs/${digest}`,
        repository: this.ref.repository,
        op: `get cached blob ${digest}`,
        scopes: [`repository:${this.ref.repository}:pull`],
        ok: [200, 404],
      });
      if (res.status === 404 || !res.body) {
        await res.body?.cancel();
        return false;
      }
      const got = await spoolToCache(cache, chunks(res.body as ReadableStream<Uint8Array>), {
        label: `cached blob ${digest}`,
      });
      if (got.sha256 === sha256) return true;
      await rm(got.path, { force: true }); // content-addressed under its own digest, but not what was asked for
      this.note(`blob ${digest}`, new Error(`the registry sent sha256:${got.sha256}; refused`));
    } catch (e) {
      this.note(`blob ${digest}`, e);
    }
    return false;
  }

  async publish(cache: BlobCache, key: string, record: Buffer, refs: readonly string[]): Promise<void> {
    try {
      const rec = bytesBlob(RECORD_MEDIA, record);
      const files: Blob[] = [];
      for (const sha of refs) {
        const path = cache.path(sha);
        const { size } = await stat(path);
        files.push({
          mediaType: BLOB_MEDIA,
          digest: `sha256:${sha}`,
          size,
          open: () => Promise.resolve(createReadStream(path)),
        });
      }
      const config = bytesBlob(EMPTY.mediaType, EMPTY.bytes);
      for (const b of [config, rec, ...files]) await this.client.pushBlob(this.at(), b);
      const desc = (b: Blob) => ({ mediaType: b.mediaType, digest: b.digest, size: b.size });
      const manifest = {
        schemaVersion: 2,
        mediaType: MEDIA.manifest,
        artifactType: CACHE_ARTIFACT,
        config: desc(config),
        layers: [rec, ...files].map(desc),
        annotations: { [KEY_ANNOTATION]: key },
      };
      await this.client.pushManifest(this.at(this.tag(key)), {
        bytes: Buffer.from(JSON.stringify(manifest)),
        mediaType: MEDIA.manifest,
      });
    } catch (e) {
      this.note(`publish ${this.tag(key)}`, e);
    }
  }
}
