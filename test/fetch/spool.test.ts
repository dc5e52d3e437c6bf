/**
 * Streaming into the content-addressed cache (src/fetch/spool.ts): the blob
 * lands under its sha256 byte for byte whatever the chunking and zero runs
 * (which become holes), nothing half-written or unverified is left when a
 * limit or the source fails, and reading back verifies the digest.
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hasCode } from '../../src/errors.js';
import { BlobCache, sha256Hex } from '../../src/fetch/index.js';
import { Spool, spoolToCache, verifiedPath } from '../../src/fetch/spool.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('pare-spool-');
const K = 1024;

async function* chunks(parts: Uint8Array[]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield p;
}

/** Bytes with a recognizable non-zero pattern. */
function noise(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = ((i * 31 + seed) % 251) + 1;
  return b;
}

async function blobDir(cache: BlobCache): Promise<string[]> {
  return (await readdir(join(cache.dir, 'blobs', 'sha256'))).sort();
}

describe('spoolToCache', () => {
  const shapes: Array<[string, Uint8Array[]]> = [
    ['one small chunk', [noise(10, 1)]],
    ['an empty blob', []],
    ['empty chunks between data', [new Uint8Array(0), noise(5, 2), new Uint8Array(0)]],
    [
      'zero runs across unaligned chunk edges',
      [noise(1000, 3), Buffer.alloc(70 * K), noise(64 * K + 7, 4), Buffer.alloc(3), noise(9, 5)],
    ],
    ['a zero granule inside one chunk', [Buffer.concat([noise(64 * K, 6), Buffer.alloc(128 * K), noise(100, 7)])]],
    ['a zero run that ends the blob', [noise(10, 8), Buffer.alloc(200 * K)]],
    ['only zeros', [Buffer.alloc(64 * K), Buffer.alloc(64 * K + 1)]],
    ['zeros mid-granule, not a whole granule', [noise(100, 9), Buffer.alloc(1000), noise(100, 10)]],
    [
      'a run of data longer than a granule',
      [Buffer.concat([Buffer.alloc(64 * K), noise(300 * K, 11), Buffer.alloc(64 * K)])],
    ],
  ];
  for (const [what, parts] of shapes) {
    it(`stores ${what} byte for byte under its sha256, leaving no temporary file`, async () => {
      const cache = new BlobCache(await tmp());
      const whole = Buffer.concat(parts);
      const got = await spoolToCache(cache, chunks(parts), { label: 'x.deb' });
      assert.deepEqual(got, { sha256: sha256Hex(whole), size: whole.length, path: cache.path(sha256Hex(whole)) });
      assert.deepEqual(await readFile(got.path), whole);
      assert.equal((await stat(got.path)).size, whole.length);
      assert.deepEqual(await blobDir(cache), [got.sha256]);
      assert.deepEqual(await verifiedPath(cache, got.sha256), { path: got.path, size: whole.length });
    });
  }

  it('leaves a long zero run as a hole: the blob takes little disk', async () => {
    const cache = new BlobCache(await tmp());
    const parts = [noise(10, 1), Buffer.alloc(8 * 1024 * K), noise(10, 2)];
    const got = await spoolToCache(cache, chunks(parts), { label: 'sparse' });
    const st = await stat(got.path);
    assert.equal(st.size, 8 * 1024 * K + 20);
    assert.ok(st.blocks * 512 < 1024 * K, `${st.blocks * 512} bytes allocated for an 8 MiB mostly-hole file`);
    assert.deepEqual(await readFile(got.path), Buffer.concat(parts));
  });

  it('leaves zeros after data in the same chunk as a hole too', async () => {
    const cache = new BlobCache(await tmp());
    const parts = [Buffer.concat([noise(100, 1), Buffer.alloc(8 * 1024 * K), noise(10, 2)])];
    const got = await spoolToCache(cache, chunks(parts), { label: 'sparse' });
    const st = await stat(got.path);
    assert.ok(st.blocks * 512 < 1024 * K, `${st.blocks * 512} bytes allocated for an 8 MiB mostly-hole file`);
    assert.deepEqual(await readFile(got.path), parts[0]);
  });

  it('reports the running byte count before each chunk; a limit that throws leaves nothing behind', async () => {
    const cache = new BlobCache(await tmp());
    const seen: number[] = [];
    const limit = (total: number) => {
      seen.push(total);
      if (total > 25) throw new Error('over the limit');
    };
    await assert.rejects(
      spoolToCache(cache, chunks([noise(10, 1), noise(10, 2), noise(10, 3), noise(10, 4)]), {
        label: 'x',
        onBytes: limit,
      }),
      /over the limit/,
    );
    assert.deepEqual(seen, [10, 20, 30]);
    assert.deepEqual(await blobDir(cache), []);
  });

  it('a source that fails midway leaves nothing behind', async () => {
    const cache = new BlobCache(await tmp());
    async function* failing() {
      yield noise(100 * K, 1);
      throw new Error('connection reset');
    }
    await assert.rejects(spoolToCache(cache, failing(), { label: 'x' }), /connection reset/);
    assert.deepEqual(await blobDir(cache), []);
  });

  it('abort() after writes leaves nothing behind', async () => {
    const cache = new BlobCache(await tmp());
    const s = await Spool.create(cache, { label: 'x' });
    await s.write(noise(10, 1));
    await s.abort();
    assert.deepEqual(await blobDir(cache), []);
  });

  it('a cache that cannot be written is CACHE_IO naming the blob and the cache', async () => {
    const dir = await tmp();
    await writeFile(join(dir, 'blobs'), 'a file where a directory should be');
    const cache = new BlobCache(dir);
    await assert.rejects(
      spoolToCache(cache, chunks([noise(10, 1)]), { label: 'libc6 data.tar' }),
      (e) =>
        hasCode(e, 'CACHE_IO') &&
        e.message.includes('libc6 data.tar') &&
        e.message.includes(dir) &&
        /--cache-dir/.test(e.hint ?? ''),
    );
  });
});

describe('verifiedPath', () => {
  it('is the path and size of an intact blob; a missing one is a miss', async () => {
    const cache = new BlobCache(await tmp());
    const data = noise(3 * 1024 * K, 1);
    await cache.put(sha256Hex(data), data, 'x');
    assert.deepEqual(await verifiedPath(cache, sha256Hex(data)), {
      path: cache.path(sha256Hex(data)),
      size: data.length,
    });
    assert.equal(await verifiedPath(cache, sha256Hex('absent')), undefined);
  });

  it('a corrupt blob is a miss and is removed', async () => {
    const cache = new BlobCache(await tmp());
    const data = noise(1000, 1);
    await cache.put(sha256Hex(data), data, 'x');
    data[500] = data[500]! ^ 1;
    await writeFile(cache.path(sha256Hex(noise(1000, 1))), data);
    assert.equal(await verifiedPath(cache, sha256Hex(noise(1000, 1))), undefined);
    assert.deepEqual(await blobDir(cache), []);
  });

  it('an entry that cannot be read is a miss and is left alone', async () => {
    const cache = new BlobCache(await tmp());
    const digest = sha256Hex('x');
    await mkdir(cache.path(digest), { recursive: true });
    assert.equal(await verifiedPath(cache, digest), undefined);
    assert.equal((await stat(cache.path(digest))).isDirectory(), true);
  });

  it('refuses a key that is not a sha256 digest (HASH_MISMATCH), never making it a path', async () => {
    const cache = new BlobCache(await tmp());
    await assert.rejects(verifiedPath(cache, '../../etc/passwd'), (e) => hasCode(e, 'HASH_MISMATCH'));
  });
});
