import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { hasCode } from '../../src/errors.js';
import { normalizeRepoTag, writeDockerArchive } from '../../src/oci/docker-archive.js';
import { readLayout } from '../../src/oci/layout.js';
import type { Layer } from '../../src/oci/layer.js';
import type { Image } from '../../src/oci/manifest.js';
import { probeImage, skopeo, validateImage } from '../helpers/image.js';
import { run } from '../helpers/tools.js';

let work: string;
let probe: Image;

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'pare-docker-archive-'));
  probe = await probeImage();
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

const hex = (d: string): string => d.slice('sha256:'.length);
const leftovers = async (dir: string): Promise<string[]> =>
  (await readdir(dir)).filter((n) => n.includes('.pare-tmp-'));

describe('writeDockerArchive', () => {
  it('writes manifest.json + an OCI layout in one deterministic tarball', async () => {
    const file = path.join(work, 'probe.tar');
    const { digest } = await writeDockerArchive(file, probe, { tag: 'pare-test' });
    assert.equal(digest, probe.digest);
    const { stdout } = await run('tar', ['-tf', file]);
    const blobs = [...new Set([...probe.layers.map((l) => l.digest), probe.configDigest, probe.digest])].map(
      (d) => `blobs/sha256/${hex(d)}`,
    );
    assert.deepEqual(stdout.trim().split('\n'), [
      'blobs/',
      'blobs/sha256/',
      ...blobs,
      'index.json',
      'manifest.json',
      'oci-layout',
    ]);
    const manifest = JSON.parse((await run('tar', ['-xOf', file, 'manifest.json'])).stdout);
    assert.deepEqual(manifest, [
      {
        Config: `blobs/sha256/${hex(probe.configDigest)}`,
        RepoTags: ['pare-test:latest'],
        Layers: probe.layers.map((l) => `blobs/sha256/${hex(l.digest)}`),
      },
    ]);
    const again = path.join(work, 'again.tar');
    await writeDockerArchive(again, await probeImage(), { tag: 'pare-test' });
    assert.equal(sha(await readFile(again)), sha(await readFile(file)), 'byte-identical archives');
  });

  it('is read by skopeo copy docker-archive: with the same config digest', async () => {
    const file = path.join(work, 'skopeo.tar');
    await writeDockerArchive(file, probe, { tag: 'pare-test:v1' });
    const out = path.join(work, 'copied');
    await skopeo(['copy', '--quiet', `docker-archive:${file}`, `oci:${out}:v1`]);
    const v = await validateImage(out, 'v1');
    assert.equal(v.manifest.config.digest, probe.configDigest);
    const copied = await readLayout(out, 'v1');
    assert.ok('config' in copied);
    assert.deepEqual(copied.config.rootfs.diff_ids, probe.config.rootfs.diff_ids);
  });

  it('is also a valid OCI layout once extracted', async () => {
    const file = path.join(work, 'layout.tar');
    await writeDockerArchive(file, probe, { tag: 'pare-test:v2' });
    const dir = path.join(work, 'extracted');
    await mkdir(dir);
    await run('tar', ['-xf', file, '-C', dir]);
    const v = await validateImage(dir, 'pare-test:v2');
    assert.equal(v.digest, probe.digest);
  });

  it('is loaded and run by podman (installed by scripts/install-test-tools.sh)', async () => {
    const file = path.join(work, 'podman.tar');
    await writeDockerArchive(file, probe, { tag: 'pare-test:podman' });
    const store = await mkdtemp(path.join(tmpdir(), 'pare-podman-'));
    const podman = (args: string[]) =>
      run(
        'podman',
        [
          '--root',
          path.join(store, 'root'),
          '--runroot',
          path.join(store, 'run'),
          '--storage-driver',
          'vfs',
          '--cgroup-manager',
          'cgroupfs',
          ...args,
        ],
        {
          timeout: 120_000,
        },
      );
    try {
      const load = await podman(['load', '-i', file]);
      assert.match(load.stdout, /Loaded image: localhost\/pare-test:podman/);
      const id = (
        await podman(['image', 'inspect', '--format', '{{.Id}}', 'localhost/pare-test:podman'])
      ).stdout.trim();
      assert.equal(`sha256:${id}`, probe.configDigest);
      // This sandbox refuses to raise rlimits, so pass low ones explicitly.
      const r = await podman([
        'run',
        '--rm',
        '--runtime',
        'runc',
        '--network',
        'none',
        '--ulimit',
        'nofile=1024:1024',
        '--ulimit',
        'nproc=1024:1024',
        'localhost/pare-test:podman',
      ]);
      assert.equal(r.stdout, 'uid=0 gid=0\ncwd=/tmp\nargv[0]=/bin/probe\nhello from the image\n');
    } finally {
      await podman(['rmi', '--all', '--force']).catch(() => undefined);
      await rm(store, { recursive: true, force: true });
    }
  });

  it('replaces a file but refuses a directory with OUTPUT_EXISTS', async () => {
    const file = path.join(work, 'existing.tar');
    await writeFile(file, 'old');
    await writeDockerArchive(file, probe, { tag: 'x' });
    assert.notEqual(await readFile(file, 'utf8'), 'old');

    const dir = path.join(work, 'a-dir.tar');
    await mkdir(dir);
    await writeFile(path.join(dir, 'keep'), 'me');
    await assert.rejects(writeDockerArchive(dir, probe, { tag: 'x' }), (e) => hasCode(e, 'OUTPUT_EXISTS'));
    assert.deepEqual(await readdir(dir), ['keep']);
    assert.deepEqual(await leftovers(work), []);
  });

  it('leaves nothing behind when a blob fails or lies', async () => {
    const file = path.join(work, 'broken.tar');
    const failing: Layer = {
      ...probe.layers[0]!,
      open: async () =>
        new Readable({
          read() {
            this.destroy(new Error('source vanished'));
          },
        }),
    };
    await assert.rejects(writeDockerArchive(file, { ...probe, layers: [failing] }, { tag: 'x' }), (e) =>
      hasCode(e, 'OUTPUT_WRITE'),
    );
    await assert.rejects(readFile(file), { code: 'ENOENT' });
    const lying: Layer = { ...probe.layers[0]!, size: probe.layers[0]!.size - 1 };
    await assert.rejects(writeDockerArchive(file, { ...probe, layers: [lying] }, { tag: 'x' }), (e) =>
      hasCode(e, 'SIZE_MISMATCH'),
    );
    await assert.rejects(readFile(file), { code: 'ENOENT' });
    assert.deepEqual(await leftovers(work), []);
  });

  it('normalizes tags and rejects bad ones with USAGE', () => {
    assert.equal(normalizeRepoTag('app'), 'app:latest');
    assert.equal(normalizeRepoTag('localhost:5000/app'), 'localhost:5000/app:latest');
    assert.equal(normalizeRepoTag('team/app:1.2'), 'team/app:1.2');
    assert.throws(
      () => normalizeRepoTag('bad tag'),
      (e) => hasCode(e, 'USAGE'),
    );
  });
});

function sha(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
