/**
 * Multi-architecture images from the real Debian mirror: one config, one
 * image per architecture, one OCI image index with correct platforms.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pare } from '../helpers/cli.js';
import { skopeo, validateImage } from '../helpers/image.js';
import { run } from '../helpers/tools.js';

const EM_X86_64 = 62;
const EM_AARCH64 = 183;

function elfMachine(bytes: Buffer): number {
  assert.equal(bytes.subarray(0, 4).toString('latin1'), '\x7fELF');
  return bytes.readUInt16LE(18);
}

describe('e2e: multi-arch (amd64 + arm64)', { timeout: 600_000 }, () => {
  let work: string;
  let out: string;
  let digest: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'pare-multi-'));
    const config = join(work, 'pare.yaml');
    await writeFile(
      config,
      'contents:\n  repositories:\n    - suites: [bookworm, bookworm-updates]\n    - suites: [bookworm-security]\n  packages: [base-files, libc6]\n  exclude: [mawk]\narchs: [amd64, arm64]\n',
    );
    out = join(work, 'out');
    const r = await pare(['build', config, '-o', out, '--cache-dir', join(work, 'cache')]);
    assert.equal(r.code, 0, r.stderr);
    digest = r.stdout.trim();
    const lock = await pare(['lock', config, '--cache-dir', join(work, 'cache')]);
    assert.equal(lock.code, 0, lock.stderr);
  });
  after(() => rm(work, { recursive: true, force: true }));

  it('writes an image index listing both platforms', async () => {
    const index = JSON.parse(await skopeo(['inspect', '--raw', `oci:${out}:latest`])) as {
      mediaType: string;
      manifests: Array<{ platform: { architecture: string; variant?: string } }>;
    };
    assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.deepEqual(
      index.manifests.map((m) => [m.platform.architecture, m.platform.variant]),
      [
        ['amd64', undefined],
        ['arm64', 'v8'],
      ],
    );
    const v = await validateImage(out, 'latest');
    assert.equal(v.digest, digest);
    assert.equal(v.manifests.length, 2);
  });

  it('the arm64 image holds aarch64 binaries, the amd64 image x86-64 ones; skopeo --override-arch selects them', async () => {
    for (const [arch, machine, libdir] of [
      ['arm64', EM_AARCH64, 'aarch64-linux-gnu'],
      ['amd64', EM_X86_64, 'x86_64-linux-gnu'],
    ] as const) {
      const copy = join(work, `copy-${arch}`);
      await skopeo(['--override-arch', arch, 'copy', `oci:${out}:latest`, `oci:${copy}:x`]);
      const cfg = JSON.parse(await skopeo(['inspect', '--config', `oci:${copy}:x`])) as { architecture: string };
      assert.equal(cfg.architecture, arch);
      const bundle = join(work, `bundle-${arch}`);
      await run('umoci', ['unpack', '--image', `${copy}:x`, bundle]);
      assert.equal(elfMachine(await readFile(join(bundle, 'rootfs/lib', libdir, 'libc.so.6'))), machine);
    }
  });

  it('the lock file pins packages for both architectures', async () => {
    const lock = JSON.parse(await readFile(join(work, 'pare.lock.json'), 'utf8')) as {
      archs: Record<string, { packages: Array<{ name: string; architecture: string }> }>;
    };
    assert.deepEqual(Object.keys(lock.archs).sort(), ['amd64', 'arm64']);
    assert.equal(lock.archs.arm64!.packages.find((p) => p.name === 'libc6')!.architecture, 'arm64');
    const again = await pare([
      'build',
      join(work, 'pare.yaml'),
      '--locked',
      '-o',
      join(work, 'locked'),
      '--cache-dir',
      join(work, 'cache-2'),
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.trim(), digest);
  });
});
