import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasCode } from '../../src/errors.js';
import { sha256 } from '../../src/oci/digest.js';
import { allBlobs, makeIndex } from '../../src/oci/image-index.js';
import { buildLayer } from '../../src/oci/layer.js';
import { makeImage } from '../../src/oci/manifest.js';
import { MEDIA } from '../../src/oci/media.js';
import type { TreeEntry } from '../../src/tree/types.js';

const T = 1_700_000_000;
const tree: TreeEntry[] = [
  { path: 'etc', type: 'dir', mode: 0o755, uid: 0, gid: 0 },
  { path: 'etc/os-release', type: 'file', mode: 0o644, uid: 0, gid: 0, data: Buffer.from('ID=test\n') },
];

async function image(arch = 'amd64', compression: 'gzip' | 'none' = 'gzip') {
  const layer = await buildLayer(tree, { mtime: T, compression });
  return makeImage({
    layers: [layer],
    config: { architecture: arch, created: T, entrypoint: ['/bin/app'] },
    annotations: { 'org.opencontainers.image.source': 'test', 'a.first': 'x' },
  });
}

describe('makeImage', () => {
  it('serializes the manifest deterministically and names every blob', async () => {
    const img = await image();
    assert.equal(img.digest, sha256(img.manifestBytes));
    assert.equal(img.configDigest, sha256(img.configBytes));
    const m = JSON.parse(img.manifestBytes.toString());
    assert.deepEqual(Object.keys(m), ['schemaVersion', 'mediaType', 'config', 'layers', 'annotations']);
    assert.deepEqual(Object.keys(m.annotations), ['a.first', 'org.opencontainers.image.source']);
    assert.deepEqual(m.config, { mediaType: MEDIA.config, digest: img.configDigest, size: img.configBytes.length });
    assert.deepEqual(m.layers, [
      { mediaType: MEDIA.layerGzip, digest: img.layers[0]!.digest, size: img.layers[0]!.size },
    ]);
    assert.deepEqual(img.config.rootfs.diff_ids, [img.layers[0]!.diffId]);
    assert.deepEqual(img.platform, { architecture: 'amd64', os: 'linux' });
    assert.equal((await image()).digest, img.digest, 'same inputs, same digest');
  });

  it('has stable golden digests (uncompressed layers: independent of zlib)', async () => {
    const img = await image('amd64', 'none');
    assert.equal(img.layers[0]!.diffId, 'sha256:ceadc324cccc475faffa61fe41595fd5d900b3857b790dca1ffba7df7d8f9c9a');
    assert.equal(img.configDigest, 'sha256:8e1b36e5b46309784a206191bb9ec8ac0be33b5633cda8a02314057b75d165f9');
    assert.equal(img.digest, 'sha256:c32dabc0f59852ddab94994dcb3c2dc75ba59ff288686e4b08046d0f4e67e7e4');
  });

  it('checks the history length', async () => {
    const layer = await buildLayer(tree, { mtime: T });
    assert.throws(
      () => makeImage({ layers: [layer], config: { architecture: 'amd64', created: T }, history: [] }),
      (e) => hasCode(e, 'USAGE'),
    );
  });
});

describe('makeIndex', () => {
  it('lists each image with its platform and deduplicates shared blobs', async () => {
    const amd = await image('amd64');
    const arm = await image('arm64');
    const idx = makeIndex({ manifests: [amd, arm], annotations: { 'org.opencontainers.image.ref.name': 'v1' } });
    assert.equal(idx.digest, sha256(idx.indexBytes));
    const parsed = JSON.parse(idx.indexBytes.toString());
    assert.equal(parsed.mediaType, MEDIA.index);
    assert.deepEqual(parsed.manifests, [
      {
        mediaType: MEDIA.manifest,
        digest: amd.digest,
        size: amd.manifestBytes.length,
        platform: { architecture: 'amd64', os: 'linux' },
      },
      {
        mediaType: MEDIA.manifest,
        digest: arm.digest,
        size: arm.manifestBytes.length,
        platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
      },
    ]);
    assert.deepEqual(parsed.annotations, { 'org.opencontainers.image.ref.name': 'v1' });
    // same layer in both: 1 layer + 2 configs + 2 manifests + 1 index
    assert.equal(allBlobs(idx).length, 6);
    assert.equal(allBlobs(idx).at(-1)!.digest, idx.digest);
  });

  it('refuses two images for one platform', async () => {
    const amd = await image('amd64');
    assert.throws(
      () => makeIndex({ manifests: [amd, amd] }),
      (e) => hasCode(e, 'USAGE'),
    );
  });
});
