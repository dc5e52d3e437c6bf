/**
 * The blob cache's guards (src/fetch/cache.ts) beside test/fetch/cache.test.ts:
 * only a sha256 digest becomes a path, a key names its blob through a
 * verified pointer, a cache that cannot be written is CACHE_IO, and where the
 * cache lives when the environment says nothing usable.
 */
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hasCode } from '../../src/errors.js';
import { BlobCache, defaultCacheDir, isSha256Hex, sha256Hex } from '../../src/fetch/cache.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('pare-cache-keys-');
const good = sha256Hex('x');

describe('cache keys', () => {
  const notDigests = [
    '../../etc/passwd',
    good.toUpperCase(),
    good.slice(1),
    `${good}0`,
    `${good}\n`,
    `x${good.slice(1)}`,
    `${good.slice(0, 63)}g`,
    '',
  ];

  it('only 64 lowercase hex digits are a sha256 digest', () => {
    assert.equal(isSha256Hex(good), true);
    for (const k of notDigests) assert.equal(isSha256Hex(k), false, JSON.stringify(k));
  });

  it('path() refuses anything else as HASH_MISMATCH with a hint, and get() reports a miss', async () => {
    const cache = new BlobCache(await tmp());
    assert.equal(cache.path(good), join(cache.dir, 'blobs', 'sha256', good));
    for (const k of notDigests) {
      assert.throws(
        () => cache.path(k),
        (e) => hasCode(e, 'HASH_MISMATCH') && /not a sha256 digest/.test(e.message) && /hostile/.test(e.hint ?? ''),
        JSON.stringify(k),
      );
      assert.equal(await cache.get(k), undefined);
    }
    await assert.rejects(cache.put('../../x', Buffer.from('x'), 'x'), (e) => hasCode(e, 'HASH_MISMATCH'));
    // A hostile index's megabyte "digest" is not echoed whole.
    assert.throws(
      () => cache.path('x'.repeat(100_000)),
      (e) => hasCode(e, 'HASH_MISMATCH') && e.message === `${JSON.stringify('x'.repeat(80))} is not a sha256 digest`,
    );
  });

  it('a blob that does not match its digest is HASH_MISMATCH with a hint and got/want/bytes for programs', async () => {
    const cache = new BlobCache(await tmp());
    await assert.rejects(
      cache.put(good, Buffer.from('y'), 'y.deb'),
      (e) =>
        hasCode(e, 'HASH_MISMATCH') &&
        /corrupt or tampered with/.test(e.hint ?? '') &&
        JSON.stringify(e.detail) === JSON.stringify({ got: sha256Hex('y'), want: good, bytes: 1 }),
    );
  });

  it('a put that matches stores exactly the blob, under blobs/sha256/<hex>', async () => {
    const cache = new BlobCache(await tmp());
    await cache.put(good, Buffer.from('x'), 'x');
    assert.deepEqual(await readdir(join(cache.dir, 'blobs', 'sha256')), [good]);
    assert.deepEqual(await cache.get(good), Buffer.from('x'));
  });
});

describe('keyed blobs', () => {
  it('putByKey returns the digest; getByKey serves the blob; distinct keys do not collide', async () => {
    const cache = new BlobCache(await tmp());
    assert.equal(await cache.putByKey('http://mirror/a/InRelease', Buffer.from('A'), 'a'), sha256Hex('A'));
    assert.equal(await cache.putByKey('http://mirror/b/InRelease', Buffer.from('B'), 'b'), sha256Hex('B'));
    assert.deepEqual(await cache.getByKey('http://mirror/a/InRelease'), Buffer.from('A'));
    assert.deepEqual(await cache.getByKey('http://mirror/b/InRelease'), Buffer.from('B'));
    assert.equal(await cache.getByKey('http://mirror/c/InRelease'), undefined);
    assert.deepEqual(await cache.getMeta('http://mirror/a/InRelease'), Buffer.from(sha256Hex('A')));
  });

  it('getByKey verifies the blob it points to: a corrupt one is a miss', async () => {
    const cache = new BlobCache(await tmp());
    await cache.putByKey('k', Buffer.from('A'), 'a');
    await writeFile(cache.path(sha256Hex('A')), 'tampered');
    assert.equal(await cache.getByKey('k'), undefined);
  });

  it('a meta entry that is not a digest is a miss, never a path', async () => {
    const cache = new BlobCache(await tmp());
    await cache.putMeta('k', Buffer.from('../../../etc/passwd'));
    assert.equal(await cache.getByKey('k'), undefined);
  });

  it('a cache that cannot be written is CACHE_IO naming the cache, with a hint', async () => {
    const dir = await tmp();
    await writeFile(join(dir, 'blobs'), 'a file where a directory should be');
    await writeFile(join(dir, 'meta'), 'a file where a directory should be');
    const cache = new BlobCache(dir);
    const io = (e: unknown) => hasCode(e, 'CACHE_IO') && e.message.includes(dir) && /--cache-dir/.test(e.hint ?? '');
    await assert.rejects(cache.put(good, Buffer.from('x'), 'x'), io);
    await assert.rejects(cache.putMeta('k', Buffer.from('x')), io);
  });
});

describe('defaultCacheDir', () => {
  it('ignores an empty $PARE_CACHE_DIR and a relative $XDG_CACHE_HOME (as the XDG spec says)', () => {
    const home = join(homedir(), '.cache', 'pare');
    assert.equal(defaultCacheDir({ PARE_CACHE_DIR: '' }), home);
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: 'relative/cache' }), home);
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '' }), home);
    assert.equal(defaultCacheDir({}), home);
    assert.equal(defaultCacheDir({ PARE_CACHE_DIR: '/p', XDG_CACHE_HOME: '/x' }), '/p');
  });
});
