/**
 * Keys and signatures assembled byte by byte with node:crypto, for what gpg
 * 2.2 can't make: Ed25519 keys of algorithm 27 (RFC 9580), SHA-1 data
 * signatures, unknown critical subpackets, missing issuer subpackets.
 */
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { hasCode } from '../../../../src/errors.js';
import { Tag, encodePacket, parseKeyring, verifyDetached } from '../../../../src/sources/debian/openpgp/index.js';

const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const sub = (type: number, data: number[]) => [1 + data.length, type, ...data];
const CREATED = Math.floor(Date.parse('2024-01-01T00:00:00Z') / 1000);
const DATA = Buffer.from('Origin: Handmade\n');

interface SigSpec {
  type: number;
  hash?: 'sha256' | 'sha1';
  subpackets?: number[];
  issuer?: boolean;
}

function makeKey(keyFlags = 0x03) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const body = Buffer.from([4, ...u32(CREATED), 27, ...raw]);
  const prefix = Buffer.from([0x99, ...u16(body.length), ...body]);
  const fpr = createHash('sha1').update(prefix).digest();
  const signature = (spec: SigSpec, chunks: Uint8Array[]) => {
    const hashId = spec.hash === 'sha1' ? 2 : 8;
    const issuerFpr = spec.issuer === false ? [] : sub(33, [4, ...fpr]);
    const subs = [...sub(2, u32(CREATED + 60)), ...issuerFpr, ...(spec.subpackets ?? [])];
    const hashed = Buffer.from([4, spec.type, 27, hashId, ...u16(subs.length), ...subs]);
    const h = createHash(spec.hash ?? 'sha256');
    for (const c of chunks) h.update(c);
    const digest = h
      .update(hashed)
      .update(Buffer.from([4, 0xff, ...u32(hashed.length)]))
      .digest();
    const unhashed = spec.issuer === false ? [] : sub(16, [...fpr.subarray(12)]);
    const sig = sign(null, digest, privateKey);
    return encodePacket(
      Tag.Signature,
      Buffer.concat([hashed, Buffer.from([...u16(unhashed.length), ...unhashed, digest[0]!, digest[1]!]), sig]),
    );
  };
  const uid = Buffer.from('Handmade <h@example.invalid>');
  const selfSig = signature({ type: 0x13, subpackets: sub(27, [keyFlags]) }, [
    prefix,
    Buffer.from([0xb4, ...u32(uid.length)]),
    uid,
  ]);
  const keyring = Buffer.concat([encodePacket(Tag.PublicKey, body), encodePacket(Tag.UserId, uid), selfSig]);
  return {
    keyring,
    fingerprint: fpr.toString('hex').toUpperCase(),
    detached: (spec: Partial<SigSpec> = {}) => signature({ type: 0, ...spec }, [DATA]),
  };
}

describe('hand-made keys and signatures', () => {
  it('verifies Ed25519 keys and signatures of algorithm 27', () => {
    const key = makeKey();
    const kr = parseKeyring(key.keyring);
    assert.deepEqual(
      kr.keys.map((k) => [k.fingerprint, k.algorithm, k.canSign]),
      [[key.fingerprint, 27, true]],
    );
    assert.deepEqual(
      verifyDetached(DATA, key.detached(), kr).map((s) => s.fingerprint),
      [key.fingerprint],
    );
    assert.throws(
      () => verifyDetached(Buffer.from('Origin: Handmadf\n'), key.detached(), kr),
      (e) => hasCode(e, 'SIG_BAD'),
    );
  });

  it('finds the key of a signature without issuer subpackets', () => {
    const key = makeKey();
    assert.equal(verifyDetached(DATA, key.detached({ issuer: false }), parseKeyring(key.keyring)).length, 1);
  });

  it('rejects SHA-1 data signatures and unknown critical subpackets with SIG_BAD', () => {
    const key = makeKey();
    const kr = parseKeyring(key.keyring);
    assert.throws(
      () => verifyDetached(DATA, key.detached({ hash: 'sha1' }), kr),
      (e) => hasCode(e, 'SIG_BAD') && /hash algorithm 2/.test(e.message),
    );
    assert.throws(
      () => verifyDetached(DATA, key.detached({ subpackets: sub(0x80 | 100, [1]) }), kr),
      (e) => hasCode(e, 'SIG_BAD') && /critical/.test(e.message),
    );
  });

  it('rejects signatures by a key whose flags do not allow signing', () => {
    const key = makeKey(0x01);
    const kr = parseKeyring(key.keyring);
    assert.equal(kr.keys[0]!.canSign, false);
    assert.throws(
      () => verifyDetached(DATA, key.detached(), kr),
      (e) => hasCode(e, 'SIG_NO_KEY') && /not allowed/.test(e.message),
    );
  });
});
