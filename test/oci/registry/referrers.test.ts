/**
 * OCI 1.1 referrers: docker-registry 2.8 lacks the referrers API (404), so
 * pushing a manifest with a `subject` maintains the `sha256-HEX` fallback
 * index, and referrers() reads it. In front of it, a test front that adds the
 * API (helpers/referrers-api.ts) exercises the API path: listing, the
 * artifactType filter whether or not the registry applies it, and no
 * fallback tag when the registry answers with OCI-Subject.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { sha256 } from '../../../src/oci/digest.js';
import { bytesBlob } from '../../../src/oci/manifest.js';
import {
  fallbackTag,
  getManifest,
  pushBlob,
  pushImage,
  pushManifest,
  referrers,
  RegistryClient,
} from '../../../src/oci/registry/index.js';
import { skopeo } from '../../helpers/image.js';
import { startReferrersApi } from '../../helpers/referrers-api.js';
import { randomImage, startRegistry, type Registry } from '../../helpers/registry.js';

let reg: Registry;
before(async () => {
  reg = await startRegistry();
});
after(async () => reg?.close());

const EMPTY = { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256('{}'), size: 2 };

async function artifact(
  repo: string,
  subject: { mediaType: string; digest: string; size: number },
  artifactType: string,
  text: string,
) {
  const opts = { insecure: true };
  await pushBlob(repo, bytesBlob(EMPTY.mediaType, EMPTY.digest, Buffer.from('{}')), opts);
  const data = Buffer.from(text);
  await pushBlob(repo, bytesBlob(artifactType, sha256(data), data), opts);
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType,
    config: EMPTY,
    layers: [{ mediaType: artifactType, digest: sha256(data), size: data.length }],
    subject,
    annotations: { 'org.opencontainers.image.created': '2023-11-14T22:13:20Z' },
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = await pushManifest(`${repo}@${sha256(bytes)}`, { bytes, mediaType: manifest.mediaType }, opts);
  return { digest, size: bytes.length };
}

it('pushes referrers into the fallback tag index and lists them (filtered by artifactType)', async () => {
  const repo = `${reg.host}/ref/app`;
  const img = await randomImage('subject', [1000]);
  await pushImage(`${repo}:v1`, img, { insecure: true });
  const subject = { mediaType: img.mediaType, digest: img.digest, size: img.manifestBytes.length };

  assert.deepEqual(await referrers(repo, img.digest, { insecure: true }), { manifests: [], via: 'tag' });
  const sbom = await artifact(repo, subject, 'application/spdx+json', '{"spdxVersion":"SPDX-2.3"}');
  const sig = await artifact(repo, subject, 'application/vnd.dev.sigstore.bundle.v0.3+json', '{"sig":1}');
  await artifact(repo, subject, 'application/spdx+json', '{"spdxVersion":"SPDX-2.3"}'); // again: idempotent

  const all = await referrers(repo, img.digest, { insecure: true });
  assert.equal(all.via, 'tag');
  assert.deepEqual(
    all.manifests.map((m) => [m.digest, m.size, m.artifactType]),
    [
      [sbom.digest, sbom.size, 'application/spdx+json'],
      [sig.digest, sig.size, 'application/vnd.dev.sigstore.bundle.v0.3+json'],
    ],
  );
  assert.equal(all.manifests[0]!.annotations?.['org.opencontainers.image.created'], '2023-11-14T22:13:20Z');
  const only = await referrers(repo, img.digest, { insecure: true, artifactType: 'application/spdx+json' });
  assert.deepEqual(
    only.manifests.map((m) => m.digest),
    [sbom.digest],
  );

  // The fallback index is an ordinary OCI index under sha256-HEX, visible to other tools.
  assert.equal(fallbackTag(img.digest), img.digest.replace(':', '-'));
  const raw = JSON.parse(
    await skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/ref/app:${fallbackTag(img.digest)}`]),
  ) as { mediaType: string; manifests: unknown[] };
  assert.equal(raw.mediaType, 'application/vnd.oci.image.index.v1+json');
  assert.equal(raw.manifests.length, 2);
  // The subject itself is untouched.
  assert.equal((await getManifest(`${repo}:v1`, { insecure: true })).digest, img.digest);
});

it('a referrer without a subject manifest present is still recorded (subjects may be pushed later)', async () => {
  const client = new RegistryClient({ insecure: true });
  const repo = `${reg.host}/ref/later`;
  const missing = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256('not pushed'), size: 10 };
  const a = await artifact(repo, missing, 'application/vnd.in-toto+json', '{}');
  const list = await client.referrers(repo, missing.digest);
  assert.deepEqual(
    list.manifests.map((m) => m.digest),
    [a.digest],
  );
});

const SPDX = 'application/spdx+json';
const BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

for (const filters of [true, false]) {
  it(`lists referrers through the OCI 1.1 API (${filters ? 'filtered by the registry' : 'a registry that ignores artifactType'}), writing no fallback tag`, async () => {
    const api = await startReferrersApi(reg, { filters });
    try {
      const name = `api/app-${filters}`;
      const repo = `${api.host}/${name}`;
      const img = await randomImage(`api-subject-${filters}`, [1000]);
      await pushImage(`${repo}:v1`, img, { insecure: true });
      const subject = { mediaType: img.mediaType, digest: img.digest, size: img.manifestBytes.length };
      const sbom = await artifact(repo, subject, SPDX, '{"spdxVersion":"SPDX-2.3"}');
      const sig = await artifact(repo, subject, BUNDLE, '{"sig":1}');

      const all = await referrers(repo, img.digest, { insecure: true });
      assert.equal(all.via, 'api');
      assert.deepEqual(
        all.manifests.map((m) => [m.digest, m.size, m.artifactType]),
        [
          [sbom.digest, sbom.size, SPDX],
          [sig.digest, sig.size, BUNDLE],
        ],
      );
      const only = await referrers(repo, img.digest, { insecure: true, artifactType: SPDX });
      assert.deepEqual(only, { manifests: [all.manifests[0]], via: 'api' });
      const none = await new RegistryClient({ insecure: true }).referrers(repo, img.digest, 'application/x-none');
      assert.deepEqual(none, { manifests: [], via: 'api' });
      assert.ok(
        api.requests.includes(`/v2/${name}/referrers/${img.digest}?artifactType=application%2Fspdx%2Bjson`),
        api.requests.join('\n'),
      );
      // The registry answered OCI-Subject: it keeps the list, so no fallback tag exists.
      const tag = await fetch(`http://${reg.host}/v2/${name}/manifests/${fallbackTag(img.digest)}`, {
        method: 'HEAD',
        headers: { accept: 'application/vnd.oci.image.index.v1+json' },
      });
      assert.equal(tag.status, 404);
    } finally {
      await api.close();
    }
  });
}
