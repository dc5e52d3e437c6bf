import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { hasCode } from '../../src/errors.js';
import { isImageIndex, makeIndex } from '../../src/oci/image-index.js';
import type { Layer } from '../../src/oci/layer.js';
import { makeImage, type Image } from '../../src/oci/manifest.js';
import { readLayout, writeLayout } from '../../src/oci/layout.js';
import { FIXED_TIME, probeImage, validateImage } from '../helpers/image.js';
import { runImage } from '../helpers/runc.js';
import { run } from '../helpers/tools.js';

let work: string;
let probe: Image;

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'pare-layout-'));
  probe = await probeImage();
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

async function listTree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

/** Names in `parent` that look like pare temporaries. */
async function leftovers(parent: string): Promise<string[]> {
  return (await readdir(parent)).filter((n) => n.includes('.pare-tmp-'));
}

function brokenLayer(base: Layer, mode: 'error' | 'lie'): Layer {
  return {
    ...base,
    digest: mode === 'lie' ? `sha256:${'0'.repeat(64)}` : base.digest,
    open: async () => {
      if (mode === 'lie') return base.open();
      let sent = false;
      return new Readable({
        read() {
          if (!sent) {
            sent = true;
            this.push(Buffer.alloc(1000, 1));
          } else this.destroy(new Error('disk on fire'));
        },
      });
    },
  };
}

function withLayer(img: Image, layer: Layer): Image {
  return { ...img, layers: [layer] };
}

describe('writeLayout', () => {
  it('writes a layout skopeo accepts and readLayout reads back', async () => {
    const dir = path.join(work, 'probe');
    const { digest } = await writeLayout(dir, probe, { tag: 'v1' });
    assert.equal(digest, probe.digest);
    const v = await validateImage(dir, 'v1');
    assert.equal(v.digest, probe.digest);
    assert.deepEqual(v.config.config.Entrypoint, ['/bin/probe']);
    assert.deepEqual(JSON.parse(await readFile(path.join(dir, 'oci-layout'), 'utf8')), { imageLayoutVersion: '1.0.0' });

    const back = await readLayout(dir, 'v1');
    assert.ok(!isImageIndex(back));
    assert.equal(back.digest, probe.digest);
    assert.deepEqual(back.configBytes, probe.configBytes);
    assert.deepEqual(back.platform, { architecture: 'amd64', os: 'linux' });
    const chunks: Buffer[] = [];
    for await (const c of await back.layers[0]!.open()) chunks.push(c as Buffer);
    assert.deepEqual(Buffer.concat(chunks), (probe.layers[0] as Layer & { bytes: Buffer }).bytes);
    assert.equal((await readLayout(dir)).digest, probe.digest, 'a single entry needs no ref');
  });

  it('writes byte-identical layouts on every run', async () => {
    const a = path.join(work, 'det-a');
    const b = path.join(work, 'det-b');
    await writeLayout(a, await probeImage(), { tag: 't' });
    await writeLayout(b, await probeImage(), { tag: 't' });
    const files = await listTree(a);
    assert.deepEqual(await listTree(b), files);
    for (const f of files) {
      if (f.startsWith('blobs/sha256/') || f === 'index.json') {
        assert.deepEqual(await readFile(path.join(b, f)), await readFile(path.join(a, f)), f);
      }
    }
  });

  it('is unpacked by umoci and RUNS under runc', async () => {
    const dir = path.join(work, 'run');
    await writeLayout(dir, probe, { tag: 'latest' });
    const r = await runImage(dir, { tag: 'latest' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'uid=0 gid=0\ncwd=/tmp\nargv[0]=/bin/probe\nhello from the image\n');
    const r2 = await runImage(`${dir}:latest`, { args: ['one', '$PATH', 'exit=7'] });
    assert.equal(r2.code, 7);
    assert.match(r2.stdout, /argv\[1\]=one\nPATH=\/usr\/local\/sbin:.*\/bin\n$/);
  });

  it('runs as user 65532 from the image config (and as an override)', async () => {
    const dir = path.join(work, 'nonroot');
    await writeLayout(dir, await probeImage({ user: '65532', cmd: ['@/etc/secret'], workingDir: '/home/nonroot' }), {
      tag: 'nonroot',
    });
    const r = await runImage(dir, { tag: 'nonroot' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'uid=65532 gid=65532\ncwd=/home/nonroot\nargv[0]=/bin/probe\nfor nonroot only\n');
    // the root image, run as 65532 by override
    const r2 = await runImage(path.join(work, 'run'), { tag: 'latest', user: '65532', args: ['@/etc/hello'] });
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal(r2.stdout, 'uid=65532 gid=65532\ncwd=/tmp\nargv[0]=/bin/probe\nhello from the image\n');
  });

  it('writes a multi-platform index that skopeo resolves', async () => {
    const dir = path.join(work, 'multi');
    const arm = await probeImage({ architecture: 'arm64' });
    const idx = makeIndex({ manifests: [probe, arm] });
    const { digest } = await writeLayout(dir, idx, { tag: 'multi' });
    assert.equal(digest, idx.digest);
    const v = await validateImage(dir, 'multi');
    assert.deepEqual(v.manifests, [probe.digest, arm.digest]);
    assert.equal(v.config.architecture, 'amd64');
    const r = await runImage(dir, { tag: 'multi' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /hello from the image/);
    const back = await readLayout(dir, 'multi');
    assert.ok(isImageIndex(back));
    assert.deepEqual(
      back.manifests.map((m) => m.platform),
      [
        { architecture: 'amd64', os: 'linux' },
        { architecture: 'arm64', os: 'linux', variant: 'v8' },
      ],
    );
  });

  it('replaces an existing layout (and an empty directory)', async () => {
    const dir = path.join(work, 'replace');
    await writeLayout(dir, probe, { tag: 'old' });
    const other = await probeImage({ cmd: ['replaced'] });
    await writeLayout(dir, other, { tag: 'new' });
    assert.equal((await readLayout(dir, 'new')).digest, other.digest);
    await assert.rejects(readLayout(dir, 'old'), (e) => hasCode(e, 'IMAGE_READ'));
    await validateImage(dir, 'new');
    assert.deepEqual(await leftovers(work), []);

    const empty = path.join(work, 'empty');
    await mkdir(empty);
    await writeLayout(empty, probe, { tag: 'x' });
    assert.equal((await readLayout(empty)).digest, probe.digest);
  });

  it('refuses a non-layout directory or a file with OUTPUT_EXISTS and leaves it untouched', async () => {
    const dir = path.join(work, 'precious');
    await mkdir(dir);
    await writeFile(path.join(dir, 'notes.txt'), 'keep me');
    await assert.rejects(
      writeLayout(dir, probe, { tag: 'x' }),
      (e) => hasCode(e, 'OUTPUT_EXISTS') && e.hint !== undefined,
    );
    assert.deepEqual(await readdir(dir), ['notes.txt']);
    assert.equal(await readFile(path.join(dir, 'notes.txt'), 'utf8'), 'keep me');

    const file = path.join(work, 'a-file');
    await writeFile(file, 'data');
    await assert.rejects(writeLayout(file, probe), (e) => hasCode(e, 'OUTPUT_EXISTS'));
    assert.equal(await readFile(file, 'utf8'), 'data');
    assert.deepEqual(await leftovers(work), []);
  });

  it('leaves nothing at the target when a blob fails mid-write', async () => {
    const dir = path.join(work, 'fail');
    await assert.rejects(
      writeLayout(dir, withLayer(probe, brokenLayer(probe.layers[0]!, 'error')), { tag: 'x' }),
      (e) => hasCode(e, 'OUTPUT_WRITE'),
    );
    await assert.rejects(readdir(dir), { code: 'ENOENT' });
    await assert.rejects(writeLayout(dir, withLayer(probe, brokenLayer(probe.layers[0]!, 'lie'))), (e) =>
      hasCode(e, 'HASH_MISMATCH'),
    );
    await assert.rejects(readdir(dir), { code: 'ENOENT' });
    assert.deepEqual(await leftovers(work), []);
  });

  it('keeps the old layout when writing its replacement fails', async () => {
    const dir = path.join(work, 'keep-old');
    await writeLayout(dir, probe, { tag: 'old' });
    const before = await listTree(dir);
    await assert.rejects(writeLayout(dir, withLayer(probe, brokenLayer(probe.layers[0]!, 'error')), { tag: 'new' }));
    assert.deepEqual(await listTree(dir), before);
    assert.equal((await readLayout(dir, 'old')).digest, probe.digest);
    assert.deepEqual(await leftovers(work), []);
  });

  it('rejects an invalid tag with USAGE before touching the disk', async () => {
    const dir = path.join(work, 'badtag');
    await assert.rejects(writeLayout(dir, probe, { tag: 'has space' }), (e) => hasCode(e, 'USAGE'));
    await assert.rejects(readdir(dir), { code: 'ENOENT' });
  });
});

describe('readLayout', () => {
  it('fails with IMAGE_READ for a missing tag or a non-layout', async () => {
    await assert.rejects(readLayout(path.join(work, 'probe'), 'nope'), (e) => hasCode(e, 'IMAGE_READ'));
    await assert.rejects(readLayout(work), (e) => hasCode(e, 'IMAGE_READ'));
  });

  it('detects a corrupted layer while streaming it (HASH_MISMATCH)', async () => {
    const dir = path.join(work, 'corrupt');
    await writeLayout(dir, probe, { tag: 'c' });
    const layerFile = path.join(dir, 'blobs', 'sha256', probe.layers[0]!.digest.slice(7));
    const bytes = await readFile(layerFile);
    bytes[bytes.length - 20]! ^= 0xff;
    await writeFile(layerFile, bytes);
    const img = await readLayout(dir, 'c');
    assert.ok(!isImageIndex(img));
    await assert.rejects(
      (async () => {
        for await (const _ of await img.layers[0]!.open()) void _;
      })(),
      (e) => hasCode(e, 'HASH_MISMATCH'),
    );
  });
});

describe('makeImage + writeLayout with several layers', () => {
  it('keeps layer order and history', async () => {
    const dir = path.join(work, 'two');
    const img = makeImage({
      layers: [probe.layers[0]!, probe.layers[0]!],
      config: { architecture: 'amd64', created: FIXED_TIME, entrypoint: ['/bin/probe'] },
      history: ['first', 'second'],
    });
    await writeLayout(dir, img, { tag: 'two' });
    const v = await validateImage(dir, 'two');
    assert.deepEqual(
      (v.config.history as { created_by: string }[]).map((h) => h.created_by),
      ['first', 'second'],
    );
    const { stdout } = await run('umoci', ['stat', '--image', `${dir}:two`, '--json']);
    assert.equal((JSON.parse(stdout) as { history: unknown[] }).history.length, 2);
  });
});
