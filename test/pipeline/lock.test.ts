/**
 * Lock files end to end against a signed fixture repository: `pare lock`
 * pins versions and digests; `pare build --locked` reproduces the image from
 * another cache without reading any index, and fails clearly when the config
 * changed or a locked package is gone.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { parseLockfile, type Lockfile } from '../../src/resolve/lock.js';
import { hasCode } from '../../src/errors.js';
import { pareInProcess } from '../helpers/cli.js';
import { startFixtureRepo, type FixtureRepo } from '../helpers/repo.js';

describe('lock files', { timeout: 120_000 }, () => {
  let repo: FixtureRepo;
  let work: string;
  let file: string;
  before(async () => {
    repo = await startFixtureRepo({
      suites: {
        stable: [
          { name: 'libc', version: '2.0-1', files: [{ path: './usr/lib/libc.so', data: 'libc 2.0' }] },
          {
            name: 'hello',
            version: '1.0',
            depends: 'libc (>= 2.0)',
            files: [{ path: './usr/bin/hello', data: 'hello', mode: 0o755 }],
          },
        ],
        'stable-updates': [
          { name: 'libc', version: '2.1-1', files: [{ path: './usr/lib/libc.so', data: 'libc 2.1' }] },
        ],
      },
    });
    work = await mkdtemp(join(tmpdir(), 'pare-lock-'));
    file = join(work, 'pare.yaml');
    await writeFile(
      file,
      `contents:\n  repositories:\n    - url: ${repo.url}\n      suites: [stable, stable-updates]\n  keyring: [${repo.keyringFile}]\n  packages: [hello]\nentrypoint:\n  command: /usr/bin/hello\n`,
    );
    // Every test starts from this lock and this unlocked build's digest, made here, not by another test.
    const locked = await pareInProcess(['lock', file, '--cache-dir', join(work, 'c0')]);
    assert.equal(locked.code, 0, locked.stderr);
    lock = parseLockfile(await readFile(join(work, 'pare.lock.json'), 'utf8'), 'pare.lock.json');
    const built = await pareInProcess(['build', file, '-o', join(work, 'unlocked'), '--cache-dir', join(work, 'c0')]);
    assert.equal(built.code, 0, built.stderr);
    digest = built.stdout.trim();
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);
  });
  after(async () => {
    await repo.close();
    await rm(work, { recursive: true, force: true });
  });

  let lock: Lockfile;
  let digest = '';

  it('pare lock pins each package with version, sha256, size, path and repository', async () => {
    const r = await pareInProcess(['lock', file, '-o', join(work, 'again.lock.json'), '--cache-dir', join(work, 'c1')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), join(work, 'again.lock.json'));
    const again = parseLockfile(await readFile(join(work, 'again.lock.json'), 'utf8'), 'again.lock.json');
    assert.deepEqual(again, lock, 'locking twice gives the same lock');
    const pkgs = again.archs.amd64!.packages;
    assert.deepEqual(
      pkgs.map((p) => `${p.name}=${p.version}`),
      ['hello=1.0', 'libc=2.1-1'],
    );
    const libc = pkgs[1]!;
    assert.match(libc.sha256, /^[0-9a-f]{64}$/);
    assert.equal(libc.filename, 'pool/main/l/libc/libc_2.1-1_amd64.deb');
    assert.equal(again.repositories[libc.repository]!.suite, 'stable-updates');
    assert.equal(again.repositories[0]!.url, repo.url);
    assert.match(again.repositories[0]!.inRelease.sha256, /^[0-9a-f]{64}$/);
    assert.ok(again.keyring.fingerprints.includes(repo.key.fingerprint));
  });

  it('records a discovered mirror ($PARE_MIRROR) without its URL, and a locked build discovers it again', async () => {
    const discovered = join(work, 'discovered.yaml');
    await writeFile(
      discovered,
      `contents:\n  repositories:\n    - suites: [stable, stable-updates]\n  keyring: [${repo.keyringFile}]\n  packages: [hello]\nentrypoint:\n  command: /usr/bin/hello\n`,
    );
    const env = { PARE_MIRROR: repo.url };
    const r = await pareInProcess(['lock', discovered, '--cache-dir', join(work, 'c6')], env);
    assert.equal(r.code, 0, r.stderr);
    const text = await readFile(join(work, 'discovered.lock.json'), 'utf8');
    const d = parseLockfile(text, 'discovered.lock.json');
    assert.deepEqual(
      d.repositories.map((x) => [x.url, x.suite]),
      [
        [undefined, 'stable'],
        [undefined, 'stable-updates'],
      ],
    );
    assert.ok(!text.includes(repo.url.replace('http://', '')), 'the mirror appears nowhere in the lock');
    assert.deepEqual(d.archs, lock.archs, 'the same packages as with the URL in the config');
    const b = await pareInProcess(
      ['build', discovered, '--locked', '-o', join(work, 'disc'), '--cache-dir', join(work, 'c6')],
      env,
    );
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.stdout.trim(), digest);
  });

  it('a locked build from another cache reproduces the same digest, reading no index', async () => {
    const before = repo.requests.length;
    const r = await pareInProcess([
      'build',
      file,
      '--locked',
      '-o',
      join(work, 'locked'),
      '--cache-dir',
      join(work, 'c2'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), digest);
    const seen = repo.requests.slice(before);
    assert.ok(
      seen.every((p) => p.startsWith('pool/')),
      `only packages fetched: ${seen.join(', ')}`,
    );
    assert.ok(!seen.some((p) => /InRelease|Packages/.test(p)));
  });

  it('build --locked --offline with an empty cache fails (FETCH_NETWORK) without any request', async () => {
    const before = repo.requests.length;
    const r = await pareInProcess([
      'build',
      file,
      '--locked',
      '--offline',
      '-o',
      join(work, 'offline'),
      '--cache-dir',
      join(work, 'c7'),
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /error\[FETCH_NETWORK\]: .*not in the cache and --offline is set/);
    assert.deepEqual(repo.requests.slice(before), [], 'no request in offline mode');
    assert.equal(existsSync(join(work, 'offline')), false);
  });

  it('installs exactly the locked versions, even when the repository has newer ones', async () => {
    // Pin the older libc from `stable`, as a lock written before the update would.
    const index = await readFile(join(repo.dir, 'dists/stable/main/binary-amd64/Packages'), 'utf8');
    const stanza = index.split('\n\n').find((x) => x.startsWith('Package: libc\n'))!;
    const field = (k: string) => new RegExp(`^${k}: (.*)$`, 'm').exec(stanza)![1]!;
    const older = structuredClone(lock);
    const libc = older.archs.amd64!.packages.find((p) => p.name === 'libc')!;
    Object.assign(libc, {
      version: field('Version'),
      sha256: field('SHA256'),
      size: Number(field('Size')),
      filename: field('Filename'),
      repository: 0,
    });
    const lockFile = join(work, 'older.lock.json');
    await writeFile(lockFile, JSON.stringify(older));
    const out = join(work, 'older');
    const r = await pareInProcess([
      'build',
      file,
      '--locked',
      '--lock',
      lockFile,
      '-o',
      out,
      '--cache-dir',
      join(work, 'c5'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.notEqual(r.stdout.trim(), digest);
    const layout = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as {
      manifests: Array<{ digest: string }>;
    };
    const manifest = JSON.parse(
      await readFile(join(out, 'blobs/sha256', layout.manifests[0]!.digest.slice(7)), 'utf8'),
    ) as { layers: Array<{ digest: string }> };
    const tar = gunzipSync(await readFile(join(out, 'blobs/sha256', manifest.layers[0]!.digest.slice(7)))).toString(
      'latin1',
    );
    assert.ok(tar.includes('libc 2.0') && !tar.includes('libc 2.1'), 'the locked libc 2.0 is installed');
    assert.match(tar, /Version: 2\.0-1/); // its status.d entry comes from its own control file
  });

  it('fails with LOCK_MISMATCH when the package list changed since the lock', async () => {
    const changed = join(work, 'pare.yaml');
    const text = await readFile(changed, 'utf8');
    await writeFile(changed, text.replace('packages: [hello]', 'packages: [hello, libc]'));
    try {
      const r = await pareInProcess([
        'build',
        changed,
        '--locked',
        '-o',
        join(work, 'mismatch'),
        '--cache-dir',
        join(work, 'c3'),
      ]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /error\[LOCK_MISMATCH\]/);
      assert.match(r.stderr, /pare lock/);
      assert.equal(existsSync(join(work, 'mismatch')), false);
    } finally {
      await writeFile(changed, text);
    }
  });

  it('an entrypoint change does not invalidate the lock', async () => {
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('/usr/bin/hello', '/usr/bin/hello --loud'));
    try {
      const r = await pareInProcess([
        'build',
        file,
        '--locked',
        '-o',
        join(work, 'ep'),
        '--cache-dir',
        join(work, 'c2'),
      ]);
      assert.equal(r.code, 0, r.stderr);
    } finally {
      await writeFile(file, text);
    }
  });

  it('fails clearly when a locked package can no longer be fetched', async () => {
    const deb = join(repo.dir, 'pool/main/l/libc/libc_2.1-1_amd64.deb');
    const bytes = await readFile(deb);
    await unlink(deb);
    let r;
    try {
      r = await pareInProcess(['build', file, '--locked', '-o', join(work, 'gone'), '--cache-dir', join(work, 'c4')]);
    } finally {
      await writeFile(deb, bytes);
    }
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error\[FETCH_HTTP\]: a package locked in .*pare\.lock\.json cannot be fetched/);
    assert.match(r.stderr, /libc_2\.1-1_amd64\.deb/);
    assert.match(r.stderr, /snapshot/);
    assert.equal(existsSync(join(work, 'gone')), false);
  });

  it('fails without a lock file, and on a malformed or hostile one', async () => {
    const r = await pareInProcess([
      'build',
      file,
      '--locked',
      '--lock',
      join(work, 'none.json'),
      '-o',
      join(work, 'x'),
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot read lock file .*none\.json: no such file/);
    assert.throws(
      () => parseLockfile('{', 'l.json'),
      (e) => hasCode(e, 'LOCK_MISMATCH') && /l\.json/.test(e.message),
    );
    const hostile = structuredClone(lock);
    hostile.archs.amd64!.packages[0]!.filename = '../../etc/passwd';
    assert.throws(
      () => parseLockfile(JSON.stringify(hostile), 'l.json'),
      (e) => hasCode(e, 'LOCK_MISMATCH') && /hostile/.test(e.message),
    );
  });
});
