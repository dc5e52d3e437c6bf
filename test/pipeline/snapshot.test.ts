/**
 * Snapshot pinning against the snapshot archive's layout served on
 * 127.0.0.1 (BASE/archive/debian/TIMESTAMP/): an old lock whose packages the
 * live mirror dropped rebuilds, byte for byte, once its repository names the
 * snapshot; Valid-Until is relaxed for the snapshot only.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseLockfile } from '../../src/resolve/lock.js';
import { pareInProcess } from '../helpers/cli.js';
import { startFixtureRepo, type FixtureRepo } from '../helpers/repo.js';

const TS = '20231115T000000Z';
const V1 = [
  { name: 'libc', version: '2.0-1', files: [{ path: './usr/lib/libc.so', data: 'libc 2.0' }] },
  {
    name: 'hello',
    version: '1.0',
    depends: 'libc',
    files: [{ path: './usr/bin/hello', data: 'hello 1', mode: 0o755 }],
  },
];
const V2 = [
  { name: 'libc', version: '2.1-1', files: [{ path: './usr/lib/libc.so', data: 'libc 2.1' }] },
  {
    name: 'hello',
    version: '1.1',
    depends: 'libc',
    files: [{ path: './usr/bin/hello', data: 'hello 2', mode: 0o755 }],
  },
];

describe('snapshot pinning', { timeout: 120_000 }, () => {
  let repo: FixtureRepo;
  let work: string;
  let digest: string;
  const snapDir = () => join(repo.dir, 'archive', 'debian', TS);
  const config = (name: string, extra: string, url = repo.url) => {
    const f = join(work, `${name}.yaml`);
    return writeFile(
      f,
      `contents:\n  repositories:\n    - url: ${url}\n      suites: [bookworm]\n${extra}  keyring: [${repo.keyringFile}]\n  packages: [hello]\n`,
    ).then(() => f);
  };
  const env = () => ({ PARE_SNAPSHOT_MIRROR: repo.url });
  before(async () => {
    repo = await startFixtureRepo({ suites: { bookworm: V1 } });
    work = await mkdtemp(join(tmpdir(), 'pare-snapshot-'));
    // The lock and image of the archive as it is today...
    const live = await config('pare', '');
    assert.equal((await pareInProcess(['lock', live, '--cache-dir', join(work, 'c0')])).code, 0);
    const b = await pareInProcess([
      'build',
      live,
      '--locked',
      '-o',
      join(work, 'img0'),
      '--cache-dir',
      join(work, 'c0'),
    ]);
    assert.equal(b.code, 0, b.stderr);
    digest = b.stdout.trim();
    // ...kept by the snapshot archive, while the mirror moves on and drops the old packages.
    await cp(join(repo.dir, 'dists'), join(snapDir(), 'dists'), { recursive: true });
    await cp(join(repo.dir, 'pool'), join(snapDir(), 'pool'), { recursive: true });
    await rm(join(repo.dir, 'pool'), { recursive: true });
    await repo.publish({ bookworm: V2 });
    // The snapshot's Release has long expired (re-signed with the archive key).
    const release = await readFile(join(snapDir(), 'dists/bookworm/Release'), 'utf8');
    const expired = release.replace(
      /^(Date: .*)$/m,
      `$1\nValid-Until: ${new Date('2023-11-21T00:00:00Z').toUTCString()}`,
    );
    await writeFile(join(snapDir(), 'dists/bookworm/InRelease'), await repo.key.clearsign(expired));
  });
  after(async () => {
    await repo.close();
    await rm(work, { recursive: true, force: true });
  });

  it('the old lock no longer builds from the live mirror (its packages are gone)', async () => {
    const r = await pareInProcess([
      'build',
      join(work, 'pare.yaml'),
      '--locked',
      '-o',
      join(work, 'img1'),
      '--cache-dir',
      join(work, 'c1'),
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error\[FETCH_HTTP\]: a package locked in/);
  });

  it('with snapshot: on the repository the old lock rebuilds the same image from the snapshot layout', async () => {
    // snapshot: is where the bytes come from, not what is locked: the lock still matches.
    await config('pare', `      snapshot: ${TS}\n`);
    const before = repo.requests.length;
    const r = await pareInProcess(
      ['build', join(work, 'pare.yaml'), '--locked', '-o', join(work, 'img2'), '--cache-dir', join(work, 'c2')],
      env(),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), digest);
    const seen = repo.requests.slice(before);
    assert.ok(seen.length > 0 && seen.every((p) => p.startsWith(`archive/debian/${TS}/pool/`)), seen.join(', '));
  });

  it('pare lock through the snapshot reads the expired Release (Valid-Until relaxed) and locks the old versions', async () => {
    const f = await config('all', `  snapshot: ${TS}\n`); // on contents: for every repository
    const r = await pareInProcess(['lock', f, '--cache-dir', join(work, 'c3')], env());
    assert.equal(r.code, 0, r.stderr);
    const lock = parseLockfile(await readFile(join(work, 'all.lock.json'), 'utf8'), 'all.lock.json');
    assert.deepEqual(
      lock.archs.amd64!.packages.map((p) => `${p.name}=${p.version}`),
      ['hello=1.0', 'libc=2.0-1'],
    );
    assert.equal(lock.repositories[0]!.url, undefined, 'the snapshot host is not written into the lock');
  });

  it('the same expired Release read as a plain repository is RELEASE_EXPIRED', async () => {
    const f = await config('direct', '', `${repo.url}/archive/debian/${TS}`);
    const r = await pareInProcess(['lock', f, '--cache-dir', join(work, 'c4')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error\[RELEASE_EXPIRED\]/);
  });

  it('bad input: no $PARE_SNAPSHOT_MIRROR, a malformed timestamp', async () => {
    const f = await config('nomirror', `      snapshot: ${TS}\n`);
    const r = await pareInProcess(['lock', f, '--cache-dir', join(work, 'c5')], { PARE_SNAPSHOT_MIRROR: '' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error\[SOURCES_NOT_FOUND\]: suite bookworm is pinned to snapshot 20231115T000000Z/);
    assert.match(r.stderr, /hint: set \$PARE_SNAPSHOT_MIRROR/);
    const bad = await config('bad', `      snapshot: 2023-11-15\n`);
    const b = await pareInProcess(['lock', bad, '--cache-dir', join(work, 'c5')], env());
    assert.equal(b.code, 1);
    assert.match(b.stderr, /error\[CONFIG_SCHEMA\]/);
    assert.match(b.stderr, /snapshot.*YYYYMMDDTHHMMSSZ/);
  });
});
