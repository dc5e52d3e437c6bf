/**
 * Version 4 public key packets (RFC 4880 §5.5.2, RFC 9580 §5.5.5): creation
 * time, algorithm, key material, v4 fingerprint, and the node:crypto
 * KeyObject (made once, on first use).
 */
import { createHash, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { Reader } from './packets.js';
import { hex } from './signature.js';

export const PubAlgo = {
  RsaEncryptSign: 1,
  RsaSign: 3,
  Dsa: 17,
  Ecdh: 18,
  Ecdsa: 19,
  EdDsaLegacy: 22,
  Ed25519: 27,
} as const;

/** Curve OIDs (DER content bytes, hex) for the algorithms supported. */
const CURVES: Record<string, { crv: string; size: number }> = {
  '2a8648ce3d030107': { crv: 'P-256', size: 32 },
  '2b81040022': { crv: 'P-384', size: 48 },
  '2b81040023': { crv: 'P-521', size: 66 },
  '2b06010401da470f01': { crv: 'Ed25519', size: 32 },
};

export interface KeyPacket {
  version: number;
  created: Date;
  algorithm: number;
  fingerprint: string;
  keyId: string;
  /** 0x99, two-byte length, packet body: how the key enters signature hashes. */
  hashPrefix: Uint8Array;
  /** The key as a JWK, or undefined if the algorithm/curve is not supported for signatures. */
  jwk?: JsonWebKey;
  /** RSA modulus length in bytes (for padding short signatures). */
  rsaBytes?: number;
}

/** Parses a v4 key packet body; returns undefined for other versions. Errors: 'SIG_MALFORMED'. */
export function parseKeyPacket(body: Uint8Array, what = 'public key'): KeyPacket | undefined {
  const r = new Reader(body, what);
  const version = r.u8();
  if (version !== 4) return undefined;
  const created = new Date(r.u32() * 1000);
  const algorithm = r.u8();
  const hashPrefix = new Uint8Array(body.length + 3);
  hashPrefix[0] = 0x99;
  hashPrefix[1] = (body.length >> 8) & 0xff;
  hashPrefix[2] = body.length & 0xff;
  hashPrefix.set(body, 3);
  const fingerprint = hex(createHash('sha1').update(hashPrefix).digest());
  const key: KeyPacket = { version, created, algorithm, fingerprint, keyId: fingerprint.slice(-16), hashPrefix };
  switch (algorithm) {
    case PubAlgo.RsaEncryptSign:
    case PubAlgo.RsaSign: {
      const n = stripZeros(r.mpi());
      const e = stripZeros(r.mpi());
      key.jwk = { kty: 'RSA', n: b64u(n), e: b64u(e) };
      key.rsaBytes = n.length;
      break;
    }
    case PubAlgo.Ecdsa:
    case PubAlgo.EdDsaLegacy: {
      const curve = CURVES[hex(r.take(r.u8())).toLowerCase()];
      const point = r.mpi();
      if (!curve) break;
      if (algorithm === PubAlgo.EdDsaLegacy && curve.crv === 'Ed25519' && point.length === 33 && point[0] === 0x40) {
        key.jwk = { kty: 'OKP', crv: 'Ed25519', x: b64u(point.subarray(1)) };
      } else if (
        algorithm === PubAlgo.Ecdsa &&
        curve.crv !== 'Ed25519' &&
        point.length === 1 + 2 * curve.size &&
        point[0] === 0x04
      ) {
        const x = point.subarray(1, 1 + curve.size);
        const y = point.subarray(1 + curve.size);
        key.jwk = { kty: 'EC', crv: curve.crv, x: b64u(x), y: b64u(y) };
      }
      break;
    }
    case PubAlgo.Ed25519:
      key.jwk = { kty: 'OKP', crv: 'Ed25519', x: b64u(r.take(32)) };
      break;
  }
  return key;
}

/** Makes (once per holder) the node:crypto public key for a key packet. */
export function keyObject(holder: { key: KeyPacket; object?: KeyObject | null }): KeyObject | undefined {
  if (holder.object === undefined) {
    try {
      holder.object = holder.key.jwk ? createPublicKey({ key: holder.key.jwk, format: 'jwk' }) : null;
    } catch {
      holder.object = null; // e.g. an invalid curve point: the key can't verify anything
    }
  }
  return holder.object ?? undefined;
}

/** Algorithms that can make signatures at all (used when a key has no key flags). */
export function algorithmCanSign(algorithm: number): boolean {
  return (
    algorithm === 1 || algorithm === 3 || algorithm === 17 || algorithm === 19 || algorithm === 22 || algorithm === 27
  );
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

function b64u(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64url');
}
