import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BlobCache, defaultCacheDir, sha256Hex } from '../../src/fetch/index.js';
import { hasCode } from '../../src/errors.js';

describe('blob cache', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pare-cache-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const cache = new BlobCache(dir);
  const data = Buffer.from('hello');
  const sum = sha256Hex(data);

  it('stores verified blobs and returns them', async () => {
    await cache.put(sum, data, 'hello');
    assert.deepEqual(await cache.get(sum), data);
    assert.deepEqual(await readdir(join(dir, 'blobs', 'sha256')), [sum]); // no temp files left
  });

  it('refuses a blob whose digest does not match, naming got and want', async () => {
    const want = sha256Hex('other');
    await assert.rejects(
      cache.put(want, data, 'x.deb'),
      (e) => hasCode(e, 'HASH_MISMATCH') && e.message.includes(want) && e.message.includes(sum),
    );
    assert.equal(await cache.get(want), undefined);
  });

  it('detects a corrupt entry on read, removes it and reports a miss', async () => {
    await writeFile(cache.path(sum), 'tampered');
    assert.equal(await cache.get(sum), undefined);
    assert.deepEqual(await readdir(join(dir, 'blobs', 'sha256')), []);
  });

  it('handles concurrent writers of the same blob', async () => {
    await Promise.all(Array.from({ length: 8 }, () => cache.put(sum, data, 'hello')));
    assert.deepEqual(await cache.get(sum), data);
    assert.deepEqual(await readdir(join(dir, 'blobs', 'sha256')), [sum]);
  });

  it('uses $PARE_CACHE_DIR, else $XDG_CACHE_HOME/pare, else ~/.cache/pare', () => {
    assert.equal(defaultCacheDir({ PARE_CACHE_DIR: '/c' }), '/c');
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x' }), '/x/pare');
    assert.match(defaultCacheDir({}), /\.cache\/pare$/);
  });

  it('memo computes once, then serves the stored bytes; a stale or corrupt hit is computed again', async () => {
    let computed = 0;
    const compute = async () => {
      computed++;
      return { bytes: Buffer.from(`value ${computed}`), value: `value ${computed}` };
    };
    const use = (b: Buffer) => b.toString();
    assert.equal(await cache.memo('k', 'test value', use, compute), 'value 1');
    assert.equal(await cache.memo('k', 'test value', use, compute), 'value 1');
    assert.equal(computed, 1);
    // `use` rejects the hit (say, a blob the record names is gone): computed and stored again.
    assert.equal(await cache.memo('k', 'test value', () => undefined, compute), 'value 2');
    assert.equal(await cache.memo('k', 'test value', use, compute), 'value 2');
    // The pointed-to blob is damaged on disk: a miss, not a wrong answer.
    const blob = cache.path(sha256Hex('value 2'));
    await writeFile(blob, 'value X');
    assert.equal(await cache.getByKey('k'), undefined);
    assert.equal(await cache.memo('k', 'test value', use, compute), 'value 3');
    assert.equal(computed, 3);
  });
});
