/**
 * cosign v3's format without cosign: Sigstore bundles (DSSE in-toto
 * statements) as referrers in an OCI layout. pare writes a signature bundle
 * and verifies it alone; a wrong key, another image's statement and a
 * changed bundle fail with their codes; an attestation bundle verifies with
 * `verify-attestation`; layouts written by `crane pull` (an artifactType on a
 * plain image) and `cosign save` (kind annotations, no tags) are read.
 * (The real cosign v3 reads and writes the same in test/supply/cosign.test.ts.)
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { it } from 'node:test';
import { hasCode } from '../../src/errors.js';
import { readLayout, writeLayout } from '../../src/oci/layout.js';
import { attest, verifyAttestations } from '../../src/supply/attest/attest.js';
import { attachBundle, listBundles } from '../../src/supply/bundles.js';
import { resolveSubject } from '../../src/oci/attachments.js';
import { bundleEnvelope, makeBundle, publicKeyHint } from '../../src/supply/sign/bundle.js';
import { signImage, signImageBundle, verifyImage } from '../../src/supply/sign/image.js';
import { keySigner } from '../../src/supply/sign/keys.js';
import { randomImage } from '../helpers/registry.js';
import { tempDirs } from '../helpers/tmp.js';

const tempDir = tempDirs('pare-bundle-');

function signer() {
  return keySigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
}

async function layout(seed = 'a'): Promise<string> {
  const dir = path.join(await tempDir(), 'oci');
  await writeLayout(dir, await randomImage(seed), { tag: 'latest' });
  return dir;
}

it('a signature bundle alone verifies; its statement is cosign sign v1 about the digest', async () => {
  const dir = await layout();
  const s = signer();
  const r = await signImageBundle({ dir }, s);
  const [b] = await listBundles(dir, r.digest);
  assert.ok(b);
  assert.equal(b.predicateType, 'https://sigstore.dev/cosign/sign/v1');
  const bundle = JSON.parse(b.bytes.toString()) as { mediaType: string; verificationMaterial: unknown };
  assert.equal(bundle.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
  assert.deepEqual(bundle.verificationMaterial, { publicKey: { hint: publicKeyHint(s.publicKeyPem()) } });
  const st = JSON.parse(Buffer.from(bundleEnvelope(b.bytes).payload, 'base64').toString()) as {
    subject: { digest: { sha256: string } }[];
    predicateType: string;
  };
  assert.equal(`sha256:${st.subject[0]!.digest.sha256}`, r.digest);
  const v = await verifyImage({ dir }, s.publicKeyPem());
  assert.equal(v.length, 1);
  assert.equal(v[0]!.bundle, true);
  // The image itself is still the only image of the layout.
  assert.equal((await readLayout(dir)).digest, r.digest);
});

it('a wrong key, a statement about another image and a changed bundle fail', async () => {
  const dir = await layout('b');
  const s = signer();
  await signImageBundle({ dir }, s);
  await assert.rejects(verifyImage({ dir }, signer().publicKeyPem()), (e) => hasCode(e, 'SIG_BAD'));

  const other = await layout('c');
  const subject = await resolveSubject({ dir: other });
  const foreign = await attest(
    { digest: 'sha256:' + '1'.repeat(64) },
    { predicateType: 'https://sigstore.dev/cosign/sign/v1', predicate: {} },
    s,
  );
  await attachBundle(other, subject, makeBundle(foreign, s.publicKeyPem()), 'https://sigstore.dev/cosign/sign/v1');
  await assert.rejects(verifyImage({ dir: other }, s.publicKeyPem()), (e) => hasCode(e, 'SIG_DIGEST_MISMATCH'));

  const changed = await layout('d');
  const sub = await resolveSubject({ dir: changed });
  const env = await attest(
    { digest: sub.digest },
    { predicateType: 'https://sigstore.dev/cosign/sign/v1', predicate: {} },
    s,
  );
  env.payload = Buffer.from(
    Buffer.from(env.payload, 'base64').toString().replace('"predicate":{}', '"predicate":{"x":1}'),
  ).toString('base64');
  await attachBundle(changed, sub, makeBundle(env, s.publicKeyPem()), 'https://sigstore.dev/cosign/sign/v1');
  await assert.rejects(verifyImage({ dir: changed }, s.publicKeyPem()), (e) => hasCode(e, 'SIG_BAD'));
});

it('an attestation bundle verifies with verifyAttestations and is not taken for a signature', async () => {
  const dir = await layout('e');
  const s = signer();
  const subject = await resolveSubject({ dir });
  const env = await attest(
    { digest: subject.digest },
    { predicateType: 'https://slsa.dev/provenance/v1', predicate: { buildDefinition: {} } },
    s,
  );
  await attachBundle(dir, subject, makeBundle(env, s.publicKeyPem()), 'https://slsa.dev/provenance/v1');
  const v = await verifyAttestations({ dir }, s.publicKeyPem(), { type: 'slsaprovenance1' });
  assert.equal(v.length, 1);
  assert.equal(v[0]!.statement.predicateType, 'https://slsa.dev/provenance/v1');
  await assert.rejects(verifyImage({ dir }, s.publicKeyPem()), (e) => hasCode(e, 'SIGNATURE_MISSING'));
});

it("reads crane's layouts (artifactType = the config type) and cosign save's (kind annotations, no tags)", async () => {
  const dir = await layout('f');
  const s = signer();
  const signed = await signImage({ dir, tag: 'latest' }, s);
  const indexFile = path.join(dir, 'index.json');
  const index = JSON.parse(await readFile(indexFile, 'utf8')) as {
    manifests: { digest: string; artifactType?: string; annotations?: Record<string, string> }[];
  };
  const image = index.manifests.find((m) => m.digest === signed.digest)!;
  const sigs = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === signed.tag)!;
  // crane pull --format oci: one untagged entry with the config media type as its artifactType.
  await writeFile(
    indexFile,
    JSON.stringify({
      ...index,
      manifests: [{ ...image, annotations: undefined, artifactType: 'application/vnd.oci.image.config.v1+json' }],
    }),
  );
  assert.equal((await readLayout(dir)).digest, signed.digest);
  // cosign save: the image, its signatures, each marked by `kind`, nothing tagged.
  await writeFile(
    indexFile,
    JSON.stringify({
      ...index,
      manifests: [
        { ...image, annotations: { kind: 'dev.cosignproject.cosign/image' } },
        { ...sigs, annotations: { kind: 'dev.cosignproject.cosign/sigs' } },
      ],
    }),
  );
  assert.equal((await readLayout(dir)).digest, signed.digest);
  const v = await verifyImage({ dir }, s.publicKeyPem());
  assert.equal(v.length, 1);
  assert.equal(v[0]!.claims?.critical.image['docker-manifest-digest'], signed.digest);
});
