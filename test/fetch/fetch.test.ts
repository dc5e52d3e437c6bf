/**
 * fetchBlob/fetchBlobs through a recording Http: a cache hit never touches
 * the network, --offline never does, and a download is checked (size, then
 * sha256) before it enters the cache.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasCode } from '../../src/errors.js';
import { BlobCache, fetchBlob, fetchBlobs, sha256Hex, type Http } from '../../src/fetch/index.js';
import { tempDirs } from '../helpers/tmp.js';

const tempDir = tempDirs('pare-fetch-');

/** An Http serving `files` by URL, recording every request. */
function recordingHttp(files: Record<string, Buffer>): Http & { urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    async get(url) {
      urls.push(url);
      const body = files[url];
      if (!body) throw new Error(`unexpected request ${url}`);
      return { status: 200, headers: new Headers(), body };
    },
  };
}

const DATA = Buffer.from('package bytes');
const REQ = { url: 'http://127.0.0.1:1/pool/a.deb', sha256: sha256Hex(DATA), size: DATA.length, label: 'a.deb' };

describe('fetchBlob', () => {
  it('downloads a miss, stores it verified, then serves it from the cache without a request', async () => {
    const cache = new BlobCache(await tempDir());
    const http = recordingHttp({ [REQ.url]: DATA });
    assert.deepEqual(await fetchBlob(REQ, { cache, http }), DATA);
    assert.deepEqual(await cache.get(REQ.sha256), DATA);
    assert.deepEqual(await fetchBlob(REQ, { cache, http }), DATA);
    assert.deepEqual(http.urls, [REQ.url]);
  });

  it('with offline set, a miss is FETCH_NETWORK naming the blob and --offline, and no request is made', async () => {
    const cache = new BlobCache(await tempDir());
    const http = recordingHttp({ [REQ.url]: DATA });
    await assert.rejects(
      fetchBlob(REQ, { cache, http, offline: true }),
      (e) => hasCode(e, 'FETCH_NETWORK') && e.message.includes('a.deb') && e.message.includes('--offline'),
    );
    await assert.rejects(fetchBlobs([REQ], { cache, http, offline: true }), (e) => hasCode(e, 'FETCH_NETWORK'));
    assert.deepEqual(http.urls, []);
    assert.equal(await cache.get(REQ.sha256), undefined);
    await cache.put(REQ.sha256, DATA, 'a.deb');
    assert.deepEqual(await fetchBlob(REQ, { cache, http, offline: true }), DATA, 'a hit is fine offline');
  });

  it('refuses a download of the wrong size (SIZE_MISMATCH) or the wrong sha256 (HASH_MISMATCH), caching nothing', async () => {
    const cache = new BlobCache(await tempDir());
    const longer = recordingHttp({ [REQ.url]: Buffer.concat([DATA, Buffer.from('!')]) });
    await assert.rejects(
      fetchBlob(REQ, { cache, http: longer }),
      (e) => hasCode(e, 'SIZE_MISMATCH') && e.message.includes(REQ.url),
    );
    const changed = Buffer.from(DATA);
    changed[0]! ^= 1;
    const tampered = recordingHttp({ [REQ.url]: changed });
    await assert.rejects(
      fetchBlob(REQ, { cache, http: tampered }),
      (e) => hasCode(e, 'HASH_MISMATCH') && e.message.includes(REQ.sha256),
    );
    assert.equal(await cache.get(REQ.sha256), undefined);
  });

  it('fetchBlobs returns results in request order', async () => {
    const cache = new BlobCache(await tempDir());
    const blobs = ['one', 'two', 'three', 'four'].map((s) => Buffer.from(s));
    const reqs = blobs.map((b, i) => ({ url: `http://127.0.0.1:1/${i}`, sha256: sha256Hex(b), label: `b${i}` }));
    const http = recordingHttp(Object.fromEntries(reqs.map((r, i) => [r.url, blobs[i]!])));
    assert.deepEqual(await fetchBlobs(reqs, { cache, http, concurrency: 3 }), blobs);
    assert.deepEqual(await fetchBlobs([], { cache, http }), []);
  });
});
