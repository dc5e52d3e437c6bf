/**
 * Fetch verified blobs through the content-addressed cache: a hit is read and
 * re-verified, a miss is downloaded (in parallel, with retries) and checked
 * against its sha256 before it becomes visible in the cache. A download
 * that grows past its signed size is aborted the moment it does.
 */
import { FetchError, hasCode } from '../errors.js';
import type { BlobCache } from './cache.js';
import { nodeHttp, type Http } from './http.js';
import { silentProgress, type Progress } from './progress.js';

export interface BlobRequest {
  url: string;
  sha256: string;
  size?: number;
  /** What the blob is, for messages (e.g. "libc6_2.36-9_amd64.deb"). */
  label: string;
}

export interface FetchOptions {
  cache: BlobCache;
  http?: Http;
  concurrency?: number;
  /** Never touch the network: a cache miss is an error. */
  offline?: boolean;
  progress?: Progress;
}

export async function fetchBlob(req: BlobRequest, opts: FetchOptions): Promise<Buffer> {
  const hit = await opts.cache.get(req.sha256);
  if (hit) return hit;
  if (opts.offline) {
    throw new FetchError('FETCH_NETWORK', `${req.label} is not in the cache and --offline is set`, {
      hint: 'run once without --offline to fill the cache',
    });
  }
  const http = opts.http ?? nodeHttp;
  const res = await http
    .get(req.url, { onData: (n) => opts.progress?.bytes(n), maxBytes: req.size })
    .catch((e: unknown) => {
      if (req.size !== undefined && hasCode(e, 'FETCH_TOO_LARGE')) throw sizeMismatch(req, `more than ${req.size}`);
      throw e;
    });
  if (req.size !== undefined && res.body.byteLength !== req.size) throw sizeMismatch(req, res.body.byteLength);

  await opts.cache.put(req.sha256, res.body, `${req.label} (from ${req.url})`);
  return res.body;
}

function sizeMismatch(req: BlobRequest, got: number | string): FetchError {
  return new FetchError(
    'SIZE_MISMATCH',
    `${req.label}: size mismatch: got ${got} bytes, want ${req.size} (from ${req.url})`,
    {
      hint: 'the download or the mirror is corrupt or tampered with; retry, or use another mirror',
      detail: { got, want: req.size, url: req.url },
    },
  );
}

/** Fetch many blobs with bounded parallelism; results in request order. */
export async function fetchBlobs(reqs: BlobRequest[], opts: FetchOptions): Promise<Buffer[]> {
  const progress = opts.progress ?? silentProgress;
  const out: Buffer[] = new Array(reqs.length);
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < reqs.length) {
      const i = next++;
      try {
        out[i] = await fetchBlob(reqs[i]!, opts);
        progress.done(reqs[i]!.label);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  const n = Math.max(1, Math.min(opts.concurrency ?? 8, reqs.length));
  await Promise.all(Array.from({ length: n }, worker));
  if (failed !== undefined) throw failed;
  return out;
}
