/**
 * The whole build against a generated, signed repository on 127.0.0.1:
 * success, merging suites, virtual packages, and every way bad input must
 * fail: with a specific error code, exit 1, and nothing at the output path.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { pare, pareInProcess } from '../helpers/cli.js';
import { createSigningKey, type SigningKey } from '../helpers/gpg.js';
import { validateImage } from '../helpers/image.js';
import { startFixtureRepo, type FixturePackage, type FixtureRepo } from '../helpers/repo.js';

const flipLastByte = (b: Buffer) => {
  const c = Buffer.from(b);
  c[c.length - 1]! ^= 0xff;
  return c;
};

const packages: FixturePackage[] = [
  {
    name: 'base-files',
    version: '12.4',
    priority: 'required',
    files: [
      { path: './etc/debian_version', data: '12.4\n' },
      { path: './usr/bin/', type: 'dir' },
    ],
  },
  { name: 'libc', version: '2.0-1', files: [{ path: './usr/lib/libc.so', data: 'libc 2.0' }] },
  {
    name: 'hello',
    version: '1.0',
    depends: 'libc (>= 2.0), mail-transport-agent | exim',
    files: [{ path: './usr/bin/hello', data: 'hello', mode: 0o755 }],
  },
  {
    name: 'tiny-mta',
    version: '1.0',
    provides: 'mail-transport-agent',
    files: [{ path: './usr/sbin/sendmail', data: 'mta', mode: 0o755 }],
  },
  { name: 'needs-missing', version: '1.0', depends: 'libfoo (>= 2)' },
  { name: 'libfoo', version: '1.0' },
  { name: 'evil-dotdot', version: '1', files: [{ path: './../etc/shadow', data: 'x' }] },
  { name: 'evil-absolute', version: '1', files: [{ path: '/etc/cron.d/evil', data: 'x' }] },
  {
    name: 'evil-symlink',
    version: '1',
    files: [
      { path: './usr/lib/esc', type: 'symlink', target: '../../../../tmp' },
      { path: './usr/lib/esc/x', data: 'x' },
    ],
  },
  {
    name: 'evil-hardlink',
    version: '1',
    files: [{ path: './usr/lib/hl', type: 'hardlink', target: '../../etc/passwd' }],
  },
  { name: 'clash-a', version: '1', files: [{ path: './usr/bin/same', data: 'a' }] },
  { name: 'clash-b', version: '1', files: [{ path: './usr/bin/same', data: 'b' }] },
  { name: 'twin-a', version: '1', files: [{ path: './usr/share/same', data: 'same' }] },
  { name: 'twin-b', version: '1', files: [{ path: './usr/share/same', data: 'same' }] },
  { name: 'tampered', version: '1', tamperDeb: flipLastByte },
];

describe('build pipeline against a signed fixture repository', { timeout: 300_000 }, () => {
  let repo: FixtureRepo;
  let otherKey: SigningKey;
  let work: string;
  let n = 0;

  before(async () => {
    repo = await startFixtureRepo({
      suites: {
        stable: packages,
        'stable-updates': [
          { name: 'libc', version: '2.1-1', files: [{ path: './usr/lib/libc.so', data: 'libc 2.1' }] },
        ],
      },
    });
    otherKey = await createSigningKey({ type: 'ed25519', uid: 'Other <other@example.invalid>' });
    work = await mkdtemp(join(tmpdir(), 'pare-pipeline-'));
  });
  after(async () => {
    await repo.close();
    await otherKey.cleanup();
    await rm(work, { recursive: true, force: true });
  });

  async function config(
    pkgs: string[],
    opts: { keyring?: string; url?: string; suites?: string[] } = {},
  ): Promise<string> {
    const file = join(work, `pare-${++n}.yaml`);
    const suites = opts.suites ?? ['stable', 'stable-updates'];
    await writeFile(
      file,
      `contents:\n  repositories:\n    - url: ${opts.url ?? repo.url}\n      suites: [${suites.join(', ')}]\n  keyring: [${opts.keyring ?? repo.keyringFile}]\n  packages: [${pkgs.join(', ')}]\nentrypoint:\n  command: /usr/bin/hello\n`,
    );
    return file;
  }

  async function build(file: string, extra: string[] = []) {
    const out = join(work, `out-${n}`);
    const r = await pareInProcess(['build', file, '-o', out, '--cache-dir', join(work, `cache-${n}`), ...extra]);
    return { ...r, out };
  }

  async function expectFailure(file: string, code: string, pattern?: RegExp) {
    const r = await build(file, ['--tarball', join(work, `t-${n}.tar`)]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`error\\[${code}\\]`), r.stderr);
    if (pattern) assert.match(r.stderr, pattern);
    assert.match(r.stderr, /hint: /);
    assert.equal(existsSync(r.out), false, 'no output directory left behind');
    assert.equal(existsSync(join(work, `t-${n}.tar`)), false, 'no tarball left behind');
    return r.stderr;
  }

  it('builds an image: suites merged (highest version wins), alternatives via a virtual package', async () => {
    const file = await config(['base-files', 'hello']);
    const r = await build(file);
    assert.equal(r.code, 0, r.stderr);
    const v = await validateImage(r.out, 'latest');
    assert.equal(v.digest, r.stdout.trim());
    assert.deepEqual(v.config.config.Entrypoint, ['/usr/bin/hello']);
    const resolved = await pareInProcess(['resolve', file, '--json', '--cache-dir', join(work, `cache-${n}`)]);
    const plan = JSON.parse(resolved.stdout) as {
      packages: Array<{ name: string; version: string; reasons: string[] }>;
    };
    assert.deepEqual(
      plan.packages.map((p) => `${p.name}=${p.version}`),
      ['base-files=12.4', 'hello=1.0', 'libc=2.1-1', 'tiny-mta=1.0'],
    );
    assert.ok(
      plan.packages.find((p) => p.name === 'tiny-mta')!.reasons.some((x) => x.includes('mail-transport-agent')),
    );
  });

  it('gives the same digest on a rebuild with an empty cache', async () => {
    const file = await config(['base-files', 'hello']);
    const a = await pareInProcess(['build', file, '-o', join(work, 'det-a'), '--cache-dir', join(work, 'det-cache-a')]);
    const b = await pareInProcess(['build', file, '-o', join(work, 'det-b'), '--cache-dir', join(work, 'det-cache-b')]);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /^sha256:[0-9a-f]{64}\n$/);
    assert.equal(b.stdout, a.stdout);
    assert.deepEqual(
      await readFile(join(work, 'det-b', 'index.json')),
      await readFile(join(work, 'det-a', 'index.json')),
    );
  });

  it('fixes every time to SOURCE_DATE_EPOCH, else to the newest package file; tar headers carry no host data', async () => {
    const file = await config(['base-files', 'hello']);
    const layerOf = async (out: string) => {
      const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as {
        manifests: Array<{ digest: string }>;
      };
      const manifest = JSON.parse(
        await readFile(join(out, 'blobs/sha256', index.manifests[0]!.digest.slice(7)), 'utf8'),
      ) as { config: { digest: string }; layers: Array<{ digest: string }> };
      const cfg = JSON.parse(await readFile(join(out, 'blobs/sha256', manifest.config.digest.slice(7)), 'utf8')) as {
        created: string;
        history: Array<{ created: string }>;
      };
      return { cfg, tar: gunzipSync(await readFile(join(out, 'blobs/sha256', manifest.layers[0]!.digest.slice(7)))) };
    };
    const headers = (tar: Buffer) => {
      const out: Array<{ name: string; mtime: number; uname: string; gname: string }> = [];
      for (let off = 0; off + 512 <= tar.length && tar[off] !== 0;) {
        const h = tar.subarray(off, off + 512);
        const str = (a: number, n: number) =>
          h
            .subarray(a, a + n)
            .toString('latin1')
            .replace(/\0.*$/s, '');
        const size = parseInt(str(124, 12), 8) || 0;
        out.push({ name: str(0, 100), mtime: parseInt(str(136, 12), 8), uname: str(265, 32), gname: str(297, 32) });
        off += 512 + Math.ceil(size / 512) * 512;
      }
      return out;
    };
    const pinned = await pareInProcess(
      ['build', file, '-o', join(work, 'sde'), '--cache-dir', join(work, 'sde-cache')],
      { SOURCE_DATE_EPOCH: '1600000000' },
    );
    assert.equal(pinned.code, 0, pinned.stderr);
    const a = await layerOf(join(work, 'sde'));
    assert.equal(a.cfg.created, '2020-09-13T12:26:40Z');
    assert.ok(a.cfg.history.every((h) => h.created === a.cfg.created));
    const ha = headers(a.tar);
    assert.ok(ha.length > 10);
    assert.ok(
      ha.every((h) => h.mtime <= 1_600_000_000),
      'no mtime after SOURCE_DATE_EPOCH',
    );
    assert.ok(
      ha.every((h) => h.uname === '' && h.gname === ''),
      'no user or group names',
    );
    const newest = await pareInProcess(
      ['build', file, '-o', join(work, 'sde-2'), '--cache-dir', join(work, 'sde-cache')],
      { SOURCE_DATE_EPOCH: '' },
    );
    assert.equal(newest.code, 0, newest.stderr);
    const b = await layerOf(join(work, 'sde-2'));
    assert.equal(b.cfg.created, '2023-11-14T22:13:20Z'); // the fixture packages' file time
    assert.notEqual(newest.stdout, pinned.stdout);
  });

  it('rejects a repository signed by a key not in the keyring (SIG_NO_KEY)', async () => {
    await writeFile(join(work, 'other.gpg'), otherKey.keyring);
    await expectFailure(await config(['hello'], { keyring: join(work, 'other.gpg') }), 'SIG_NO_KEY');
  });

  it('rejects a tampered InRelease (SIG_BAD)', async () => {
    repo.override('dists/stable/InRelease', (b) =>
      Buffer.from(b.toString().replace('Origin: pare-fixture', 'Origin: pare-fixturf')),
    );
    try {
      await expectFailure(await config(['hello']), 'SIG_BAD', /InRelease/);
    } finally {
      repo.override('dists/stable/InRelease', (b) => b);
    }
  });

  it('rejects a Packages index whose hash does not match the signed Release (HASH_MISMATCH)', async () => {
    const paths = ['gz', 'xz'].map((x) => `dists/stable/main/binary-amd64/Packages.${x}`);
    const release = await readFile(join(repo.dir, 'dists/stable/Release'), 'utf8');
    const byHash = [...release.matchAll(/ ([0-9a-f]{64}) +\d+ main\/binary-amd64\/Packages\.(gz|xz)/g)].map(
      (m) => `dists/stable/main/binary-amd64/by-hash/SHA256/${m[1]}`,
    );
    for (const p of [...paths, ...byHash]) repo.override(p, flipLastByte);
    try {
      await expectFailure(await config(['hello']), 'HASH_MISMATCH', /Packages/);
    } finally {
      for (const p of [...paths, ...byHash]) repo.override(p, (b) => b);
    }
  });

  it('rejects a .deb whose hash does not match the index (HASH_MISMATCH naming the package)', async () => {
    await expectFailure(await config(['tampered']), 'HASH_MISMATCH', /tampered_1_amd64\.deb/);
  });

  it('fails an unsatisfiable dependency with the chain that led to it (UNSATISFIABLE)', async () => {
    await expectFailure(await config(['needs-missing']), 'UNSATISFIABLE', /needs-missing.*libfoo/s);
  });

  it('fails an unknown package (PACKAGE_NOT_FOUND)', async () => {
    await expectFailure(await config(['no-such-package']), 'PACKAGE_NOT_FOUND', /no-such-package/);
  });

  for (const [pkg, path] of [
    ['evil-dotdot', '../etc/shadow'],
    ['evil-absolute', '/etc/cron.d/evil'],
    ['evil-symlink', 'usr/lib/esc'],
    ['evil-hardlink', 'usr/lib/hl'],
  ] as const) {
    it(`rejects hostile archive paths: ${pkg} (PATH_HOSTILE)`, async () => {
      const stderr = await expectFailure(await config([pkg]), 'PATH_HOSTILE');
      assert.ok(stderr.includes(pkg), stderr);
      assert.ok(stderr.includes(path), stderr);
    });
  }

  it('reports conflicting files with both package names (FILE_CONFLICT); identical files are fine', async () => {
    const stderr = await expectFailure(await config(['clash-a', 'clash-b']), 'FILE_CONFLICT', /usr\/bin\/same/);
    assert.ok(stderr.includes('clash-a') && stderr.includes('clash-b'), stderr);
    const ok = await build(await config(['twin-a', 'twin-b']));
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('fails clearly on a mirror that drops every connection (FETCH_NETWORK)', async () => {
    // A port this test holds, so no other process can answer on it.
    const dropping = createServer((socket) => socket.destroy());
    await new Promise<void>((r) => dropping.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(dropping.address() as AddressInfo).port}`;
    try {
      await expectFailure(await config(['hello'], { url }), 'FETCH_NETWORK', new RegExp(`${url}/dists/stable`));
    } finally {
      await new Promise((r) => dropping.close(r));
    }
  });

  it('re-resolves when the mirror publishes a new InRelease; reuses the resolution while it does not', async () => {
    const app = (version: string): FixturePackage => ({
      name: 'app',
      version,
      files: [{ path: './usr/bin/app', data: `app ${version}`, mode: 0o755 }],
    });
    const changing = await startFixtureRepo({ suites: { stable: [app('1.0')] }, key: repo.key });
    try {
      const file = await config(['app'], { url: changing.url, suites: ['stable'] });
      const cache = join(work, 'memo-cache');
      const resolveApp = async () => {
        const before = changing.requests.length;
        const r = await pareInProcess(['resolve', file, '--json', '--cache-dir', cache]);
        assert.equal(r.code, 0, r.stderr);
        const plan = JSON.parse(r.stdout) as { packages: Array<{ name: string; version: string }> };
        return { versions: plan.packages.map((p) => `${p.name}=${p.version}`), seen: changing.requests.slice(before) };
      };
      const first = await resolveApp();
      assert.deepEqual(first.versions, ['app=1.0']);
      assert.ok(
        first.seen.some((p) => /Packages|by-hash/.test(p)),
        first.seen.join('\n'),
      );
      const second = await resolveApp();
      assert.deepEqual(second.versions, ['app=1.0']);
      assert.ok(!second.seen.some((p) => /Packages|by-hash/.test(p)), `memoized: ${second.seen.join(', ')}`);
      await changing.publish({ stable: [app('2.0')] });
      const third = await resolveApp();
      assert.deepEqual(third.versions, ['app=2.0'], 'the changed InRelease is not answered from the memo');
    } finally {
      await changing.close();
    }
  });

  it('retries transient server errors (503) and then succeeds', async () => {
    const file = await config(['hello']);
    let failures = 0;
    repo.override('dists/stable/InRelease', (b) => (failures++ < 2 ? 503 : b));
    try {
      const r = await build(file);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(failures, 3);
    } finally {
      repo.override('dists/stable/InRelease', (b) => b);
    }
  });

  it('lets several pare processes share one empty cache', async () => {
    const file = await config(['base-files', 'hello']);
    const cache = join(work, 'shared-cache');
    const runs = await Promise.all(
      [0, 1, 2].map((i) => pare(['build', file, '-o', join(work, `shared-${i}`), '--cache-dir', cache])),
    );
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    assert.equal(new Set(runs.map((r) => r.stdout)).size, 1);
  });

  it('fetches indexes by hash when the Release says Acquire-By-Hash, by name otherwise', async () => {
    const before = repo.requests.length;
    const r = await build(await config(['hello']));
    assert.equal(r.code, 0, r.stderr);
    const seen = repo.requests.slice(before);
    assert.ok(
      seen.some((p) => /^dists\/stable\/main\/binary-amd64\/by-hash\/SHA256\/[0-9a-f]{64}$/.test(p)),
      seen.join('\n'),
    );
    assert.ok(!seen.includes('dists/stable/main/binary-amd64/Packages.gz'));
    const plain = await startFixtureRepo({ suites: { stable: [packages[0]!] }, key: repo.key, byHash: false });
    try {
      const p = await build(await config(['base-files'], { url: plain.url, suites: ['stable'] }));
      assert.equal(p.code, 0, p.stderr);
      assert.ok(plain.requests.includes('dists/stable/main/binary-amd64/Packages.gz'), plain.requests.join('\n'));
      assert.ok(!plain.requests.some((x) => x.includes('by-hash')));
    } finally {
      await plain.close();
    }
  });

  it('rejects a Release past its Valid-Until (RELEASE_EXPIRED)', async () => {
    const stale = await startFixtureRepo({
      suites: { stable: [packages[0]!] },
      key: repo.key,
      validUntil: new Date('2020-01-01T00:00:00Z'),
    });
    try {
      await expectFailure(
        await config(['base-files'], { url: stale.url, suites: ['stable'] }),
        'RELEASE_EXPIRED',
        /Valid-Until/,
      );
    } finally {
      await stale.close();
    }
  });

  it('builds offline from a filled cache, and fails offline on an empty one', async () => {
    const file = await config(['hello']);
    const cache = join(work, 'offline-cache');
    const first = await pareInProcess(['build', file, '-o', join(work, 'off-1'), '--cache-dir', cache]);
    assert.equal(first.code, 0, first.stderr);
    const seen = repo.requests.length;
    const second = await pareInProcess(['build', file, '-o', join(work, 'off-2'), '--cache-dir', cache, '--offline']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, first.stdout);
    assert.equal(repo.requests.length, seen, 'no request in offline mode');
    const empty = await pareInProcess([
      'build',
      file,
      '-o',
      join(work, 'off-3'),
      '--cache-dir',
      join(work, 'empty-cache'),
      '--offline',
    ]);
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /--offline/);
    assert.equal(existsSync(join(work, 'off-3')), false);
  });

  it('fails on a missing suite (FETCH_HTTP 404)', async () => {
    await expectFailure(await config(['hello'], { suites: ['nonexistent'] }), 'FETCH_HTTP', /nonexistent\/InRelease/);
  });
});
