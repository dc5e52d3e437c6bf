/**
 * keygen → sign → verify on OCI layouts, checked independently with openssl
 * and skopeo; every kind of tampering fails with its own error code.
 */
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync, scryptSync } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { hasCode } from '../../src/errors.js';
import { writeLayout } from '../../src/oci/layout.js';
import type { Image } from '../../src/oci/manifest.js';
import { attachArtifact, cosignTag, EMPTY_JSON, resolveSubject } from '../../src/oci/attachments.js';
import { keySigner, loadSigner, type Signer } from '../../src/supply/sign/keys.js';
import { signImage, verifyImage } from '../../src/supply/sign/image.js';
import { secretboxOpen } from '../../src/supply/sign/secretbox.js';
import { SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE } from '../../src/supply/sign/simple-signing.js';
import type { TreeEntry } from '../../src/tree/types.js';
import { pareInProcess } from '../helpers/cli.js';
import { probeImage, skopeo, validateImage } from '../helpers/image.js';
import { tempDirs } from '../helpers/tmp.js';
import { run } from '../helpers/tools.js';

const tempDir = tempDirs('pare-sign-');

const ENV = { PARE_PASSWORD: 'correct horse', COSIGN_PASSWORD: undefined };

/** A small image without the probe binary (no compiler needed): content varies the digest. */
function tinyImage(content: string): Promise<Image> {
  const entries: TreeEntry[] = [
    { path: 'etc', type: 'dir', mode: 0o755, uid: 0, gid: 0 },
    { path: 'etc/hello', type: 'file', mode: 0o644, uid: 0, gid: 0, data: Buffer.from(content) },
  ];
  return probeImage({}, entries);
}

async function layout(content = 'a', tag = 'latest'): Promise<{ dir: string; image: Image }> {
  const dir = path.join(await tempDir(), 'oci');
  const image = await tinyImage(content);
  await writeLayout(dir, image, { tag });
  return { dir, image };
}

const inMemorySigner = (): Signer => keySigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);

async function readJson(dir: string, digest: string): Promise<any> {
  return JSON.parse(await readFile(path.join(dir, 'blobs', 'sha256', digest.slice(7)), 'utf8'));
}

/** The payload and DER signature of the first layer under the cosign .sig tag, read by hand. */
async function sigFromTag(dir: string, digest: string): Promise<{ payload: Buffer; der: Buffer; layer: any }> {
  const index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8'));
  const entry = index.manifests.find(
    (m: any) => m.annotations?.['org.opencontainers.image.ref.name'] === cosignTag(digest, 'sig'),
  );
  assert.ok(entry, 'index.json names the .sig tag');
  const layer = (await readJson(dir, entry.digest)).layers[0];
  const payload = await readFile(path.join(dir, 'blobs', 'sha256', layer.digest.slice(7)));
  return { payload, der: Buffer.from(layer.annotations[SIGNATURE_ANNOTATION], 'base64'), layer };
}

let keys: { dir: string; key: string; pub: string; signer: Signer };

before(async () => {
  const dir = await tempDir();
  const r = await pareInProcess(['keygen', '--output-key-prefix', path.join(dir, 'cosign')], ENV);
  assert.equal(r.code, 0, r.stderr);
  const key = path.join(dir, 'cosign.key');
  keys = {
    dir,
    key,
    pub: path.join(dir, 'cosign.pub'),
    signer: await loadSigner(await readFile(key, 'utf8'), ENV.PARE_PASSWORD),
  };
});

describe('pare keygen', () => {
  it('writes a P-256 SPKI public key and a 0600 encrypted private key', async () => {
    const pub = await readFile(keys.pub, 'utf8');
    assert.match(pub, /^-----BEGIN PUBLIC KEY-----\n/);
    assert.equal(createPublicKey(pub).asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.match(await readFile(keys.key, 'utf8'), /^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);
    assert.equal((await stat(keys.key)).mode & 0o777, 0o600);
  });

  it('the key decrypts with only the documented steps: PEM → JSON → scrypt(N=65536,r=8,p=1) → nacl secretbox → PKCS#8', async () => {
    const text = await readFile(keys.key, 'utf8');
    const m =
      /-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n([A-Za-z0-9+/=\n]+)-----END ENCRYPTED SIGSTORE PRIVATE KEY-----/.exec(
        text,
      )!;
    const j = JSON.parse(Buffer.from(m[1]!.replace(/\n/g, ''), 'base64').toString());
    assert.deepEqual(j.kdf.params, { N: 65536, r: 8, p: 1 });
    assert.equal(j.kdf.name, 'scrypt');
    assert.equal(j.cipher.name, 'nacl/secretbox');
    const salt = Buffer.from(j.kdf.salt, 'base64');
    const nonce = Buffer.from(j.cipher.nonce, 'base64');
    assert.equal(salt.length, 32);
    assert.equal(nonce.length, 24);
    const k = scryptSync(ENV.PARE_PASSWORD, salt, 32, { N: 65536, r: 8, p: 1, maxmem: 256 << 20 });
    const der = secretboxOpen(Buffer.from(j.ciphertext, 'base64'), nonce, k);
    assert.ok(der, 'secretbox opens');
    const priv = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
    assert.equal(createPublicKey(priv).export({ type: 'spki', format: 'pem' }), await readFile(keys.pub, 'utf8'));
  });

  it('refuses to overwrite without --force; needs a password; takes COSIGN_PASSWORD and an explicit empty one', async () => {
    const prefix = path.join(keys.dir, 'cosign');
    const again = await pareInProcess(['keygen', '--output-key-prefix', prefix], ENV);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /error\[OUTPUT_EXISTS\]/);
    const none = await pareInProcess(['keygen', '--output-key-prefix', path.join(keys.dir, 'np')], {
      PARE_PASSWORD: undefined,
      COSIGN_PASSWORD: undefined,
    });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /error\[KEY_PASSWORD_MISSING\].*\n.*hint: .*PARE_PASSWORD/);
    const empty = await pareInProcess(['keygen', '--output-key-prefix', path.join(keys.dir, 'empty')], {
      PARE_PASSWORD: undefined,
      COSIGN_PASSWORD: '',
    });
    assert.equal(empty.code, 0, empty.stderr);
    await loadSigner(await readFile(path.join(keys.dir, 'empty.key'), 'utf8'), '');
    await assert.rejects(loadSigner(await readFile(path.join(keys.dir, 'empty.key'), 'utf8'), 'x'), (e) =>
      hasCode(e, 'KEY_DECRYPT'),
    );
  });
});

describe('pare sign / pare verify', () => {
  it('signs, verifies, and stores a referrer plus the cosign .sig tag', async () => {
    const { dir, image } = await layout();
    const s = await pareInProcess(['sign', `${dir}:latest`, '--key', keys.key], ENV);
    assert.equal(s.code, 0, s.stderr);
    assert.equal(s.stdout.trim(), image.digest);
    const v = await pareInProcess(['verify', `${dir}:latest`, '--key', keys.pub]);
    assert.equal(v.code, 0, v.stderr);
    const payload = JSON.parse(v.stdout.trim().split('\n')[0]!);
    assert.deepEqual(payload, {
      critical: {
        identity: { 'docker-reference': 'oci' },
        image: { 'docker-manifest-digest': image.digest },
        type: 'cosign container image signature',
      },
      optional: null,
    });

    const index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8'));
    const ref = index.manifests.find((m: any) => m.artifactType === SIMPLE_SIGNING_MEDIA_TYPE);
    assert.equal(ref.annotations['org.opencontainers.image.ref.name'], undefined, 'a referrer is not a tag');
    const man = await readJson(dir, ref.digest);
    assert.equal(man.artifactType, SIMPLE_SIGNING_MEDIA_TYPE);
    assert.deepEqual(man.config, EMPTY_JSON);
    assert.equal(await readFile(path.join(dir, 'blobs', 'sha256', EMPTY_JSON.digest.slice(7)), 'utf8'), '{}');
    assert.deepEqual(man.subject, {
      mediaType: image.mediaType,
      digest: image.digest,
      size: image.manifestBytes.length,
    });
    assert.equal(man.layers[0].mediaType, SIMPLE_SIGNING_MEDIA_TYPE);
    // Without a tag the layout still names one image: artifact entries are not images.
    assert.equal((await resolveSubject({ dir })).digest, image.digest);
  });

  it('the signature verifies with `openssl dgst -sha256 -verify` over the stored payload', async () => {
    const { dir, image } = await layout('openssl');
    await signImage({ dir, tag: 'latest' }, keys.signer);
    const { payload, der } = await sigFromTag(dir, image.digest);
    await writeFile(path.join(dir, '..', 'payload.json'), payload);
    await writeFile(path.join(dir, '..', 'sig.der'), der);
    const { stdout } = await run('openssl', [
      'dgst',
      '-sha256',
      '-verify',
      keys.pub,
      '-signature',
      path.join(dir, '..', 'sig.der'),
      path.join(dir, '..', 'payload.json'),
    ]);
    assert.match(stdout, /Verified OK/);
    assert.equal(JSON.parse(payload.toString()).critical.image['docker-manifest-digest'], image.digest);
  });

  it('the layout still passes skopeo (image tag and .sig tag) after signing twice', async () => {
    const { dir, image } = await layout('skopeo');
    await signImage({ dir, tag: 'latest' }, keys.signer);
    await signImage({ dir, tag: 'latest' }, inMemorySigner(), { identity: 'example/app', annotations: { run: '2' } });
    const v = await validateImage(dir, 'latest');
    assert.equal(v.digest, image.digest);
    const sig = JSON.parse(await skopeo(['inspect', '--raw', `oci:${dir}:${cosignTag(image.digest, 'sig')}`]));
    assert.equal(sig.layers.length, 2, 'the cosign tag accumulates signatures');
    assert.equal((await verifyImage({ dir, tag: 'latest' }, await readFile(keys.pub, 'utf8'))).length, 1);
  });

  it('wrong password → KEY_DECRYPT; missing --key → usage error', async () => {
    const { dir } = await layout('pw');
    const r = await pareInProcess(['sign', dir, '--key', keys.key], { PARE_PASSWORD: 'wrong' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error\[KEY_DECRYPT\]/);
    assert.equal((await pareInProcess(['verify', dir])).code, 2);
  });

  it('no signature → SIGNATURE_MISSING; image changed after signing → SIGNATURE_MISSING', async () => {
    const { dir } = await layout('none');
    const pub = await readFile(keys.pub, 'utf8');
    await assert.rejects(verifyImage({ dir, tag: 'latest' }, pub), (e) => hasCode(e, 'SIGNATURE_MISSING'));
    await signImage({ dir, tag: 'latest' }, keys.signer);
    const other = await tinyImage('rebuilt');
    const indexFile = path.join(dir, 'index.json');
    const index = JSON.parse(await readFile(indexFile, 'utf8'));
    const entry = index.manifests.find((m: any) => m.annotations?.['org.opencontainers.image.ref.name'] === 'latest');
    Object.assign(entry, { digest: other.digest, size: other.manifestBytes.length });
    await writeFile(indexFile, JSON.stringify(index));
    await assert.rejects(verifyImage({ dir, tag: 'latest' }, pub), (e) => hasCode(e, 'SIGNATURE_MISSING'));
  });

  it("another image's signature attached → SIG_DIGEST_MISMATCH", async () => {
    const a = await layout('image a');
    const b = await layout('image b');
    await signImage({ dir: a.dir }, keys.signer);
    const { payload, layer } = await sigFromTag(a.dir, a.image.digest);
    await attachArtifact(
      b.dir,
      await resolveSubject({ dir: b.dir }),
      SIMPLE_SIGNING_MEDIA_TYPE,
      { mediaType: SIMPLE_SIGNING_MEDIA_TYPE, bytes: payload, annotations: layer.annotations },
      'sig',
    );
    const r = await pareInProcess(['verify', b.dir, '--key', keys.pub]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error\[SIG_DIGEST_MISMATCH\]/);
  });

  it('changed payload, changed signature, wrong public key → SIG_BAD', async () => {
    const { dir, image } = await layout('tamper');
    await signImage({ dir }, keys.signer);
    const { payload, der, layer } = await sigFromTag(dir, image.digest);
    const pub = await readFile(keys.pub, 'utf8');
    const subject = await resolveSubject({ dir });

    const changed = await layout('tamper');
    const edited = Buffer.from(payload.toString().replace('"optional":null', '"optional":{"x":"y"}'));
    assert.notDeepEqual(edited, payload);
    await attachArtifact(
      changed.dir,
      subject,
      SIMPLE_SIGNING_MEDIA_TYPE,
      { mediaType: SIMPLE_SIGNING_MEDIA_TYPE, bytes: edited, annotations: layer.annotations },
      'sig',
    );
    await assert.rejects(verifyImage({ dir: changed.dir }, pub), (e) => hasCode(e, 'SIG_BAD'));

    const flipped = await layout('tamper');
    const bad = Buffer.from(der);
    bad[bad.length - 3]! ^= 0x01;
    await attachArtifact(
      flipped.dir,
      subject,
      SIMPLE_SIGNING_MEDIA_TYPE,
      {
        mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
        bytes: payload,
        annotations: { [SIGNATURE_ANNOTATION]: bad.toString('base64') },
      },
      'sig',
    );
    await assert.rejects(verifyImage({ dir: flipped.dir }, pub), (e) => hasCode(e, 'SIG_BAD'));

    const otherPub = inMemorySigner().publicKeyPem();
    await assert.rejects(verifyImage({ dir }, otherPub), (e) => hasCode(e, 'SIG_BAD'));
    const otherFile = path.join(await tempDir(), 'other.pub');
    await writeFile(otherFile, otherPub);
    const r = await pareInProcess(['verify', dir, '--key', otherFile]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error\[SIG_BAD\]/);
  });

  it('a payload blob edited on disk → HASH_MISMATCH', async () => {
    const { dir, image } = await layout('disk');
    await signImage({ dir }, keys.signer);
    const { layer } = await sigFromTag(dir, image.digest);
    const file = path.join(dir, 'blobs', 'sha256', layer.digest.slice(7));
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace('cosign container image signature', 'cosign container image signaturE'),
    );
    await assert.rejects(verifyImage({ dir }, await readFile(keys.pub, 'utf8')), (e) => hasCode(e, 'HASH_MISMATCH'));
  });

  it('takes any one-method Signer', async () => {
    const { dir, image } = await layout('custom');
    const inner = inMemorySigner();
    let calls = 0;
    const signer: Signer = { sign: (d) => (calls++, inner.sign(d)), publicKeyPem: () => inner.publicKeyPem() };
    const r = await signImage({ dir }, signer);
    assert.equal(calls, 1);
    assert.equal(r.digest, image.digest);
    assert.equal((await verifyImage({ dir }, inner.publicKeyPem()))[0]!.digest, image.digest);
  });
});
