/** Pushing to the real docker-registry (open, over http on 127.0.0.1), through a recording proxy. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasCode } from '../../../src/errors.js';
import { makeIndex } from '../../../src/oci/image-index.js';
import { RegistryClient, getManifest, headBlob, pushImage } from '../../../src/oci/registry/index.js';
import { skopeo } from '../../helpers/image.js';
import {
  blobPuts,
  mounts,
  randomImage,
  startProxy,
  startRegistry,
  type Proxy,
  type Registry,
} from '../../helpers/registry.js';

const fast = { retry: { attempts: 3, baseMs: 10, maxMs: 50 } };

describe('registry push (open registry)', () => {
  let reg: Registry;
  let proxy: Proxy;
  let tmp: string;
  before(async () => {
    reg = await startRegistry();
    proxy = await startProxy(reg);
    tmp = await mkdtemp(path.join(tmpdir(), 'pare-push-'));
  });
  after(async () => {
    await proxy?.close();
    await reg?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('pushes an image that skopeo inspects and copies back with the same digest', async () => {
    const img = await randomImage('first', [300_000, 5000]);
    const res = await pushImage(`${proxy.host}/team/app:1.0`, img, { insecure: true, ...fast });
    assert.equal(res.digest, img.digest);
    assert.equal(res.reference, `${proxy.host}/team/app:1.0@${img.digest}`);
    assert.deepEqual(Object.values(res.blobs).sort(), ['uploaded', 'uploaded', 'uploaded']);
    const info = JSON.parse(await skopeo(['inspect', '--tls-verify=false', `docker://${reg.host}/team/app:1.0`])) as {
      Digest: string;
      Layers: string[];
    };
    assert.equal(info.Digest, img.digest);
    assert.deepEqual(
      info.Layers,
      img.layers.map((l) => l.digest),
    );
    const out = path.join(tmp, 'copy');
    await skopeo(['copy', '--src-tls-verify=false', `docker://${reg.host}/team/app:1.0`, `oci:${out}:back`]);
    const raw = await skopeo(['inspect', '--raw', `oci:${out}:back`]);
    assert.equal(raw, img.manifestBytes.toString());
    assert.deepEqual(proxy.violations, []);
  });

  it('pushing the same image again uploads no blob', async () => {
    const img = await randomImage('first', [300_000, 5000]);
    const before = blobPuts(proxy).length;
    const res = await pushImage(`${proxy.host}/team/app:1.0`, img, { insecure: true, ...fast });
    assert.equal(res.digest, img.digest);
    assert.equal(blobPuts(proxy).length, before);
    assert.deepEqual(Object.values(res.blobs), ['present', 'present', 'present']);
  });

  it('a second repository gets the layers by mount (client memory or mountFrom)', async () => {
    const img = await randomImage('mounted', [200_000]);
    const client = new RegistryClient({ insecure: true, ...fast });
    await pushImage(`${proxy.host}/one/app:v1`, img, { client });
    const puts = blobPuts(proxy).length;
    const res = await pushImage(`${proxy.host}/two/app:v1`, img, { client });
    assert.deepEqual(Object.values(res.blobs), ['mounted', 'mounted']);
    assert.equal(blobPuts(proxy).length, puts, 'no upload');
    // A fresh client learns the source from mountFrom.
    const res3 = await pushImage(`${proxy.host}/three/app:v1`, img, {
      insecure: true,
      mountFrom: ['one/app'],
      ...fast,
    });
    assert.deepEqual(Object.values(res3.blobs), ['mounted', 'mounted']);
    assert.ok(mounts(proxy).length >= 4);
    const info = JSON.parse(await skopeo(['inspect', '--tls-verify=false', `docker://${reg.host}/three/app:v1`])) as {
      Digest: string;
    };
    assert.equal(info.Digest, img.digest);
  });

  it('a mount source without the blob falls back to an upload (202)', async () => {
    const img = await randomImage('no-source', [10_000]);
    const res = await pushImage(`${proxy.host}/four/app:v1`, img, {
      insecure: true,
      mountFrom: ['nowhere/app'],
      ...fast,
    });
    assert.deepEqual(Object.values(res.blobs), ['uploaded', 'uploaded']);
    assert.ok(await headBlob(`${reg.host}/four/app`, img.layers[0]!.digest, { insecure: true }));
  });

  it('pushes an index: children by digest before the index, which skopeo resolves per platform', async () => {
    const amd = await randomImage('idx-amd64', [20_000], 'amd64');
    const arm = await randomImage('idx-arm64', [20_000], 'arm64');
    const index = makeIndex({ manifests: [amd, arm] });
    const res = await pushImage(`${proxy.host}/multi/app:latest`, index, { insecure: true, ...fast });
    assert.equal(res.digest, index.digest);
    const puts = proxy.records.filter((r) => r.method === 'PUT' && r.path.startsWith('/v2/multi/app/manifests/'));
    assert.deepEqual(
      puts
        .slice(0, 2)
        .map((r) => r.path.split('/').pop())
        .sort(),
      [amd.digest, arm.digest].sort(),
      'children first',
    );
    assert.equal(puts.length, 3);
    assert.equal(puts[2]!.path, '/v2/multi/app/manifests/latest', 'the index last');
    const raw = await skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/multi/app:latest`]);
    assert.equal(raw, index.indexBytes.toString());
    const arm64 = JSON.parse(
      await skopeo([
        'inspect',
        '--override-arch',
        'arm64',
        '--tls-verify=false',
        `docker://${reg.host}/multi/app:latest`,
      ]),
    ) as { Architecture: string; Layers: string[] };
    assert.equal(arm64.Architecture, 'arm64');
    assert.deepEqual(
      arm64.Layers,
      arm.layers.map((l) => l.digest),
    );
    const m = await getManifest(`${reg.host}/multi/app@${arm.digest}`, { insecure: true });
    assert.equal(m.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    assert.deepEqual(m.bytes, arm.manifestBytes);
    assert.deepEqual(proxy.violations, []);
  });

  it('chunked uploads (PATCH with Content-Range) for blobs larger than chunkSize', async () => {
    const img = await randomImage('chunked', [700_000]);
    const before = proxy.records.length;
    const res = await pushImage(`${proxy.host}/chunky/app:v1`, img, { insecure: true, chunkSize: 256 * 1024, ...fast });
    assert.equal(res.digest, img.digest);
    const patches = proxy.records.slice(before).filter((r) => r.method === 'PATCH' && r.status === 202);
    assert.equal(patches.length, 3, 'ceil(700000 / 262144) chunks of the layer');
    const info = JSON.parse(await skopeo(['inspect', '--tls-verify=false', `docker://${reg.host}/chunky/app:v1`])) as {
      Digest: string;
    };
    assert.equal(info.Digest, img.digest);
  });

  it('retries 5xx answers with backoff', async () => {
    const img = await randomImage('flaky', [1000]);
    proxy.failNext = 2;
    const res = await pushImage(`${proxy.host}/flaky/app:v1`, img, { insecure: true, ...fast });
    assert.equal(res.digest, img.digest);
    assert.ok(proxy.records.filter((r) => r.status === 503).length >= 2);
  });

  it('refuses http without insecure, with a hint naming --insecure', async () => {
    const img = await randomImage('tls', [100]);
    await assert.rejects(pushImage(`${reg.host}/tls/app:v1`, img, fast), (e) => {
      assert.ok(hasCode(e, 'REGISTRY_HTTP'), String(e));
      assert.match(e.hint ?? '', /--insecure/);
      assert.match(e.message, new RegExp(`${reg.host}/tls/app`));
      return true;
    });
  });

  it('a digest reference must match the image', async () => {
    const img = await randomImage('digest-ref', [100]);
    const res = await pushImage(`${proxy.host}/bydigest/app@${img.digest}`, img, { insecure: true, ...fast });
    assert.equal(res.reference, `${proxy.host}/bydigest/app@${img.digest}`);
    const other = await randomImage('other', [100]);
    await assert.rejects(pushImage(`${proxy.host}/bydigest/app@${other.digest}`, img, { insecure: true }), (e) =>
      hasCode(e, 'USAGE'),
    );
  });

  it('getManifest of a missing tag is REGISTRY_HTTP naming the repository', async () => {
    await assert.rejects(
      getManifest(`${reg.host}/team/app:nope`, { insecure: true }),
      (e) => hasCode(e, 'REGISTRY_HTTP') && /team\/app/.test(e.message),
    );
  });
});
