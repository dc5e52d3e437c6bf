/**
 * Fetch application artifacts into the content-addressed cache, verified:
 * by sha256 (wheels) through the cache's own check, or by an SRI sha512
 * (npm tarballs) checked here, then stored under their sha256 with a pointer
 * from the SRI string so a rebuild reads them offline. Local files (pylock
 * `path`) are read and checked the same way. Results in request order.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { FetchError, VerifyError } from '../errors.js';
import { fetchBlob, nodeHttp, sha256Hex, silentProgress, type FetchOptions } from '../fetch/index.js';
import type { AppArtifact } from './types.js';
import { mapLimit } from '../util/concurrency.js';

/** The sha512 of an SRI string ("sha512-<base64> …"), or undefined when it has none. */
export function sriSha512(integrity: string): string | undefined {
  return integrity
    .split(/\s+/)
    .find((h) => h.startsWith('sha512-'))
    ?.slice(7)
    .replace(/\?.*$/, '');
}

function mismatch(label: string, alg: string, got: string, want: string, bytes: number): VerifyError {
  return new VerifyError('HASH_MISMATCH', `${label}: ${alg} mismatch: got ${got}, want ${want} (${bytes} bytes read)`, {
    hint: 'the download or the registry is corrupt or tampered with; retry, or check the lock file',
    detail: { got, want, bytes },
  });
}

async function fetchOne(a: AppArtifact, opts: FetchOptions): Promise<Buffer> {
  if (a.local) {
    const data = await readFile(a.local);
    const got = sha256Hex(data);
    if (a.sha256 && got !== a.sha256) throw mismatch(a.label, 'sha256', got, a.sha256, data.byteLength);
    return data;
  }
  if (a.sha256) return fetchBlob({ url: a.url, sha256: a.sha256, label: a.label }, opts);
  const want = sriSha512(a.integrity ?? '');
  if (!want)
    throw new VerifyError(
      'HASH_MISMATCH',
      `${a.label}: no sha512 integrity to verify it with (${a.integrity ?? 'none'})`,
      {
        hint: 'regenerate the lock file with a current npm, which records sha512 integrity for every package',
      },
    );
  const key = `sri:sha512-${want}`;
  const hit = await opts.cache.getByKey(key);
  if (hit) return hit;
  if (opts.offline)
    throw new FetchError('FETCH_NETWORK', `${a.label} is not in the cache and --offline is set`, {
      hint: 'run once without --offline to fill the cache',
    });
  const res = await (opts.http ?? nodeHttp).get(a.url, { onData: (n) => opts.progress?.bytes(n) });
  const got = createHash('sha512').update(res.body).digest('base64');
  if (got !== want) throw mismatch(a.label, 'sha512', got, want, res.body.byteLength);
  await opts.cache.putByKey(key, res.body, a.label);
  return res.body;
}

export async function fetchArtifacts(arts: readonly AppArtifact[], opts: FetchOptions): Promise<Buffer[]> {
  const progress = opts.progress ?? silentProgress;
  return mapLimit(arts, 8, async (a) => {
    const bytes = await fetchOne(a, opts);
    progress.done(a.label);
    return bytes;
  });
}
