/**
 * pare's own XSalsa20-Poly1305 secretbox and scrypt key derivation against
 * two independent implementations (development dependencies only):
 * tweetnacl (a port of NaCl) and @noble/ciphers + @noble/hashes. Seeded
 * random keys, nonces and messages of every length around the block sizes;
 * mutated boxes; and cosign's whole encrypted-key format written by one side
 * and read by the other. Every side must seal to the same bytes and accept
 * and reject alike.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import nacl from 'tweetnacl';
import { hasCode } from '../../src/errors.js';
import { decryptPrivateKey, encryptPrivateKey, scryptKey } from '../../src/supply/sign/encrypted-key.js';
import { pemDecode, pemEncode } from '../../src/supply/sign/pem.js';
import { secretboxOpen, secretboxSeal } from '../../src/supply/sign/secretbox.js';
import { mutate, prng } from '../helpers/pgp-oracle.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function bytes(rnd: () => number, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
}

function nobleOpen(box: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array | undefined {
  try {
    return xsalsa20poly1305(key, nonce).decrypt(box);
  } catch {
    return undefined;
  }
}

describe('secretbox: pare, tweetnacl and @noble/ciphers agree', () => {
  it('seal to the same bytes for 300 random keys, nonces and messages (0 to 300 bytes)', () => {
    const rnd = prng(17);
    for (let i = 0; i < 300; i++) {
      const key = bytes(rnd, 32);
      const nonce = bytes(rnd, 24);
      const msg = bytes(rnd, i % 3 === 0 ? i : Math.floor(rnd() * 300));
      const ours = secretboxSeal(msg, nonce, key);
      assert.equal(hex(ours), hex(nacl.secretbox(msg, nonce, key)), `tweetnacl, case ${i}`);
      assert.equal(hex(ours), hex(xsalsa20poly1305(key, nonce).encrypt(msg)), `@noble, case ${i}`);
      assert.equal(hex(secretboxOpen(ours, nonce, key)!), hex(msg));
    }
  });

  it('open alike: 600 mutated boxes, nonces and keys are refused by all three, the originals accepted', () => {
    const rnd = prng(42);
    let refused = 0;
    for (let i = 0; i < 200; i++) {
      const key = bytes(rnd, 32);
      const nonce = bytes(rnd, 24);
      const box = secretboxSeal(bytes(rnd, Math.floor(rnd() * 100)), nonce, key);
      const cases: [string, Uint8Array, Uint8Array, Uint8Array][] = [];
      const m = mutate(box, rnd);
      cases.push([`box: ${m.how}`, m.bytes, nonce, key]);
      const n = Buffer.from(nonce);
      n[Math.floor(rnd() * 24)]! ^= 1 << Math.floor(rnd() * 8);
      cases.push(['nonce bit', box, n, key]);
      const k = Buffer.from(key);
      k[Math.floor(rnd() * 32)]! ^= 1 << Math.floor(rnd() * 8);
      cases.push(['key bit', box, nonce, k]);
      for (const [what, b, nn, kk] of cases) {
        const ours = secretboxOpen(b, nn, kk);
        const tweet = nacl.secretbox.open(b, nn, kk) ?? undefined;
        const noble = nobleOpen(b, nn, kk);
        assert.equal(ours && hex(ours), tweet && hex(tweet), `tweetnacl, ${what}`);
        assert.equal(ours && hex(ours), noble && hex(noble), `@noble, ${what}`);
        if (!ours) refused++;
      }
    }
    assert.equal(refused, 600, 'every mutation is refused (with this seed none leaves its input unchanged)');
  });
});

describe('scrypt and the cosign key format: pare and @noble/hashes + tweetnacl agree', () => {
  it('scrypt derives the same keys for small parameters and random salts and passwords', async () => {
    const rnd = prng(7);
    for (let i = 0; i < 8; i++) {
      const salt = bytes(rnd, 1 + Math.floor(rnd() * 40));
      const password = Buffer.from(bytes(rnd, Math.floor(rnd() * 20))).toString('latin1');
      const p = { N: 1 << (4 + (i % 6)), r: 1 + (i % 8), p: 1 + (i % 2) };
      const ours = await scryptKey(Buffer.from(password, 'latin1'), salt, p);
      const noble = await scryptAsync(Buffer.from(password, 'latin1'), salt, { ...p, dkLen: 32 });
      assert.equal(hex(ours), hex(noble), JSON.stringify(p));
    }
  });

  it('a key pare encrypts opens with @noble scrypt + tweetnacl, and a key they encrypt opens in pare', async () => {
    const pkcs8 = Buffer.from('3051020101300506032b657004220420' + '11'.repeat(32), 'hex');
    const pem = await encryptPrivateKey(pkcs8, 'correct horse');
    const body = JSON.parse(pemDecode(pem)!.bytes.toString()) as {
      kdf: { params: { N: number; r: number; p: number }; salt: string };
      cipher: { nonce: string };
      ciphertext: string;
    };
    const b64 = (s: string) => Buffer.from(s, 'base64');
    const key = await scryptAsync('correct horse', b64(body.kdf.salt), { ...body.kdf.params, dkLen: 32 });
    const opened = nacl.secretbox.open(b64(body.ciphertext), b64(body.cipher.nonce), key);
    assert.equal(opened && hex(opened), hex(pkcs8));

    // The other way, with cosign's N = 32768 variant that go-securesystemslib also reads.
    const rnd = prng(99);
    const salt = bytes(rnd, 32);
    const nonce = bytes(rnd, 24);
    const theirKey = await scryptAsync('hunter2', salt, { N: 32768, r: 8, p: 1, dkLen: 32 });
    const theirs = {
      kdf: { name: 'scrypt', params: { N: 32768, r: 8, p: 1 }, salt: Buffer.from(salt).toString('base64') },
      cipher: { name: 'nacl/secretbox', nonce: Buffer.from(nonce).toString('base64') },
      ciphertext: Buffer.from(nacl.secretbox(pkcs8, nonce, theirKey)).toString('base64'),
    };
    const theirPem = (j: object) => pemEncode('ENCRYPTED SIGSTORE PRIVATE KEY', Buffer.from(JSON.stringify(j)));
    assert.equal(hex(await decryptPrivateKey(theirPem(theirs), 'hunter2')), hex(pkcs8));

    // Mutated: both sides refuse (pare with KEY_DECRYPT), for the ciphertext, nonce, salt and password.
    const flip = (s: string, at: number) => {
      const b = b64(s);
      b[at % b.length]! ^= 0x40;
      return b.toString('base64');
    };
    const mutants: [string, object, string][] = [
      ['ciphertext', { ...theirs, ciphertext: flip(theirs.ciphertext, 20) }, 'hunter2'],
      ['nonce', { ...theirs, cipher: { ...theirs.cipher, nonce: flip(theirs.cipher.nonce, 3) } }, 'hunter2'],
      ['salt', { ...theirs, kdf: { ...theirs.kdf, salt: flip(theirs.kdf.salt, 9) } }, 'hunter2'],
      ['password', theirs, 'hunter3'],
    ];
    for (const [what, j, password] of mutants) {
      await assert.rejects(decryptPrivateKey(theirPem(j), password), (e) => hasCode(e, 'KEY_DECRYPT'), what);
      const t = j as typeof theirs;
      const k = await scryptAsync(password, b64(t.kdf.salt), { N: 32768, r: 8, p: 1, dkLen: 32 });
      assert.equal(nacl.secretbox.open(b64(t.ciphertext), b64(t.cipher.nonce), k), null, what);
    }
  });
});
