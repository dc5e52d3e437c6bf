/**
 * `base:` against a signed fixture repository: an image built on a base read
 * from an OCI layout, a docker-archive or docker-registry keeps the base's layers byte for
 * byte, installs only the packages the base lacks, inherits its config, and
 * its status.d and SBOM cover base and new packages. A package file that
 * collides with a base file, a base that is not an image, a corrupt blob, a
 * base without package metadata and a base for another architecture fail
 * with a clear error and leave no output, as does a blob corrupted in the
 * registry. The lock pins the base; --locked fails when the tag moved.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeLayout } from '../../src/oci/layout.js';
import { pareInProcess } from '../helpers/cli.js';
import { validateImage } from '../helpers/image.js';
import {
  blobPuts,
  mounts,
  randomImage,
  startProxy,
  startRegistry,
  type Proxy,
  type Registry,
} from '../helpers/registry.js';
import { fromSource as src, startFixtureRepo, type FixturePackage, type FixtureRepo } from '../helpers/repo.js';
import { tempDirs } from '../helpers/tmp.js';

const packages: FixturePackage[] = [
  { name: 'base-files', version: '12.4', files: [{ path: './etc/debian_version', data: '12.4\n' }] },
  {
    name: 'libc6',
    version: '2.36-9',
    ...src('glibc', '2.36-9'),
    files: [{ path: './usr/lib/x86_64-linux-gnu/libc.so.6', data: 'libc '.repeat(400) }],
  },
  {
    name: 'libssl3',
    version: '3.0.11-1',
    ...src('openssl', '3.0.11-1'),
    depends: 'libc6 (>= 2.34)',
    files: [{ path: './usr/lib/x86_64-linux-gnu/libssl.so.3', data: 'ssl '.repeat(300) }],
  },
  {
    name: 'libpython3.11',
    version: '3.11.2-6',
    ...src('python3.11', '3.11.2-6'),
    depends: 'libc6 (>= 2.36), libssl3',
    files: [{ path: './usr/lib/x86_64-linux-gnu/libpython3.11.so.1', data: 'py '.repeat(500) }],
  },
  {
    name: 'python3.11',
    version: '3.11.2-6',
    ...src('python3.11', '3.11.2-6'),
    depends: 'libpython3.11',
    files: [{ path: './usr/bin/python3.11', data: 'python', mode: 0o755 }],
  },
  { name: 'needs-new-libc', version: '1', depends: 'libc6 (>= 2.40)' },
  { name: 'clash', version: '1', files: [{ path: './etc/debian_version', data: 'not debian\n' }] },
];

const BASE = ['base-files', 'libc6', 'libssl3'];
const tempDir = tempDirs('pare-base-');

interface Manifest {
  layers: Array<{ digest: string }>;
  config: { digest: string };
  annotations?: Record<string, string>;
}

describe('base: build on an existing image', { timeout: 240_000 }, () => {
  let repo: FixtureRepo;
  let work: string;
  let baseLayout: string;
  let baseArchive: string;
  let baseLayers: string[];
  let n = 0;
  let registry: Registry | undefined;
  let proxy: Proxy | undefined;

  async function configFile(pkgs: string[], extra: string): Promise<string> {
    const file = join(work, `c-${++n}.yaml`);
    await writeFile(
      file,
      `contents:\n  repositories:\n    - url: ${repo.url}\n      suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: [${pkgs.join(', ')}]\nlayering:\n  strategy: origin\n${extra}`,
    );
    return file;
  }
  async function build(pkgs: string[], extra = '', args: string[] = []) {
    const out = join(work, `out-${n + 1}`);
    const file = await configFile(pkgs, extra);
    const r = await pareInProcess(['build', file, '-o', out, '--cache-dir', join(work, 'cache'), ...args]);
    return { ...r, out, file };
  }
  async function manifestOf(out: string): Promise<Manifest> {
    const v = await validateImage(out, 'latest');
    return v.manifest;
  }

  before(async () => {
    repo = await startFixtureRepo({ suites: { stable: packages } });
    work = await tempDir();
    baseLayout = join(work, 'base');
    baseArchive = join(work, 'base.tar');
    const file = await configFile(
      BASE,
      'entrypoint:\n  command: /usr/bin/false\nenvironment:\n  FROM_BASE: "yes"\nwork-dir: /srv\n',
    );
    const r = await pareInProcess([
      'build',
      file,
      '-o',
      baseLayout,
      '--tarball',
      baseArchive,
      '--cache-dir',
      join(work, 'cache'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    baseLayers = (await manifestOf(baseLayout)).layers.map((l) => l.digest);
  });
  after(async () => {
    await repo.close();
    await proxy?.close();
    await registry?.close();
  });

  /** examples-like base pushed to docker-registry, reached through a recording proxy. */
  async function pushed(): Promise<string> {
    registry ??= await startRegistry();
    proxy ??= await startProxy(registry);
    const ref = `${proxy.host}/distroless/base:latest`;
    const p = await pareInProcess(['push', `${baseLayout}:latest`, ref, '--insecure']);
    assert.equal(p.code, 0, p.stderr);
    return ref;
  }

  for (const kind of ['oci', 'docker-archive', 'registry'] as const) {
    it(`keeps the base's layers and adds only missing packages (${kind})`, async () => {
      const ref =
        kind === 'oci'
          ? `oci:${baseLayout}:latest`
          : kind === 'registry'
            ? await pushed()
            : `docker-archive:${baseArchive}`;
      const r = await build(
        ['python3.11'],
        `base: ${ref}\nentrypoint:\n  command: /usr/bin/python3.11\n`,
        kind === 'registry' ? ['--insecure'] : [],
      );
      assert.equal(r.code, 0, r.stderr);
      const m = await manifestOf(r.out);
      assert.deepEqual(
        m.layers.slice(0, baseLayers.length).map((l) => l.digest),
        baseLayers,
        'base layers byte for byte',
      );
      const cfg = JSON.parse(await readFile(join(r.out, 'blobs/sha256', m.config.digest.slice(7)), 'utf8')) as {
        config: { Entrypoint: string[]; Env: string[]; WorkingDir: string; User: string };
        history: Array<{ created_by: string }>;
      };
      const added = cfg.history.slice(baseLayers.length).map((h) => h.created_by);
      assert.deepEqual(added, ['pare: origin python3.11: libpython3.11 python3.11', 'pare: generated files']);
      assert.deepEqual(cfg.config.Entrypoint, ['/usr/bin/python3.11'], 'the config overrides');
      assert.ok(cfg.config.Env.includes('FROM_BASE=yes'), 'env inherited');
      assert.equal(cfg.config.WorkingDir, '/srv', 'work-dir inherited');
      assert.equal(cfg.config.User, '65532:65532');
      if (kind === 'registry') {
        // the manifest names its base; pushing to the same registry mounts the base's layers
        assert.equal(m.annotations?.['org.opencontainers.image.base.name'], ref);
        const from = proxy!.records.length;
        const p = await pareInProcess(['push', `${r.out}:latest`, `${proxy!.host}/apps/python:1`, '--insecure']);
        assert.equal(p.code, 0, p.stderr);
        const since = { ...proxy!, records: proxy!.records.slice(from) };
        assert.equal(mounts(since).length, baseLayers.length, 'base layers mounted');
        assert.equal(blobPuts(since).length, m.layers.length - baseLayers.length + 1, 'new layers and config uploaded');
      }

      // status.d over all layers: every package once, to dpkg-query
      const root = join(work, `rootfs-${kind}`);
      await mkdir(root, { recursive: true });
      for (const l of m.layers)
        execFileSync('tar', ['-xzf', join(r.out, 'blobs/sha256', l.digest.slice(7)), '-C', root]);
      const statusDir = join(root, 'var/lib/dpkg/status.d');
      const names = (await readdir(statusDir)).filter((f) => !f.endsWith('.md5sums')).sort();
      const admin = join(work, `admin-${kind}`);
      await mkdir(join(admin, 'info'), { recursive: true });
      const paragraphs = await Promise.all(names.map((f) => readFile(join(statusDir, f), 'utf8')));
      await writeFile(join(admin, 'status'), paragraphs.join('\n'));
      const listed = execFileSync('dpkg-query', ['--admindir', admin, '-W', '-f', '${Package}\\n'], {
        encoding: 'utf8',
      })
        .trim()
        .split('\n')
        .sort();
      assert.deepEqual(listed, [...BASE, 'libpython3.11', 'python3.11'].sort());

      // the SBOM read back from the image lists base and new packages
      const sbom = await pareInProcess([
        'sbom',
        `${r.out}:latest`,
        '--format',
        'spdx',
        '-o',
        join(work, `sbom-${kind}.json`),
      ]);
      assert.equal(sbom.code, 0, sbom.stderr);
      const doc = JSON.parse(await readFile(join(work, `sbom-${kind}.json`), 'utf8')) as {
        packages: Array<{ name: string }>;
      };
      const inSbom = new Set(doc.packages.map((p) => p.name));
      for (const p of [...BASE, 'libpython3.11', 'python3.11']) assert.ok(inSbom.has(p), `${p} in the SBOM`);
    });
  }

  it('the lock pins the base by digest; --locked fails when the tag now points elsewhere', async () => {
    const ref = await pushed();
    const extra = `base: ${ref}\n`;
    const file = await configFile(['python3.11'], extra);
    const cache = ['--cache-dir', join(work, 'cache'), '--insecure'];
    const l = await pareInProcess(['lock', file, ...cache]);
    assert.equal(l.code, 0, l.stderr);
    const lock = JSON.parse(await readFile(file.replace(/\.yaml$/, '.lock.json'), 'utf8')) as {
      archs: Record<string, { base?: { ref: string; digest: string }; packages: Array<{ name: string }> }>;
    };
    const v = await validateImage(baseLayout, 'latest');
    assert.deepEqual(lock.archs.amd64!.base, { ref, digest: v.digest });
    assert.deepEqual(lock.archs.amd64!.packages.map((p) => p.name).sort(), ['libpython3.11', 'python3.11']);
    const ok = await pareInProcess(['build', file, '-o', join(work, 'locked-ok'), '--locked', ...cache]);
    assert.equal(ok.code, 0, ok.stderr);

    // the tag moves to another image: the locked build stops before pulling anything
    await writeLayout(join(work, 'moved'), await randomImage('moved'), { tag: 'latest' });
    const moved = await pareInProcess(['push', `${join(work, 'moved')}:latest`, ref, '--insecure']);
    assert.equal(moved.code, 0, moved.stderr);
    const out = join(work, 'locked-moved');
    const r = await pareInProcess(['build', file, '-o', out, '--locked', ...cache]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /error\[LOCK_MISMATCH\]/);
    assert.match(r.stderr, new RegExp(`the lock pins ${v.digest}`));
    assert.equal(existsSync(out), false);
    // put the base back for the other tests
    assert.equal((await pareInProcess(['push', `${baseLayout}:latest`, ref, '--insecure'])).code, 0);
  });

  it('a registry base whose blob is corrupt in the registry is an error before anything is written', async () => {
    await pushed();
    const img = await randomImage('corrupt-remote', [8192]);
    await writeLayout(join(work, 'corrupt-remote'), img, { tag: 'latest' });
    const ref = `${registry!.host}/corrupt/base:latest`;
    assert.equal((await pareInProcess(['push', `${join(work, 'corrupt-remote')}:latest`, ref, '--insecure'])).code, 0);
    const hex = img.layers[0]!.digest.slice(7);
    const data = join(registry!.dataDir, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
    const bytes = await readFile(data);
    bytes[100]! ^= 0xff;
    await writeFile(data, bytes);
    const r = await build(['python3.11'], `base: ${ref}\n`, ['--insecure']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /error\[REGISTRY_HTTP\]/);
    assert.match(r.stderr, new RegExp(`want ${img.layers[0]!.digest}`));
    assert.equal(existsSync(r.out), false);
  });

  it('a dependency the base satisfies only with an older version is a clear error', async () => {
    const r = await build(['needs-new-libc'], `base: oci:${baseLayout}:latest\n`);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /error\[UNSATISFIABLE\]/);
    assert.match(r.stderr, /base image has libc6 2\.36-9/);
    assert.equal(existsSync(r.out), false);
  });

  it('a package file that collides with a base file names both', async () => {
    const r = await build(['clash'], `base: oci:${baseLayout}:latest\n`);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /error\[FILE_CONFLICT\]/);
    assert.match(r.stderr, /etc\/debian_version/);
    assert.match(r.stderr, /base image oci:/);
    assert.match(r.stderr, /clash/);
    assert.equal(existsSync(r.out), false);
  });

  it('bad bases fail with IMAGE_READ and leave no output', async () => {
    const notImage = join(work, 'not-an-image');
    await mkdir(notImage, { recursive: true });
    await writeFile(join(notImage, 'hello.txt'), 'hi');

    const corrupt = join(work, 'corrupt');
    await cp(baseLayout, corrupt, { recursive: true });
    const big = join(corrupt, 'blobs/sha256', baseLayers.find((d) => d)!.slice(7));
    const bytes = await readFile(big);
    bytes[bytes.length - 5]! ^= 0xff;
    await writeFile(big, bytes);

    const bare = join(work, 'bare');
    await writeLayout(bare, await randomImage('bare'), { tag: 'latest' });
    const arm = join(work, 'arm');
    await writeLayout(arm, await randomImage('arm', [4096], 'arm64'), { tag: 'latest' });

    for (const [ref, pattern] of [
      [`oci:${notImage}`, /cannot be read as an image/],
      [`oci:${corrupt}:latest`, /cannot be read as an image/],
      [`oci:${bare}:latest`, /no package metadata/],
      [`oci:${arm}:latest`, /arm64/],
      [`docker-archive:${join(work, 'missing.tar')}`, /cannot be read as an image/],
    ] as const) {
      const r = await build(['python3.11'], `base: ${ref}\n`);
      assert.equal(r.code, 1, `${ref}: ${r.stderr}`);
      assert.match(r.stderr, /error\[IMAGE_READ\]/, ref);
      assert.match(r.stderr, pattern, ref);
      assert.match(r.stderr, /hint: /);
      assert.equal(existsSync(r.out), false, `${ref}: no output`);
    }
  });
});
