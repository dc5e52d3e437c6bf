/**
 * The parsed-index cache: a Packages index is decompressed and scanned once
 * per digest; a changed package list re-resolves from the cached
 * uncompressed index and the scanner's rows without fetching the index
 * again, and with the same answer as a fresh parse. A corrupt cached index is
 * detected and made again from the (verified) compressed index.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { indexFromRows, parsePackagesIndex, stubRows } from '../../src/sources/debian/packages-index.js';
import { pareInProcess } from '../helpers/cli.js';
import { startFixtureRepo, type FixtureRepo } from '../helpers/repo.js';

const pkgs = [
  { name: 'libc', version: '2.0-1', files: [{ path: './usr/lib/libc.so', data: 'libc' }] },
  { name: 'hello', version: '1.0', depends: 'libc', files: [{ path: './usr/bin/hello', data: 'hi', mode: 0o755 }] },
  { name: 'other', version: '3.0', provides: 'virtual', files: [{ path: './usr/bin/other', data: 'o' }] },
];

describe('parsed-index cache', { timeout: 120_000 }, () => {
  let repo: FixtureRepo;
  let work: string;

  before(async () => {
    repo = await startFixtureRepo({ suites: { stable: pkgs } });
    work = await mkdtemp(join(tmpdir(), 'pare-index-cache-'));
  });
  after(async () => {
    await repo.close();
    await rm(work, { recursive: true, force: true });
  });

  async function resolve(packages: string[], cache = join(work, 'cache')) {
    const file = join(work, 'pare.yaml');
    await writeFile(
      file,
      `contents:\n  repositories:\n    - suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: [${packages.join(', ')}]\n`,
    );
    repo.requests.length = 0;
    const r = await pareInProcess(['resolve', file, '--json', '--cache-dir', cache], { PARE_MIRROR: repo.url });
    assert.equal(r.code, 0, r.stderr);
    const names = (JSON.parse(r.stdout) as { packages: Array<{ name: string }> }).packages.map((p) => p.name);
    return { names: names.sort(), indexFetches: repo.requests.filter((p) => /Packages|by-hash/.test(p)).length };
  }

  it('re-resolves a changed package list without fetching the index again, as a fresh parse would', async () => {
    const first = await resolve(['hello']);
    assert.ok(first.indexFetches > 0, 'the first resolve fetches the index');
    const changed = await resolve(['hello', 'other']);
    assert.equal(changed.indexFetches, 0, 'a changed list reads the cached index');
    assert.deepEqual(changed.names, ['hello', 'libc', 'other']);
    assert.deepEqual((await resolve(['hello', 'other'], join(work, 'fresh'))).names, changed.names);
  });

  it('fetches the index again when its cached copy is corrupt', async () => {
    await resolve(['hello']);
    const blobs = join(work, 'cache', 'blobs', 'sha256');
    const corrupted: string[] = [];
    for (const name of await readdir(blobs)) {
      const bytes = await readFile(join(blobs, name)).catch(() => undefined);
      if (bytes && bytes.subarray(0, 9).toString() === 'Package: ') {
        bytes[bytes.length - 2]! ^= 0x20;
        await writeFile(join(blobs, name), bytes);
        corrupted.push(name);
      }
    }
    assert.ok(corrupted.length > 0, 'found the uncompressed index');
    const again = await resolve(['libc']);
    assert.deepEqual(again.names, ['libc']);
    // Detected, and made again from the verified compressed index.
    for (const name of corrupted) {
      const sha = createHash('sha256')
        .update(await readFile(join(blobs, name)))
        .digest('hex');
      assert.equal(sha, name, 'the uncompressed index is whole again');
    }
  });

  it('rows give back the index the scanner made', () => {
    const text = Buffer.from(
      'Package: a\nVersion: 1\nArchitecture: all\nProvides: x (= 1),\n y\nFilename: a.deb\nSize: 1\nSHA256: ' +
        createHash('sha256').update('a').digest('hex') +
        '\n\nPackage: b\nVersion: 2\nArchitecture: amd64\nDescription: ünïcode\nFilename: b.deb\nSize: 1\nSHA256: ' +
        createHash('sha256').update('b').digest('hex') +
        '\n',
    );
    const origin = { url: 'http://127.0.0.1/x', suite: 's', component: 'main' };
    const idx = parsePackagesIndex(text, 'Packages', origin);
    const back = indexFromRows(text, 'Packages', origin, JSON.parse(JSON.stringify(stubRows(idx))));
    assert.deepEqual(
      back.stubs.map((s) => [s.record, s.provides()]),
      idx.stubs.map((s) => [s.record, s.provides()]),
    );
  });
});
