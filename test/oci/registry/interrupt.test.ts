/**
 * A registry killed in the middle of a push (right after the first blob
 * upload completes), then restarted: the push fails with REGISTRY_HTTP, no
 * manifest is visible, the rerun completes, and no manifest was ever PUT
 * while a blob it names was missing.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { hasCode } from '../../../src/errors.js';
import { headBlob, pushImage, getManifest } from '../../../src/oci/registry/index.js';
import { makeIndex } from '../../../src/oci/image-index.js';
import { blobPuts, randomImage, startProxy, startRegistry, type Proxy, type Registry } from '../../helpers/registry.js';

let reg: Registry;
let proxy: Proxy;
before(async () => {
  reg = await startRegistry();
  proxy = await startProxy(reg);
});
after(async () => {
  await proxy?.close();
  await reg?.close();
});

const fast = { retry: { attempts: 3, baseMs: 10, maxMs: 40 }, concurrency: 1 };

for (const shape of ['image', 'index'] as const) {
  it(`${shape}: killed after the first blob upload, restarted, pushed again`, async () => {
    const a = await randomImage(`crash-${shape}-a`, [100_000, 100_000, 100_000]);
    const x =
      shape === 'image' ? a : makeIndex({ manifests: [a, await randomImage(`crash-${shape}-b`, [100_000], 'arm64')] });
    const ref = `${proxy.host}/crash/${shape}:v1`;
    const before = blobPuts(proxy).length;
    let killed = false;
    proxy.onResponse = async (r) => {
      if (!killed && blobPuts(proxy).length > before) {
        killed = true;
        await reg.kill();
      }
      void r;
    };
    await assert.rejects(pushImage(ref, x, { insecure: true, ...fast }), (e) => {
      assert.ok(hasCode(e, 'REGISTRY_HTTP'), String(e));
      assert.match(e.message, new RegExp(`crash/${shape}`));
      return true;
    });
    assert.ok(killed);
    proxy.onResponse = undefined;
    await reg.start();
    await assert.rejects(
      getManifest(`${reg.host}/crash/${shape}:v1`, { insecure: true }),
      (e) => hasCode(e, 'REGISTRY_HTTP'),
      'no manifest visible after the failed push',
    );
    const uploadedBefore = blobPuts(proxy).length;
    const res = await pushImage(ref, x, { insecure: true, ...fast });
    assert.equal(res.digest, x.digest);
    assert.ok(Object.values(res.blobs).includes('present'), 'the blob uploaded before the crash is kept');
    assert.equal(
      blobPuts(proxy).length - uploadedBefore,
      Object.values(res.blobs).filter((b) => b === 'uploaded').length,
    );
    assert.equal((await getManifest(`${reg.host}/crash/${shape}:v1`, { insecure: true })).digest, x.digest);
    for (const l of a.layers) assert.ok(await headBlob(`${reg.host}/crash/${shape}`, l.digest, { insecure: true }));
    assert.deepEqual(proxy.violations, []);
  });
}
