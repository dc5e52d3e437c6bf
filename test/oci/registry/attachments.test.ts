/**
 * `pare push` publishes what `pare sign` attached to an image in the layout:
 * the signature as an OCI 1.1 referrer (here through the fallback tag, as
 * docker-registry 2.8 lacks the referrers API) and under cosign's
 * sha256-<hex>.sig tag; the registry copy verifies with `pare verify`.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { writeLayout } from '../../../src/oci/layout.js';
import { pare } from '../../helpers/cli.js';
import { skopeo } from '../../helpers/image.js';
import { randomImage, startRegistry, type Registry } from '../../helpers/registry.js';

let reg: Registry;
let tmp: string;
before(async () => {
  reg = await startRegistry();
  tmp = await mkdtemp(path.join(tmpdir(), 'pare-push-att-'));
});
after(async () => {
  await reg?.close();
  await rm(tmp, { recursive: true, force: true });
});

it('pushes the signature as a referrer and as the cosign .sig tag, and the copy verifies', async () => {
  const env = { PARE_PASSWORD: 'test-password' };
  const img = await randomImage('attached', [5000]);
  const dir = path.join(tmp, 'out');
  await writeLayout(dir, img, { tag: 'v1' });
  const prefix = path.join(tmp, 'cosign');
  assert.equal((await pare(['keygen', '--output-key-prefix', prefix], { env })).code, 0);
  const signed = await pare(['sign', `${dir}:v1`, '--key', `${prefix}.key`], { env });
  assert.equal(signed.code, 0, signed.stderr);

  const r = await pare(['push', `${dir}:v1`, `${reg.host}/att/app`, '--insecure']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${reg.host}/att/app:v1@${img.digest}\n`);
  const hex = img.digest.slice('sha256:'.length);
  assert.match(r.stderr, new RegExp(`attached ${reg.host}/att/app:sha256-${hex}\\.sig@sha256:`));

  // cosign's tag scheme
  const sig = JSON.parse(
    await skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/att/app:sha256-${hex}.sig`]),
  ) as { layers: Array<{ mediaType: string; annotations: Record<string, string> }> };
  assert.equal(sig.layers[0]!.mediaType, 'application/vnd.dev.cosign.simplesigning.v1+json');
  assert.ok(sig.layers[0]!.annotations['dev.cosignproject.cosign/signature']);
  // OCI 1.1 referrers fallback tag: an index naming the signature manifest, with its artifactType
  const referrers = JSON.parse(
    await skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/att/app:sha256-${hex}`]),
  ) as { manifests: Array<{ artifactType?: string }> };
  assert.ok(
    referrers.manifests.some((m) => m.artifactType === 'application/vnd.dev.cosign.simplesigning.v1+json'),
    JSON.stringify(referrers),
  );

  // Pull image + signature tag back into a fresh layout: pare verify accepts it.
  const back = path.join(tmp, 'back');
  await skopeo(['copy', '--src-tls-verify=false', `docker://${reg.host}/att/app:v1`, `oci:${back}:v1`]);
  await skopeo([
    'copy',
    '--src-tls-verify=false',
    `docker://${reg.host}/att/app:sha256-${hex}.sig`,
    `oci:${back}:sha256-${hex}.sig`,
  ]);
  const v = await pare(['verify', `${back}:v1`, '--key', `${prefix}.pub`]);
  assert.equal(v.code, 0, v.stderr);
});
