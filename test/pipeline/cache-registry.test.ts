/**
 * The cache shared through a registry (--cache-registry), against the real
 * `docker-registry` and a signed fixture mirror that records its requests:
 * machine A builds and publishes its memoized work; machine B, with an empty
 * cache, builds the same digest and the same outputs without fetching a
 * single .deb or Packages index; a blob tampered with in the registry's
 * storage is refused (a warning says so) and the work is done again, to the
 * same digest.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pareInProcess } from '../helpers/cli.js';
import { startFixtureRepo, type FixtureRepo } from '../helpers/repo.js';
import { startRegistry, type Registry } from '../helpers/registry.js';

async function files(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else
        out.set(
          relative(dir, p),
          createHash('sha256')
            .update(await readFile(p))
            .digest('hex'),
        );
    }
  };
  await walk(dir);
  return out;
}

const pkgs = [
  { name: 'base-files', version: '12.4', files: [{ path: './etc/debian_version', data: '12.4\n' }] },
  { name: 'libc', version: '2.0-1', files: [{ path: './usr/lib/libc.so', data: 'x'.repeat(300_000) }] },
  {
    name: 'hello',
    version: '1.0',
    depends: 'libc',
    files: [{ path: './usr/bin/hello', data: 'hello', mode: 0o755 }],
  },
];

describe('a cache shared through a registry', { timeout: 300_000 }, () => {
  let repo: FixtureRepo;
  let registry: Registry;
  let work: string;
  let file: string;

  before(async () => {
    repo = await startFixtureRepo({ suites: { stable: pkgs } });
    registry = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'pare-cache-registry-'));
    file = join(work, 'pare.yaml');
    await writeFile(
      file,
      `contents:\n  repositories:\n    - suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: [hello, base-files]\nentrypoint:\n  command: /usr/bin/hello\n`,
    );
  });
  after(async () => {
    await registry?.close();
    await repo?.close();
    await rm(work, { recursive: true, force: true });
  });

  /** A build on "machine" `m`: its own cache directory and output, the shared registry cache. */
  async function build(m: string) {
    await mkdir(join(work, m), { recursive: true });
    const out = join(work, m, 'out');
    repo.requests.length = 0;
    const r = await pareInProcess(['build', file, '-o', out, '--cache-dir', join(work, m, 'cache')], {
      PARE_MIRROR: repo.url,
      PARE_CACHE_REGISTRY: `${registry.host}/ci/pare-cache`,
      PARE_CACHE_REGISTRY_INSECURE: '1',
    });
    assert.equal(r.code, 0, r.stderr);
    return { out, digest: r.stdout.trim(), stderr: r.stderr, requests: [...repo.requests] };
  }

  let a: Awaited<ReturnType<typeof build>>;

  it('machine B builds what machine A built, from the registry, without fetching a package', async () => {
    a = await build('a');
    assert.doesNotMatch(a.stderr, /warning: cache registry/, a.stderr);
    assert.ok(
      a.requests.some((p) => p.endsWith('.deb')),
      'A fetched the packages',
    );
    const b = await build('b');
    assert.doesNotMatch(b.stderr, /warning: cache registry/, b.stderr);
    assert.equal(b.digest, a.digest);
    assert.match(b.stderr, /\(memoized\)/);
    assert.deepEqual(
      b.requests.filter((p) => p.endsWith('.deb') || /Packages|by-hash/.test(p)),
      [],
      'B fetched no .deb and no Packages index (only the InRelease files)',
    );
    assert.deepEqual(await files(b.out), await files(a.out), 'the same layout');
    for (const ext of ['spdx.json', 'cdx.json'])
      assert.deepEqual(await readFile(`${b.out}.${ext}`), await readFile(`${a.out}.${ext}`), `the same ${ext}`);
  });

  it('refuses a blob tampered with in the registry and builds the same image again', async () => {
    const manifest = JSON.parse(await readFile(join(a.out, 'blobs', 'sha256', a.digest.slice(7)), 'utf8')) as {
      layers: Array<{ digest: string }>;
    };
    const hex = manifest.layers[0]!.digest.slice(7);
    const stored = join(registry.dataDir, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
    const bytes = await readFile(stored);
    bytes[bytes.length >> 1]! ^= 0xff;
    await writeFile(stored, bytes);
    const c = await build('c');
    assert.equal(c.digest, a.digest);
    assert.doesNotMatch(c.stderr, /\(memoized\)/, 'not the tampered image');
    assert.match(c.stderr, new RegExp(`warning: cache registry: blob sha256:${hex}: .*refused`));
    for (const [name, sha] of await files(join(c.out, 'blobs', 'sha256'))) assert.equal(sha, name, `blob ${name}`);
  });
});
