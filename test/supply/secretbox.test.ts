/**
 * The pure crypto and format pieces, against published vectors: libsodium's
 * secretbox tests, RFC 8439's Poly1305 vector, go-securesystemslib's
 * encrypted-key vectors (what cosign reads), plus the purity boundary.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { hasCode } from '../../src/errors.js';
import {
  COSIGN_KEY_PEM,
  decryptPrivateKey,
  encryptPrivateKey,
  SIGSTORE_KEY_PEM,
} from '../../src/supply/sign/encrypted-key.js';
import { pemDecode, pemEncode } from '../../src/supply/sign/pem.js';
import { poly1305, secretboxOpen, secretboxSeal } from '../../src/supply/sign/secretbox.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/[\s,]|0x/g, ''), 'hex');

// libsodium test/default/secretbox_easy.c and .exp (NaCl's original secretbox test).
const KEY = hex('1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389');
const NONCE = hex('69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37');
const MESSAGE = hex(`be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffc
  e5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb310e3be8250c46f06d
  ceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd4924ca1c60902e52
  f0a089bc76897040e082f9377638486 45e0705`);
const BOX = hex(`f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce48332ea7164d96a4
  476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738
  b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de
  56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74e355a5`);

describe('secretbox (XSalsa20-Poly1305)', () => {
  it("matches libsodium's secretbox_easy vector, and opens it", () => {
    assert.equal(MESSAGE.length, 131);
    assert.equal(Buffer.from(secretboxSeal(MESSAGE, NONCE, KEY)).toString('hex'), BOX.toString('hex'));
    assert.deepEqual(Buffer.from(secretboxOpen(BOX, NONCE, KEY)!), MESSAGE);
  });

  it('matches libsodium\'s zero key / zero nonce vector for "yay"', () => {
    const box = secretboxSeal(Buffer.from('yay'), Buffer.alloc(24), Buffer.alloc(32));
    assert.equal(Buffer.from(box).toString('hex'), '5483f80c8b74f180eaefc3049f3e2c03bf5fc2');
  });

  it('rejects a changed tag, ciphertext, nonce or key', () => {
    for (const i of [0, 15, 16, BOX.length - 1]) {
      const bad = Buffer.from(BOX);
      bad[i]! ^= 1;
      assert.equal(secretboxOpen(bad, NONCE, KEY), undefined, `byte ${i}`);
    }
    const n = Buffer.from(NONCE);
    n[23]! ^= 1;
    assert.equal(secretboxOpen(BOX, n, KEY), undefined);
    const k = Buffer.from(KEY);
    k[0]! ^= 1;
    assert.equal(secretboxOpen(BOX, NONCE, k), undefined);
    assert.equal(secretboxOpen(BOX.subarray(0, 10), NONCE, KEY), undefined);
  });

  it('round-trips every length across block boundaries', () => {
    for (const len of [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 200]) {
      const m = Buffer.alloc(len, len);
      const box = secretboxSeal(m, NONCE, KEY);
      assert.equal(box.length, len + 16);
      assert.deepEqual(Buffer.from(secretboxOpen(box, NONCE, KEY)!), m);
    }
  });

  it('Poly1305 matches RFC 8439 section 2.5.2', () => {
    const key = hex('85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b');
    const tag = poly1305(Buffer.from('Cryptographic Forum Research Group'), key);
    assert.equal(Buffer.from(tag).toString('hex'), 'a8061dc1305136c6c22b8baf0c0127a9');
  });
});

// go-securesystemslib encrypted/encrypted_test.go (TestKDFSettingVectors): "reallyimportant"
// under "supersecret" for its three scrypt strengths (N = 2^15, 2^16 which cosign writes,
// 2^17). Those vectors went through its Marshal, so the plaintext is a JSON []byte: a
// quoted base64 string.
const VECTORS = [
  '{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"WO3mVvyTwJ9vwT5/Tk5OW5WPIBUofMjcpEfrLnfY4uA="},"cipher":{"name":"nacl/secretbox","nonce":"tCy7HcTFr4uxv4Nrg/DWmncuZ148U1MX"},"ciphertext":"08n43p5G5yviPEZpO7tPPF4aZQkWiWjkv4taFdhDBA0tamKH4nw="}',
  '{"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":"FhzPOt9/bJG4PTq6lQ6ecG6GzaOuOy/ynG5+yRiFlNs="},"cipher":{"name":"nacl/secretbox","nonce":"aw1ng1jHaDz/tQ7V2gR9O2+IGQ8xJEuE"},"ciphertext":"HycvuLZL4sYH0BrYTh4E/H20VtAW6u5zL5Pr+IBjYLYnCPzDkq8="}',
  '{"kdf":{"name":"scrypt","params":{"N":131072,"r":8,"p":1},"salt":"m38E3kouJTtiheLQN22NQ8DTito5hrjpUIskqcd375k="},"cipher":{"name":"nacl/secretbox","nonce":"Y6PM13yA+o44pE/W1ZBwczeGnTV/m9Zc"},"ciphertext":"6H8sqj1K6B6yDjtH5AQ6lbFigg/C2yDDJc4rYJ79w9aVPImFIPI="}',
];

describe('cosign encrypted key format', () => {
  it("decrypts go-securesystemslib's vectors, under both PEM types", async () => {
    for (const [i, v] of VECTORS.entries()) {
      const type = i % 2 ? SIGSTORE_KEY_PEM : COSIGN_KEY_PEM;
      const plain = await decryptPrivateKey(pemEncode(type, Buffer.from(v)), 'supersecret');
      assert.equal(Buffer.from(JSON.parse(plain.toString()) as string, 'base64').toString(), 'reallyimportant');
    }
  });

  it('wrong password → KEY_DECRYPT; bad parameters or PEM type → KEY_READ', async () => {
    const pem = pemEncode(SIGSTORE_KEY_PEM, Buffer.from(VECTORS[0]!));
    await assert.rejects(decryptPrivateKey(pem, 'supersecreT'), (e) => hasCode(e, 'KEY_DECRYPT'));
    const dos = VECTORS[0]!.replace('"N":32768', '"N":1048576');
    await assert.rejects(decryptPrivateKey(pemEncode(SIGSTORE_KEY_PEM, Buffer.from(dos)), 'supersecret'), (e) =>
      hasCode(e, 'KEY_READ'),
    );
    await assert.rejects(decryptPrivateKey(pemEncode('PRIVATE KEY', Buffer.from(VECTORS[0]!)), 'supersecret'), (e) =>
      hasCode(e, 'KEY_READ'),
    );
    await assert.rejects(decryptPrivateKey('not pem', 'x'), (e) => hasCode(e, 'KEY_READ'));
  });

  it('writes the documented JSON shape with N=65536, r=8, p=1 and 32-byte salt, 24-byte nonce', async () => {
    const pem = await encryptPrivateKey(Buffer.from('secret der'), 'pw', {
      salt: Buffer.alloc(32, 1),
      nonce: Buffer.alloc(24, 2),
    });
    const block = pemDecode(pem)!;
    assert.equal(block.type, 'ENCRYPTED SIGSTORE PRIVATE KEY');
    const j = JSON.parse(block.bytes.toString());
    assert.deepEqual(Object.keys(j), ['kdf', 'cipher', 'ciphertext']);
    assert.deepEqual(j.kdf, {
      name: 'scrypt',
      params: { N: 65536, r: 8, p: 1 },
      salt: Buffer.alloc(32, 1).toString('base64'),
    });
    assert.deepEqual(j.cipher, { name: 'nacl/secretbox', nonce: Buffer.alloc(24, 2).toString('base64') });
    assert.equal((await decryptPrivateKey(pem, 'pw')).toString(), 'secret der');
  });

  it('PEM lines are 64 columns and decode round-trips', () => {
    const pem = pemEncode('X', Buffer.alloc(100, 7));
    assert.ok(pem.split('\n').every((l) => l.length <= 64));
    assert.deepEqual(pemDecode(`junk\n${pem}junk`), { type: 'X', bytes: Buffer.alloc(100, 7) });
  });
});

it('format modules of supply/ stay pure (no fs, net or fetch)', async () => {
  const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'src', 'supply');
  const FORBIDDEN = /from ['"](node:)?(fs|fs\/promises|net|http|https|child_process)['"]|\bfetch\(/;
  const pure = [
    'sign/secretbox.ts',
    'sign/pem.ts',
    'sign/encrypted-key.ts',
    'sign/keys.ts',
    'sign/simple-signing.ts',
    'attest/dsse.ts',
    'attest/statement.ts',
    'attest/slsa.ts',
    'attest/predicate-types.ts',
  ];
  for (const f of pure)
    assert.doesNotMatch(await readFile(path.join(src, f), 'utf8'), FORBIDDEN, `${f} must stay pure`);
});
