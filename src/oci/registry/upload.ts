/**
 * Blob uploads into one repository, each a whole sequence that is retried
 * from the start on a transient failure (a new upload session each time):
 * - mount: `POST /v2/NAME/blobs/uploads/?mount=DIGEST&from=REPO`; 201 means
 *   done, 202 opens an ordinary upload session, which is then used;
 * - monolithic: POST, then `PUT LOCATION?digest=` with the whole blob;
 * - chunked (blobs larger than `chunkSize`): POST, `PATCH` each chunk with
 *   `Content-Range: START-END`, then `PUT LOCATION?digest=` with no body.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { RegistryError } from '../../errors.js';
import type { Blob } from '../manifest.js';
import { isTransientStatus, retryPolicy, withRetry, type RetryOptions } from './retry.js';
import type { Transport } from './transport.js';

export interface UploadOptions {
  /** Repositories on the same registry that may hold the blob (mount candidates). */
  mountFrom?: string[];
  /** Blobs larger than this go up in PATCH chunks of this size (default 32 MiB). */
  chunkSize?: number;
  retry?: RetryOptions;
  /** Bytes sent (for progress). */
  onBytes?: (n: number) => void;
}

export const DEFAULT_CHUNK_SIZE = 32 << 20;

export type UploadResult = 'mounted' | 'uploaded';

const push = (repo: string) => `repository:${repo}:pull,push`;

export async function uploadBlob(
  t: Transport,
  repo: string,
  blob: Blob,
  opts: UploadOptions = {},
): Promise<UploadResult> {
  return withRetry(retryPolicy(opts.retry ?? t.opts.retry), isTransientRegistryError, () =>
    uploadOnce(t, repo, blob, opts),
  );
}

/** A RegistryError worth retrying: connection lost, 5xx, or an upload session the registry forgot. */
export function isTransientRegistryError(e: unknown): boolean {
  if (!(e instanceof RegistryError) || e.code !== 'REGISTRY_HTTP') return false;
  const d = e.detail as { status?: number; codes?: string[] } | undefined;
  if (d?.status === undefined) return true; // network
  return isTransientStatus(d.status) || (d.status === 404 && (d.codes ?? []).includes('BLOB_UPLOAD_UNKNOWN'));
}

async function uploadOnce(t: Transport, repo: string, blob: Blob, opts: UploadOptions): Promise<UploadResult> {
  const op = `upload blob ${blob.digest}`;
  const sources = (opts.mountFrom ?? []).filter((r) => r !== repo);
  let location: string | undefined;
  let minChunk = 0;
  const open = async (from: string | undefined): Promise<'mounted' | undefined> => {
    const q = from === undefined ? '' : `?mount=${encodeURIComponent(blob.digest)}&from=${encodeURIComponent(from)}`;
    const res = await t.request({
      method: 'POST',
      url: `/v2/${repo}/blobs/uploads/${q}`,
      repository: repo,
      op: from === undefined ? op : `mount blob ${blob.digest} from ${from}`,
      scopes: from === undefined ? [push(repo)] : [push(repo), `repository:${from}:pull`],
      headers: { 'content-length': '0' },
      ok: [201, 202],
      retry: false,
    });
    await res.body?.cancel();
    if (location) await cancelSession(t, repo, location); // keep only the newest session
    location = undefined;
    if (res.status === 201) return 'mounted';
    location = sessionLocation(t, repo, op, res);
    minChunk = Number(res.headers.get('oci-chunk-min-length') ?? 0) || 0;
    return undefined;
  };
  for (const from of sources) if ((await open(from)) === 'mounted') return 'mounted';
  if (location === undefined) await open(undefined);
  const chunkSize = Math.max(opts.chunkSize ?? DEFAULT_CHUNK_SIZE, minChunk, 1);
  if (blob.size > chunkSize) location = await patchChunks(t, repo, blob, location!, chunkSize, opts.onBytes);
  const url = t.resolve(location!);
  url.searchParams.set('digest', blob.digest);
  const monolithic = blob.size <= chunkSize;
  const res = await t.request({
    method: 'PUT',
    url: url.href,
    repository: repo,
    op,
    scopes: [push(repo)],
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(monolithic ? blob.size : 0) },
    body: monolithic ? async () => counted(await blob.open(), opts.onBytes) : Buffer.alloc(0),
    ok: [201, 204],
    retry: false,
  });
  await res.body?.cancel();
  return 'uploaded';
}

async function patchChunks(
  t: Transport,
  repo: string,
  blob: Blob,
  location: string,
  chunkSize: number,
  onBytes?: (n: number) => void,
): Promise<string> {
  let offset = 0;
  let pending: Buffer[] = [];
  let pendingLen = 0;
  const flush = async (): Promise<void> => {
    const chunk = Buffer.concat(pending, pendingLen);
    pending = [];
    pendingLen = 0;
    const res = await t.request({
      method: 'PATCH',
      url: location,
      repository: repo,
      op: `upload blob ${blob.digest} (bytes ${offset}-${offset + chunk.length - 1})`,
      scopes: [push(repo)],
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(chunk.length),
        'content-range': `${offset}-${offset + chunk.length - 1}`,
      },
      body: chunk,
      ok: [202, 204],
      retry: false,
    });
    await res.body?.cancel();
    location = sessionLocation(t, repo, `upload blob ${blob.digest}`, res, location);
    offset += chunk.length;
    onBytes?.(chunk.length);
  };
  for await (const data of await blob.open()) {
    let buf = Buffer.isBuffer(data) ? data : Buffer.from(data as Uint8Array);
    while (buf.length > 0) {
      const take = Math.min(buf.length, chunkSize - pendingLen);
      pending.push(buf.subarray(0, take));
      pendingLen += take;
      buf = buf.subarray(take);
      if (pendingLen === chunkSize) await flush();
    }
  }
  if (pendingLen > 0) await flush();
  return location;
}

function sessionLocation(t: Transport, repo: string, op: string, res: Response, fallback?: string): string {
  const loc = res.headers.get('location') ?? fallback;
  if (!loc) {
    throw new RegistryError(
      'REGISTRY_HTTP',
      `${op} in ${t.registry}/${repo}: the registry opened an upload without a Location header`,
      {
        hint: 'the registry does not follow the OCI distribution protocol',
        detail: { registry: t.registry, repository: repo, op, status: res.status },
      },
    );
  }
  return t.resolve(loc).href;
}

async function cancelSession(t: Transport, repo: string, location: string): Promise<void> {
  await t
    .request({
      method: 'DELETE',
      url: location,
      repository: repo,
      op: 'cancel upload',
      scopes: [push(repo)],
      ok: [204, 404],
      retry: false,
    })
    .then((r) => r.body?.cancel())
    .catch(() => undefined);
}

function counted(stream: NodeJS.ReadableStream, onBytes?: (n: number) => void): NodeJS.ReadableStream {
  if (!onBytes) return stream;
  const counter = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      onBytes(chunk.length);
      cb(null, chunk);
    },
  });
  stream.on('error', (e: Error) => counter.destroy(e));
  return stream.pipe(counter);
}
