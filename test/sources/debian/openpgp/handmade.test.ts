/**
 * Keys and signatures assembled byte by byte with node:crypto, for what gpg
 * 2.2 can't make: Ed25519 keys of algorithm 27 (RFC 9580), SHA-1 data
 * signatures, unknown critical subpackets, missing issuer subpackets, a key
 * revocation, a signing subkey with and without its back-signature.
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

/** An Ed25519 key packet body (algorithm 27) and a signer for it. */
function edKey() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const body = Buffer.from([4, ...u32(CREATED), 27, ...raw]);
  const prefix = Buffer.from([0x99, ...u16(body.length), ...body]);
  const fpr = createHash('sha1').update(prefix).digest();
  /** A v4 signature packet body over `chunks`. */
  const signatureBody = (spec: SigSpec, chunks: Uint8Array[]): Buffer => {
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
    return Buffer.concat([hashed, Buffer.from([...u16(unhashed.length), ...unhashed, digest[0]!, digest[1]!]), sig]);
  };
  return { body, prefix, fingerprint: fpr.toString('hex').toUpperCase(), signatureBody };
}

interface KeySpec {
  /** Key flags of the primary's self-signature (default certify + sign). */
  keyFlags?: number;
  /** Append a key revocation signature (0x20) by the primary itself. */
  revoked?: boolean;
  /**
   * Add a signing subkey, bound by a 0x18 signature; 'cross-certified' embeds
   * the subkey's 0x19 primary key binding signature, 'no-back-signature' leaves
   * it out. Data signatures are then made by the subkey.
   */
  subkey?: 'cross-certified' | 'no-back-signature';
}

function makeKey(spec: KeySpec = {}) {
  const primary = edKey();
  const uid = Buffer.from('Handmade <h@example.invalid>');
  const selfSig = primary.signatureBody({ type: 0x13, subpackets: sub(27, [spec.keyFlags ?? 0x03]) }, [
    primary.prefix,
    Buffer.from([0xb4, ...u32(uid.length)]),
    uid,
  ]);
  const packets = [
    encodePacket(Tag.PublicKey, primary.body),
    ...(spec.revoked
      ? [encodePacket(Tag.Signature, primary.signatureBody({ type: 0x20, subpackets: sub(29, [0]) }, [primary.prefix]))]
      : []),
    encodePacket(Tag.UserId, uid),
    encodePacket(Tag.Signature, selfSig),
  ];
  let signer = primary;
  if (spec.subkey) {
    const subkey = edKey();
    const chunks = [primary.prefix, subkey.prefix];
    const back = subkey.signatureBody({ type: 0x19 }, chunks);
    const embedded = spec.subkey === 'cross-certified' ? sub(32, [...back]) : [];
    const binding = primary.signatureBody({ type: 0x18, subpackets: [...sub(27, [0x02]), ...embedded] }, chunks);
    packets.push(encodePacket(Tag.PublicSubkey, subkey.body), encodePacket(Tag.Signature, binding));
    signer = subkey;
  }
  return {
    keyring: Buffer.concat(packets),
    fingerprint: primary.fingerprint,
    signingFingerprint: signer.fingerprint,
    detached: (s: Partial<SigSpec> = {}) =>
      encodePacket(Tag.Signature, signer.signatureBody({ type: 0, ...s }, [DATA])),
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
    const key = makeKey({ keyFlags: 0x01 });
    const kr = parseKeyring(key.keyring);
    assert.equal(kr.keys[0]!.canSign, false);
    assert.throws(
      () => verifyDetached(DATA, key.detached(), kr),
      (e) => hasCode(e, 'SIG_NO_KEY') && /not allowed/.test(e.message),
    );
  });

  it('rejects a key revoked by its owner (key revocation signature 0x20)', () => {
    const good = makeKey();
    assert.equal(parseKeyring(good.keyring).keys.length, 1);
    const key = makeKey({ revoked: true });
    const kr = parseKeyring(key.keyring);
    assert.deepEqual(kr.keys, []);
    assert.throws(
      () => verifyDetached(DATA, key.detached(), kr),
      (e) => hasCode(e, 'SIG_NO_KEY') && e.message.includes(key.fingerprint) && /revoked by its owner/.test(e.message),
    );
  });

  it('accepts a signing subkey only with its embedded primary key binding signature (0x19)', () => {
    const crossed = makeKey({ subkey: 'cross-certified' });
    assert.deepEqual(
      verifyDetached(DATA, crossed.detached(), parseKeyring(crossed.keyring)).map((s) => [s.fingerprint, s.primary]),
      [[crossed.signingFingerprint, crossed.fingerprint]],
    );
    const key = makeKey({ subkey: 'no-back-signature' });
    const kr = parseKeyring(key.keyring);
    assert.deepEqual(
      kr.keys.map((k) => k.fingerprint),
      [key.fingerprint],
    );
    assert.throws(
      () => verifyDetached(DATA, key.detached(), kr),
      (e) =>
        hasCode(e, 'SIG_NO_KEY') && e.message.includes(key.signingFingerprint) && /not cross-certified/.test(e.message),
    );
  });
});
