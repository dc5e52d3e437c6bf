/**
 * in-toto statements in DSSE envelopes attached as referrers: verification
 * by pare (signature, subject digest, predicate type) and by openssl over the
 * PAE bytes; tampering fails with its own code.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { hasCode } from '../../src/errors.js';
import { writeLayout } from '../../src/oci/layout.js';
import type { Image } from '../../src/oci/manifest.js';
import {
  attachAttestation,
  attest,
  attestImage,
  PREDICATE_TYPE_ANNOTATION,
  verifyAttestations,
} from '../../src/supply/attest/attest.js';
import {
  DSSE_MEDIA_TYPE,
  IN_TOTO_PAYLOAD_TYPE,
  pae,
  serializeEnvelope,
  type Envelope,
} from '../../src/supply/attest/dsse.js';
import { PREDICATE } from '../../src/supply/attest/predicate-types.js';
import { parseStatement } from '../../src/supply/attest/statement.js';
import { slsaProvenance } from '../../src/supply/attest/slsa.js';
import { attachArtifact, cosignTag, resolveSubject } from '../../src/oci/attachments.js';
import { keySigner, type Signer } from '../../src/supply/sign/keys.js';
import type { TreeEntry } from '../../src/tree/types.js';
import { pareInProcess } from '../helpers/cli.js';
import { probeImage, validateImage } from '../helpers/image.js';
import { tempDirs } from '../helpers/tmp.js';
import { run } from '../helpers/tools.js';

const tempDir = tempDirs('pare-attest-');

const hexOf = (c: string): string => c.repeat(64);

async function layout(content: string): Promise<{ dir: string; image: Image }> {
  const dir = path.join(await tempDir(), 'oci');
  const entries: TreeEntry[] = [
    { path: 'etc/hello', type: 'file', mode: 0o644, uid: 0, gid: 0, data: Buffer.from(content) },
  ];
  const image = await probeImage({}, entries);
  await writeLayout(dir, image, { tag: 'v1' });
  return { dir, image };
}

const provenance = slsaProvenance({
  builderId: 'urn:pare:builder:test',
  configDigest: `sha256:${hexOf('a')}`,
  configPath: 'pare.yaml',
  lockDigest: hexOf('b'),
  dependencies: [
    { uri: 'pkg:deb/debian/libc6@2.36-9?arch=amd64', sha256: hexOf('c') },
    { uri: 'pkg:deb/debian/base-files@12.4?arch=amd64', sha256: hexOf('d') },
  ],
});

let signer: Signer;
let pubFile: string;

before(async () => {
  signer = keySigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  pubFile = path.join(await tempDir(), 'cosign.pub');
  await writeFile(pubFile, signer.publicKeyPem());
});

describe('DSSE and in-toto formats', () => {
  it('PAE is "DSSEv1 <len> <type> <len> <payload>" (the DSSE spec example)', () => {
    assert.equal(
      pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString(),
      'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
    );
    assert.equal(pae('t', Buffer.from('é')).toString(), 'DSSEv1 1 t 2 é', 'lengths count bytes');
  });

  it('reads in-toto Statement v1 and v0.1 (what `cosign attest` writes, issue 15); other _types fail', () => {
    const st = (type: string) =>
      Buffer.from(
        JSON.stringify({
          _type: type,
          subject: [{ digest: { sha256: hexOf('a') } }],
          predicateType: 'x',
          predicate: {},
        }),
      );
    for (const v of ['v1', 'v0.1'])
      assert.equal(parseStatement(st(`https://in-toto.io/Statement/${v}`)).predicateType, 'x');
    for (const bad of ['https://in-toto.io/Statement/v2', 'https://example.invalid/Statement/v1'])
      assert.throws(
        () => parseStatement(st(bad)),
        (e) => hasCode(e, 'SIG_PAYLOAD'),
      );
  });

  it('SLSA provenance v1 from plain inputs', () => {
    assert.equal(provenance.predicateType, 'https://slsa.dev/provenance/v1');
    assert.deepEqual(provenance.predicate.buildDefinition.externalParameters, {
      config: { digest: { sha256: hexOf('a') }, path: 'pare.yaml' },
      lock: { digest: { sha256: hexOf('b') } },
    });
    assert.deepEqual(provenance.predicate.buildDefinition.resolvedDependencies[0], {
      uri: 'pkg:deb/debian/libc6@2.36-9?arch=amd64',
      digest: { sha256: hexOf('c') },
    });
    assert.deepEqual(provenance.predicate.runDetails, { builder: { id: 'urn:pare:builder:test' } });
  });

  it('attest() signs a Statement v1 about the image digest in an in-toto DSSE envelope; openssl verifies the PAE', async () => {
    const { image } = await layout('formats');
    const env = await attest(image, provenance, signer, { name: 'example/app' });
    assert.equal(env.payloadType, IN_TOTO_PAYLOAD_TYPE);
    assert.equal(env.signatures.length, 1);
    assert.equal(env.signatures[0]!.keyid, '');
    const payload = Buffer.from(env.payload, 'base64');
    assert.deepEqual(JSON.parse(payload.toString()), {
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'example/app', digest: { sha256: image.digest.slice(7) } }],
      predicateType: 'https://slsa.dev/provenance/v1',
      predicate: provenance.predicate,
    });
    const dir = path.dirname(pubFile);
    await writeFile(path.join(dir, 'pae.bin'), pae(env.payloadType, payload));
    await writeFile(path.join(dir, 'sig.der'), Buffer.from(env.signatures[0]!.sig, 'base64'));
    const { stdout } = await run('openssl', [
      'dgst',
      '-sha256',
      '-verify',
      pubFile,
      '-signature',
      path.join(dir, 'sig.der'),
      path.join(dir, 'pae.bin'),
    ]);
    assert.match(stdout, /Verified OK/);
  });
});

describe('attestations in a layout', () => {
  it('attest, then verify-attestation by short name and URI; skopeo still reads the image', async () => {
    const { dir, image } = await layout('roundtrip');
    const r = await attestImage({ dir, tag: 'v1' }, provenance, signer);
    assert.equal(r.tag, cosignTag(image.digest, 'att'));
    await attestImage(
      { dir, tag: 'v1' },
      { predicateType: PREDICATE.cyclonedx, predicate: { bomFormat: 'CycloneDX', specVersion: '1.6' } },
      signer,
    );
    for (const type of ['slsaprovenance', 'slsaprovenance1', 'https://slsa.dev/provenance/v1']) {
      const v = await pareInProcess(['verify-attestation', `${dir}:v1`, '--key', pubFile, '--type', type]);
      assert.equal(v.code, 0, v.stderr);
      const lines = v.stdout.trim().split('\n');
      assert.equal(lines.length, 1, type);
      const env = JSON.parse(lines[0]!) as Envelope;
      assert.equal(JSON.parse(Buffer.from(env.payload, 'base64').toString()).predicateType, PREDICATE.slsaProvenanceV1);
    }
    const all = await verifyAttestations({ dir, tag: 'v1' }, signer.publicKeyPem());
    assert.deepEqual(all.map((a) => a.statement.predicateType).sort(), [
      PREDICATE.cyclonedx,
      PREDICATE.slsaProvenanceV1,
    ]);
    const index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8'));
    const refs = index.manifests.filter((m: any) => m.artifactType === DSSE_MEDIA_TYPE);
    assert.equal(refs.length, 2);
    const man = JSON.parse(await readFile(path.join(dir, 'blobs', 'sha256', refs[0].digest.slice(7)), 'utf8'));
    assert.equal(man.subject.digest, image.digest);
    assert.equal(man.layers[0].mediaType, DSSE_MEDIA_TYPE);
    assert.equal(man.layers[0].annotations[PREDICATE_TYPE_ANNOTATION], PREDICATE.slsaProvenanceV1);
    assert.equal((await validateImage(dir, 'v1')).digest, image.digest);
  });

  it('no attestation of the type → ATTESTATION_MISSING; unknown --type → usage error', async () => {
    const { dir } = await layout('missing');
    await assert.rejects(verifyAttestations({ dir }, signer.publicKeyPem()), (e) => hasCode(e, 'ATTESTATION_MISSING'));
    await attestImage({ dir }, provenance, signer);
    const r = await pareInProcess(['verify-attestation', dir, '--key', pubFile, '--type', 'spdx']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error\[ATTESTATION_MISSING\]/);
    assert.equal((await pareInProcess(['verify-attestation', dir, '--key', pubFile, '--type', 'nonsense'])).code, 2);
  });

  it('tampered statement → SIG_BAD; wrong key → SIG_BAD', async () => {
    const { dir, image } = await layout('tamper');
    const env = await attest(image, provenance, signer);
    const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString());
    statement.predicate.runDetails.builder.id = 'urn:evil';
    const forged: Envelope = { ...env, payload: Buffer.from(JSON.stringify(statement)).toString('base64') };
    await attachAttestation({ dir }, forged);
    await assert.rejects(verifyAttestations({ dir }, signer.publicKeyPem()), (e) => hasCode(e, 'SIG_BAD'));

    const good = await layout('wrong key');
    await attestImage({ dir: good.dir }, provenance, signer);
    const other = keySigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    await assert.rejects(verifyAttestations({ dir: good.dir }, other.publicKeyPem()), (e) => hasCode(e, 'SIG_BAD'));
  });

  it('a statement about another image → ATTESTATION_SUBJECT_MISMATCH (and attachAttestation refuses it)', async () => {
    const { dir } = await layout('subject');
    const env = await attest({ digest: `sha256:${hexOf('e')}`, name: 'other' }, provenance, signer);
    await assert.rejects(attachAttestation({ dir }, env), (e) => hasCode(e, 'ATTESTATION_SUBJECT_MISMATCH'));
    await attachArtifact(
      dir,
      await resolveSubject({ dir }),
      DSSE_MEDIA_TYPE,
      {
        mediaType: DSSE_MEDIA_TYPE,
        bytes: serializeEnvelope(env),
        annotations: { [PREDICATE_TYPE_ANNOTATION]: provenance.predicateType },
      },
      'att',
    );
    const r = await pareInProcess(['verify-attestation', dir, '--key', pubFile, '--type', 'slsaprovenance']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error\[ATTESTATION_SUBJECT_MISMATCH\]/);
  });

  it('a relabelled attestation does not pass for another type: the signed predicateType decides', async () => {
    const { dir, image } = await layout('relabel');
    const env = await attest(image, provenance, signer);
    await attachArtifact(
      dir,
      await resolveSubject({ dir }),
      DSSE_MEDIA_TYPE,
      {
        mediaType: DSSE_MEDIA_TYPE,
        bytes: serializeEnvelope(env),
        annotations: { [PREDICATE_TYPE_ANNOTATION]: PREDICATE.spdx },
      },
      'att',
    );
    await assert.rejects(verifyAttestations({ dir }, signer.publicKeyPem(), { type: 'spdx' }), (e) =>
      hasCode(e, 'ATTESTATION_MISSING'),
    );
    assert.equal((await verifyAttestations({ dir }, signer.publicKeyPem(), { type: 'slsaprovenance' })).length, 1);
  });
});
