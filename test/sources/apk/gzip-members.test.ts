/**
 * Concatenated gzip members (APK files, APKINDEX): exact raw bytes per
 * member, trailers checked, and inflation bounded before allocation, so a
 * gzip bomb is LIMIT_EXCEEDED naming the input, never a RangeError.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { hasCode } from '../../../src/errors.js';
import { gzipMembers, gzipPrefix } from '../../../src/sources/apk/gzip-members.js';

describe('gzip members', () => {
  const a = gzipSync('first member');
  const b = gzipSync(Buffer.alloc(1 << 20, 0x61)); // 1 MiB of 'a': about 1 KiB compressed

  it('splits members with their exact raw bytes and inflated data', () => {
    const m = gzipMembers(Buffer.concat([a, b]), 'two.gz');
    assert.equal(m.length, 2);
    assert.deepEqual(Buffer.from(m[0]!.raw), a);
    assert.deepEqual(Buffer.from(m[1]!.raw), b);
    assert.equal(Buffer.from(m[0]!.data).toString(), 'first member');
    assert.equal(m[1]!.data.byteLength, 1 << 20);
    const p = gzipPrefix(Buffer.concat([a, b]), 'two.gz', 1);
    assert.equal(p.members.length, 1);
    assert.deepEqual(Buffer.from(p.rest), b);
  });

  it('stops a member that inflates past its bound with LIMIT_EXCEEDED and the caller hint', () => {
    const bound = { max: 64 * 1024, hint: 'raise --max-package-size' };
    assert.throws(
      () => gzipMembers(b, 'bomb.apk (data)', 1, bound),
      (e: unknown) =>
        hasCode(e, 'LIMIT_EXCEEDED') &&
        /bomb\.apk \(data\): inflates to more than 64\.0 KiB/.test(e.message) &&
        e.hint === bound.hint,
    );
    assert.throws(
      () => gzipPrefix(Buffer.concat([b, a]), 'bomb.apk', 1, true, bound),
      (e: unknown) => hasCode(e, 'LIMIT_EXCEEDED'),
    );
    // The default bound (control and signature members) admits ordinary members.
    assert.equal(gzipMembers(b, 'ok.apk', 1)[0]!.data.byteLength, 1 << 20);
  });

  it('a corrupt member or a wrong trailer is ARCHIVE_COMPRESSION, not a crash', () => {
    const bad = Buffer.from(a);
    bad[bad.length - 5]! ^= 0xff; // the size field of the trailer
    assert.throws(
      () => gzipMembers(bad, 'bad.gz'),
      (e: unknown) => hasCode(e, 'ARCHIVE_COMPRESSION'),
    );
    assert.throws(
      () => gzipMembers(Buffer.from('not gzip at all'), 'x'),
      (e: unknown) => hasCode(e, 'ARCHIVE_COMPRESSION'),
    );
  });
});
