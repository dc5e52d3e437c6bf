/**
 * The signed Release at the head of the hash chain (src/sources/debian/
 * release.ts, release-history.ts): only well-formed SHA256 lines are trusted,
 * the suite must be the one asked for, Valid-Until and rollback are enforced
 * to the millisecond, and the newest date seen is what is remembered.
 * Written to kill the mutants `npm run mutation -- hash-chain` found
 * surviving (docs/MUTATION.md).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasCode } from '../../../src/errors.js';
import { BlobCache } from '../../../src/fetch/index.js';
import { checkNotRolledBack, rememberRelease } from '../../../src/sources/debian/release-history.js';
import {
  checkFresh,
  checkSuite,
  packagesCandidates,
  parseRelease,
  type ReleaseFile,
} from '../../../src/sources/debian/release.js';
import { tempDirs } from '../../helpers/tmp.js';

const tmp = tempDirs('pare-release-');
const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);

const RELEASE = `Origin: Test
Suite: stable
Codename: bookworm
Date: Sat, 10 Jun 2023 08:53:28 UTC
Valid-Until: Sat, 17 Jun 2023 08:53:28 UTC
Acquire-By-Hash: yes
Architectures: amd64  arm64
Components: main contrib
SHA256:
 ${H1}  1234 main/binary-amd64/Packages.xz
 ${H2} 99 contrib/binary-arm64/Packages
`;

const refused = (text: string, why: RegExp) =>
  assert.throws(
    () => parseRelease(text, 'http://m/dists/stable/InRelease'),
    (e) =>
      hasCode(e, 'RELEASE_PARSE') && e.message.startsWith('http://m/dists/stable/InRelease: ') && why.test(e.message),
    text,
  );

describe('parseRelease', () => {
  it('reads the suite, dates, by-hash, architectures, components and every SHA256 line', () => {
    const r = parseRelease(RELEASE, 'InRelease');
    assert.equal(r.suite, 'stable');
    assert.equal(r.codename, 'bookworm');
    assert.equal(r.date?.toISOString(), '2023-06-10T08:53:28.000Z');
    assert.equal(r.validUntil?.toISOString(), '2023-06-17T08:53:28.000Z');
    assert.equal(r.acquireByHash, true);
    assert.deepEqual(r.architectures, ['amd64', 'arm64']);
    assert.deepEqual(r.components, ['main', 'contrib']);
    assert.deepEqual(
      [...r.files],
      [
        ['main/binary-amd64/Packages.xz', { sha256: H1, size: 1234 }],
        ['contrib/binary-arm64/Packages', { sha256: H2, size: 99 }],
      ],
    );
  });

  it('Acquire-By-Hash is on only for "yes" (any case); absent fields are absent', () => {
    const only = (extra: string) =>
      parseRelease(`Suite: s\n${extra}SHA256:\n ${H1} 1 main/binary-amd64/Packages\n`, 'R');
    assert.equal(only('Acquire-By-Hash: Yes\n').acquireByHash, true);
    assert.equal(only('Acquire-By-Hash: no\n').acquireByHash, false);
    assert.equal(only('Acquire-By-Hash: yesno\n').acquireByHash, false);
    const bare = only('');
    assert.equal(bare.acquireByHash, false);
    assert.equal(bare.codename, undefined);
    assert.equal(bare.date, undefined);
    assert.equal(bare.validUntil, undefined);
    assert.deepEqual(bare.architectures, []);
    assert.deepEqual(bare.components, []);
  });

  it('refuses an empty Release, one without SHA256, a malformed SHA256 line, a date that is not one', () => {
    refused('', /empty Release file/);
    refused(
      'Suite: stable\nMD5Sum:\n d41d8cd98f00b204e9800998ecf8427e 0 main/binary-amd64/Packages\n',
      /no SHA256 field/,
    );
    for (const line of [
      `${H1} 1234`,
      `${H1}`,
      `${H1.slice(1)} 1 main/binary-amd64/Packages`,
      `${H1.toUpperCase()} 1 main/binary-amd64/Packages`,
      `${H1}0 1 main/binary-amd64/Packages`,
      `x${H1} 1 main/binary-amd64/Packages`,
    ]) {
      refused(`Suite: stable\nSHA256:\n ${line}\n`, new RegExp(`malformed SHA256 line "${line.trim()}"`));
    }
    refused(`Suite: s\nDate: someday\nSHA256:\n ${H1} 1 p\n`, /Date "someday" is not a date/);
    refused(`Suite: s\nValid-Until: never \nSHA256:\n ${H1} 1 p\n`, /Valid-Until "never" is not a date/);
  });
});

describe('checkFresh', () => {
  const rel = parseRelease(RELEASE, 'R');
  const until = rel.validUntil!.getTime();

  it('accepts a Release up to and including its Valid-Until; refuses it a millisecond later', () => {
    checkFresh(rel, new Date(until - 1000), 'R');
    checkFresh(rel, new Date(until), 'R');
    assert.throws(
      () => checkFresh(rel, new Date(until + 1), 'http://m/dists/stable/InRelease'),
      (e) =>
        hasCode(e, 'RELEASE_EXPIRED') &&
        e.message ===
          'http://m/dists/stable/InRelease: the Release file expired on 2023-06-17T08:53:28.000Z (Valid-Until)' &&
        /up-to-date mirror/.test(e.hint ?? ''),
    );
  });

  it('a Release without Valid-Until never expires', () => {
    checkFresh({ ...rel, validUntil: undefined }, new Date('2100-01-01'), 'R');
  });
});

describe('checkSuite', () => {
  const rel = (suite?: string, codename?: string): ReleaseFile => ({ ...parseRelease(RELEASE, 'R'), suite, codename });
  const mismatch = (r: ReleaseFile, requested: string) =>
    assert.throws(
      () => checkSuite(r, requested, 'L'),
      (e) =>
        hasCode(e, 'RELEASE_SUITE_MISMATCH') &&
        e.message ===
          `L: asked for suite "${requested}", but the signed Release is Suite "${r.suite ?? '(none)'}", Codename "${r.codename ?? '(none)'}"`,
      `${requested} vs ${r.suite}/${r.codename}`,
    );

  it('accepts the suite asked for by Suite or by Codename', () => {
    checkSuite(rel('stable', 'bookworm'), 'stable', 'L');
    checkSuite(rel('stable', 'bookworm'), 'bookworm', 'L');
    checkSuite(rel(undefined, 'bookworm'), 'bookworm', 'L');
    checkSuite(rel('stable', undefined), 'stable', 'L');
  });

  it('accepts "bookworm/updates" signed as bookworm or as itself', () => {
    checkSuite(rel('stable-security', 'bookworm-security'), 'bookworm-security', 'L');
    checkSuite(rel(undefined, 'bookworm'), 'bookworm/updates', 'L');
    checkSuite(rel('bookworm/updates', undefined), 'bookworm/updates', 'L');
    checkSuite(rel(undefined, 'a/b'), 'a/b/c', 'L');
  });

  it("refuses another suite's Release, naming both", () => {
    mismatch(rel('stable', 'bookworm'), 'bookworm-security');
    mismatch(rel('stable-security', 'bookworm-security'), 'bookworm');
    mismatch(rel(undefined, undefined), 'stable');
    mismatch(rel('', ''), '');
    mismatch(rel(undefined, 'updates'), 'bookworm/updates');
    mismatch(rel(undefined, ''), '/x');
    mismatch(rel(undefined, 'a'), 'a/b/c');
  });
});

describe('packagesCandidates', () => {
  it('prefers .gz, then .xz, then uncompressed, then .zst', () => {
    assert.deepEqual(packagesCandidates('main', 'arm64'), [
      'main/binary-arm64/Packages.gz',
      'main/binary-arm64/Packages.xz',
      'main/binary-arm64/Packages',
      'main/binary-arm64/Packages.zst',
    ]);
  });
});

describe('rollback protection', () => {
  const dated = (iso?: string): ReleaseFile => ({
    ...parseRelease(RELEASE, 'R'),
    date: iso === undefined ? undefined : new Date(iso),
  });
  const URL = 'http://m/debian';
  const rolledBack = (e: unknown, from: string, start = 'L: the signed Release is dated ') =>
    hasCode(e, 'RELEASE_ROLLBACK') &&
    e.message.startsWith(start) &&
    e.message.includes(`seen before (${from})`) &&
    /--allow-rollback/.test(e.hint ?? '');

  it('refuses a Release older than the newest seen for that URL and suite; equal or newer passes', async () => {
    const cache = new BlobCache(await tmp());
    await rememberRelease(dated('2024-05-02T00:00:00Z'), URL, 'stable', cache);
    await checkNotRolledBack(dated('2024-05-02T00:00:00Z'), URL, 'stable', 'L', { cache });
    await checkNotRolledBack(dated('2024-05-03T00:00:00Z'), URL, 'stable', 'L', { cache });
    await assert.rejects(checkNotRolledBack(dated('2024-05-01T23:59:59.999Z'), URL, 'stable', 'L', { cache }), (e) =>
      rolledBack(
        e,
        'the cache',
        'L: the signed Release is dated 2024-05-01T23:59:59.999Z, older than 2024-05-02T00:00:00.000Z',
      ),
    );
    // Another suite or URL has its own history.
    await checkNotRolledBack(dated('2020-01-01T00:00:00Z'), URL, 'testing', 'L', { cache });
    await checkNotRolledBack(dated('2020-01-01T00:00:00Z'), `${URL}2`, 'stable', 'L', { cache });
    // --allow-rollback, and a Release without a Date, are not checked.
    await checkNotRolledBack(dated('2020-01-01T00:00:00Z'), URL, 'stable', 'L', { cache, allowRollback: true });
    await checkNotRolledBack(dated(undefined), URL, 'stable', 'L', { cache });
  });

  it('a floor (the date a lock recorded) is enforced with or without a cached date', async () => {
    const cache = new BlobCache(await tmp());
    const floor = { date: new Date('2024-05-02T00:00:00Z'), from: 'pare.lock.json' };
    await checkNotRolledBack(dated('2024-05-02T00:00:00Z'), URL, 'stable', 'L', { cache, floor });
    await assert.rejects(checkNotRolledBack(dated('2024-05-01T00:00:00Z'), URL, 'stable', 'L', { cache, floor }), (e) =>
      rolledBack(e, 'pare.lock.json'),
    );
    await rememberRelease(dated('2024-04-01T00:00:00Z'), URL, 'stable', cache);
    await assert.rejects(checkNotRolledBack(dated('2024-05-01T00:00:00Z'), URL, 'stable', 'L', { cache, floor }), (e) =>
      rolledBack(e, 'pare.lock.json'),
    );
  });

  it('remembers only the newest date; an unreadable record counts as none', async () => {
    const cache = new BlobCache(await tmp());
    await rememberRelease(dated('2024-05-02T00:00:00Z'), URL, 'stable', cache);
    await rememberRelease(dated('2024-05-01T00:00:00Z'), URL, 'stable', cache);
    await rememberRelease(dated(undefined), URL, 'stable', cache);
    await assert.rejects(checkNotRolledBack(dated('2024-05-01T12:00:00Z'), URL, 'stable', 'L', { cache }), (e) =>
      rolledBack(e, 'the cache'),
    );
    await rememberRelease(dated('2024-05-03T00:00:00Z'), URL, 'stable', cache);
    await assert.rejects(checkNotRolledBack(dated('2024-05-02T12:00:00Z'), URL, 'stable', 'L', { cache }), (e) =>
      rolledBack(e, 'the cache'),
    );
    await cache.putMeta(`release-date:${URL}\0stable`, Buffer.from('garbage'));
    await checkNotRolledBack(dated('2000-01-01T00:00:00Z'), URL, 'stable', 'L', { cache });
  });
});
