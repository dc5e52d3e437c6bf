/**
 * The registry client, with go-containerregistry's verbs: headBlob, getBlob, pushBlob,
 * pushManifest, getManifest, referrers, pushImage. A RegistryClient holds one
 * Transport per registry host (tokens, learned challenges) and remembers
 * which repositories hold which blobs, so a later push to another repository
 * of the same registry mounts instead of uploading. It holds no global state:
 * make one per job, or let the free functions in index.ts make one per call.
 *
 * Ordering guarantee: a manifest is PUT only after every blob it names is
 * present; an index only after every child manifest. A push interrupted at
 * any point never leaves a manifest visible whose content is missing.
 */
import { readBody } from './body.js';
import { UsageError } from '../../errors.js';
import { silentProgress, type Progress } from '../../fetch/progress.js';
import { allBlobs, isImageIndex, type ImageIndex } from '../image-index.js';
import type { Blob, Image } from '../manifest.js';
import { isIndexType } from '../media.js';
import { fetchManifest, headManifest, putManifest, type RemoteManifest } from './manifests.js';
import { formatReference, manifestReference, toReference, type Reference } from './ref.js';
import { addToFallbackIndex, listReferrers, referrerDescriptor, subjectOf, type Referrers } from './referrers.js';
import { Transport, type TransportOptions } from './transport.js';
import { uploadBlob, type UploadOptions } from './upload.js';
import { RegistryError } from '../../errors.js';
import { forEachLimit } from '../../util/concurrency.js';

export interface RegistryOptions extends TransportOptions {
  /** Blobs uploaded at once (default 4). */
  concurrency?: number;
  /** Blobs larger than this are uploaded in chunks of this size (default 32 MiB). */
  chunkSize?: number;
  /** Other repositories on the same registry to mount blobs from. */
  mountFrom?: string[];
  progress?: Progress;
}

export type BlobResult = 'present' | 'mounted' | 'uploaded';

export interface PushResult {
  /** Digest of the pushed manifest or index. */
  digest: string;
  /** `host/repo[:tag]@sha256:...` */
  reference: string;
  /** What happened to each blob, by digest. */
  blobs: Record<string, BlobResult>;
}

export class RegistryClient {
  private readonly transports = new Map<string, Transport>();
  /** `registry digest` → repositories known to hold the blob. */
  private readonly holders = new Map<string, Set<string>>();

  constructor(readonly opts: RegistryOptions = {}) {}

  transport(registry: string): Transport {
    let t = this.transports.get(registry);
    if (!t) this.transports.set(registry, (t = new Transport(registry, this.opts)));
    return t;
  }

  /** The blob's size if the repository has it, else undefined. */
  async headBlob(
    ref: string | Reference,
    digest: string,
    forPush = false,
  ): Promise<{ digest: string; size: number } | undefined> {
    const r = toReference(ref);
    const res = await this.transport(r.registry).request({
      method: 'HEAD',
      url: `/v2/${r.repository}/blobs/${digest}`,
      repository: r.repository,
      op: `check blob ${digest}`,
      // Asking for push up front when pushing saves a second token for the upload.
      scopes: [`repository:${r.repository}:${forPush ? 'pull,push' : 'pull'}`],
      ok: [200, 404],
    });
    await res.body?.cancel();
    if (res.status === 404) return undefined;
    this.remember(r, digest);
    return { digest, size: Number(res.headers.get('content-length') ?? -1) };
  }

  /**
   * A blob's bytes (the caller verifies them against its descriptor); with
   * `size`, a body that grows past it is aborted (FETCH_TOO_LARGE).
   */
  async getBlob(ref: string | Reference, digest: string, size?: number): Promise<Buffer> {
    const r = toReference(ref);
    const res = await this.transport(r.registry).request({
      method: 'GET',
      url: `/v2/${r.repository}/blobs/${digest}`,
      repository: r.repository,
      op: `get blob ${digest}`,
      scopes: [`repository:${r.repository}:pull`],
      ok: [200],
    });
    return readBody(res, size ?? Number.MAX_SAFE_INTEGER, `get blob ${digest} in ${r.registry}/${r.repository}`);
  }

  /** Make the blob present: skip if there, else mount from a known repository, else upload. */
  async pushBlob(ref: string | Reference, blob: Blob, opts: UploadOptions = {}): Promise<BlobResult> {
    const r = toReference(ref);
    if (await this.headBlob(r, blob.digest, true)) return 'present';
    const known = this.holders.get(`${r.registry} ${blob.digest}`) ?? new Set<string>();
    const mountFrom = [...new Set([...known, ...(opts.mountFrom ?? this.opts.mountFrom ?? [])])];
    const result = await uploadBlob(this.transport(r.registry), r.repository, blob, {
      chunkSize: this.opts.chunkSize,
      retry: this.opts.retry,
      ...opts,
      mountFrom,
    });
    this.remember(r, blob.digest);
    return result;
  }

  /**
   * PUT manifest bytes under the reference's tag (or digest). A manifest with
   * a `subject` is also added to the subject's referrers fallback index when
   * the registry does not track referrers itself.
   */
  async pushManifest(ref: string | Reference, m: { bytes: Buffer; mediaType: string }): Promise<string> {
    const r = toReference(ref);
    const t = this.transport(r.registry);
    const { digest, subject } = await putManifest(t, r.repository, manifestReference(r), m.bytes, m.mediaType);
    const wanted = subjectOf(m.bytes);
    if (wanted && subject !== wanted)
      await addToFallbackIndex(t, r.repository, wanted, referrerDescriptor(m.bytes, m.mediaType, digest));
    return digest;
  }

  /** The manifest or index the reference names; REGISTRY_HTTP when absent. */
  async getManifest(ref: string | Reference): Promise<RemoteManifest> {
    const r = toReference(ref);
    const m = await fetchManifest(this.transport(r.registry), r.repository, manifestReference(r));
    if (!m) {
      throw new RegistryError(
        'REGISTRY_HTTP',
        `get manifest ${manifestReference(r)} in ${r.registry}/${r.repository}: not found`,
        {
          hint: 'check the repository and tag; `skopeo list-tags` shows what is there',
          detail: { registry: r.registry, repository: r.repository, status: 404 },
        },
      );
    }
    return m;
  }

  /** Digest and media type of what the reference names, or undefined. */
  async headManifest(
    ref: string | Reference,
  ): Promise<{ digest: string; mediaType: string; size: number } | undefined> {
    const r = toReference(ref);
    return headManifest(this.transport(r.registry), r.repository, manifestReference(r));
  }

  async referrers(ref: string | Reference, digest: string, artifactType?: string): Promise<Referrers> {
    const r = toReference(ref);
    return listReferrers(this.transport(r.registry), r.repository, digest, artifactType);
  }

  /** Push an image or an index with everything it references; returns the root digest. */
  async pushImage(ref: string | Reference, x: Image | ImageIndex): Promise<PushResult> {
    const r = toReference(ref);
    if (r.digest !== undefined && r.digest !== x.digest) {
      throw new UsageError('USAGE', `${formatReference(r)} names digest ${r.digest}, but the image is ${x.digest}`, {
        hint: 'push by tag, or name the digest of the image being pushed',
      });
    }
    const progress = this.opts.progress ?? silentProgress;
    const manifests = new Set(isImageIndex(x) ? [x.digest, ...x.manifests.map((m) => m.digest)] : [x.digest]);
    const blobs = allBlobs(x).filter((b) => !manifests.has(b.digest));
    progress.phase(
      'push',
      blobs.length,
      blobs.reduce((n, b) => n + b.size, 0),
    );
    const results: Record<string, BlobResult> = {};
    await forEachLimit(blobs, Math.max(1, this.opts.concurrency ?? 4), async (b) => {
      let sent = 0;
      results[b.digest] = await this.pushBlob(r, b, { onBytes: (n) => (progress.bytes(n), (sent += n)) });
      if (sent < b.size) progress.bytes(b.size - sent);
      progress.done(b.digest);
    });
    if (isImageIndex(x)) {
      // Children by digest, all before the index that names them.
      await Promise.all(
        x.manifests.map((m) =>
          this.pushManifest(
            { ...r, tag: undefined, digest: m.digest },
            { bytes: m.manifestBytes, mediaType: m.mediaType },
          ),
        ),
      );
      const missing = x.index.manifests.filter((d) => !x.manifests.some((m) => m.digest === d.digest));
      for (const d of missing) {
        if (!isIndexType(d.mediaType) && !(await this.headManifest({ ...r, tag: undefined, digest: d.digest }))) {
          throw new UsageError(
            'USAGE',
            `the index ${x.digest} names ${d.digest}, which pare cannot push (not in the layout) and the registry lacks`,
            {
              hint: 'push the missing manifest first, or rebuild the index',
            },
          );
        }
      }
    }
    const bytes = isImageIndex(x) ? x.indexBytes : x.manifestBytes;
    const digest = await this.pushManifest(r, { bytes, mediaType: x.mediaType });
    progress.end();
    return { digest, reference: `${formatReference({ ...r, digest: undefined })}@${digest}`, blobs: results };
  }

  private remember(r: Reference, digest: string): void {
    const key = `${r.registry} ${digest}`;
    const set = this.holders.get(key) ?? new Set<string>();
    set.add(r.repository);
    this.holders.set(key, set);
  }
}
