/**
 * End to end: examples/python3.yaml built with `base:` pointing at
 * examples/base, from the host's Debian mirror — once from the OCI layout,
 * once from a docker-archive, once from a real docker-registry. Each keeps
 * the base's layer digests, adds layers holding only the packages the base
 * lacks (their status.d entries name no base package), inherits the base's
 * user and runs `python3 -c` under runc as 65532, and its SBOM lists base
 * and new packages.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { pare, REPO_ROOT } from '../helpers/cli.js';
import { startRegistry, type Registry } from '../helpers/registry.js';
import { runImage } from '../helpers/runc.js';

const run = promisify(execFile);

interface Manifest {
  layers: Array<{ digest: string }>;
  config: { digest: string };
}

async function manifestOf(layout: string): Promise<Manifest> {
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: [{ digest: string }] };
  const blob = join(layout, 'blobs/sha256', index.manifests[0].digest.slice(7));
  return JSON.parse(await readFile(blob, 'utf8')) as Manifest;
}

/** Package names with a status.d entry in one layer blob. */
async function statusNames(layout: string, digest: string): Promise<string[]> {
  const { stdout } = await run('tar', ['-tzf', join(layout, 'blobs/sha256', digest.slice(7))], {
    maxBuffer: 64 << 20,
  });
  return stdout
    .split('\n')
    .map((l) => /^(?:\.\/)?var\/lib\/dpkg\/status\.d\/([^/]+)$/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined && !n.endsWith('.md5sums'));
}

describe('e2e: python3 on examples/base as base: (layout, docker-archive, registry)', { timeout: 1_500_000 }, () => {
  let work: string;
  let cache: string;
  let baseLayout: string;
  let baseArchive: string;
  let baseLayers: string[];
  let basePackages: string[];
  let registry: Registry;
  let remote: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'pare-e2e-base-'));
    cache = join(work, 'cache');
    baseLayout = join(work, 'base');
    baseArchive = join(work, 'base.tar');
    const b = await pare(
      [
        'build',
        join(REPO_ROOT, 'examples/base.yaml'),
        '-o',
        baseLayout,
        '--tarball',
        baseArchive,
        '--cache-dir',
        cache,
        '-q',
      ],
      { timeoutMs: 600_000 },
    );
    assert.equal(b.code, 0, b.stderr);
    const m = await manifestOf(baseLayout);
    baseLayers = m.layers.map((l) => l.digest);
    basePackages = (await Promise.all(baseLayers.map((d) => statusNames(baseLayout, d)))).flat().sort();
    assert.ok(basePackages.includes('libc6') && basePackages.includes('libssl3'), basePackages.join(' '));
    registry = await startRegistry();
    remote = `${registry.host}/distroless/base:12`;
    const p = await pare(['push', `${baseLayout}:latest`, remote, '--insecure']);
    assert.equal(p.code, 0, p.stderr);
  });
  after(async () => {
    await registry?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  for (const kind of ['oci', 'docker-archive', 'registry'] as const) {
    it(`python3 on base from ${kind}: base layers kept, only missing packages added, runs as 65532`, async () => {
      const ref =
        kind === 'oci' ? `oci:${baseLayout}:latest` : kind === 'registry' ? remote : `docker-archive:${baseArchive}`;
      const doc = parse(await readFile(join(REPO_ROOT, 'examples/python3.yaml'), 'utf8')) as Record<string, unknown>;
      const file = join(work, `python3-on-${kind}.yaml`);
      await writeFile(file, stringify({ ...doc, base: ref }));
      const out = join(work, `python3-${kind}`);
      const args = [
        'build',
        file,
        '-o',
        out,
        '--cache-dir',
        cache,
        '-q',
        ...(kind === 'registry' ? ['--insecure'] : []),
      ];
      const r = await pare(args, { timeoutMs: 600_000 });
      assert.equal(r.code, 0, r.stderr);

      const m = await manifestOf(out);
      assert.deepEqual(
        m.layers.slice(0, baseLayers.length).map((l) => l.digest),
        baseLayers,
        'base layers kept',
      );
      const added = (
        await Promise.all(m.layers.slice(baseLayers.length).map((l) => statusNames(out, l.digest)))
      ).flat();
      assert.ok(added.includes('python3.11-minimal'), added.join(' '));
      assert.deepEqual(
        added.filter((n) => basePackages.includes(n)),
        [],
        'no package of the base is installed again',
      );

      const py = await runImage(out, {
        tag: 'latest',
        timeoutMs: 60_000,
        argv: [
          '/usr/bin/python3',
          '-c',
          'import os, ssl, sys; print(os.getuid(), ssl.OPENSSL_VERSION, sys.version_info[0])',
        ],
      });
      assert.equal(py.code, 0, py.stderr);
      assert.match(py.stdout, /^65532 OpenSSL 3\.\S+ .* 3$/m);

      const sbomFile = join(work, `sbom-${kind}.json`);
      const s = await pare(['sbom', `${out}:latest`, '--format', 'spdx', '-o', sbomFile]);
      assert.equal(s.code, 0, s.stderr);
      const names = new Set(
        (JSON.parse(await readFile(sbomFile, 'utf8')) as { packages: Array<{ name: string }> }).packages.map(
          (p) => p.name,
        ),
      );
      for (const p of ['libc6', 'libssl3', 'tzdata', 'python3.11-minimal', 'libpython3.11-stdlib'])
        assert.ok(names.has(p), `${p} in the SBOM`);
    });
  }
});
