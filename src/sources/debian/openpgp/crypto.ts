/**
 * Signature primitives over node:crypto: the OpenPGP hash algorithms and the
 * check of one signature value against a digest, per public key algorithm.
 */
import { constants, createHash, publicDecrypt, verify, type Hash, type KeyObject } from 'node:crypto';
import type { KeyPacket } from './key.js';
import type { Signature } from './signature.js';

interface HashAlgo {
  name: string;
  /** DER DigestInfo prefix for RSA PKCS#1 v1.5 (RFC 4880 §5.2.2). */
  prefix: Buffer;
}

const HASHES: Record<number, HashAlgo> = {
  2: { name: 'sha1', prefix: Buffer.from('3021300906052b0e03021a05000414', 'hex') },
  8: { name: 'sha256', prefix: Buffer.from('3031300d060960864801650304020105000420', 'hex') },
  9: { name: 'sha384', prefix: Buffer.from('3041300d060960864801650304020205000430', 'hex') },
  10: { name: 'sha512', prefix: Buffer.from('3051300d060960864801650304020305000440', 'hex') },
  11: { name: 'sha224', prefix: Buffer.from('302d300d06096086480165030402040500041c', 'hex') },
};

export const SHA1 = 2;

export function hashAlgoName(id: number): string | undefined {
  return HASHES[id]?.name;
}

export function startHash(id: number): Hash {
  const h = HASHES[id];
  if (!h) throw new Error(`unsupported hash algorithm ${id}`);
  return createHash(h.name);
}

/** Digest of the given chunks followed by the signature's trailer. */
export function digestOf(id: number, chunks: Uint8Array[], trailer: Uint8Array): Buffer {
  const h = startHash(id);
  for (const c of chunks) h.update(c);
  return h.update(trailer).digest();
}

/**
 * Checks one signature value. `digest` is the hash of the signed data plus
 * trailer; `data` gives the same data unhashed, for ECDSA (whose node:crypto
 * API hashes by itself). Returns false for any mismatch or unusable input.
 */
export function checkSignature(
  sig: Signature,
  key: KeyPacket,
  obj: KeyObject,
  digest: Buffer,
  data: () => Uint8Array[],
): boolean {
  if (digest.length < 2 || ((digest[0]! << 8) | digest[1]!) !== sig.left16) return false;
  const hash = HASHES[sig.hashAlgo];
  try {
    switch (sig.pubAlgo) {
      case 1:
      case 3: {
        if (key.algorithm !== 1 && key.algorithm !== 3) return false;
        const s = sig.values[0];
        if (!s || sig.values.length !== 1 || s.length > key.rsaBytes!) return false;
        const padded = Buffer.alloc(key.rsaBytes!);
        padded.set(s, key.rsaBytes! - s.length);
        const plain = publicDecrypt({ key: obj, padding: constants.RSA_PKCS1_PADDING }, padded);
        return (
          plain.length === hash!.prefix.length + digest.length &&
          plain.subarray(0, hash!.prefix.length).equals(hash!.prefix) &&
          plain.subarray(hash!.prefix.length).equals(digest)
        );
      }
      case 22:
      case 27: {
        if (key.jwk?.crv !== 'Ed25519') return false;
        const raw = sig.pubAlgo === 27 ? sig.values[0] : rs(sig.values, 32);
        return raw !== undefined && raw.length === 64 && verify(null, digest, obj, raw);
      }
      case 19: {
        if (key.algorithm !== 19) return false;
        const size = key.jwk?.crv === 'P-256' ? 32 : key.jwk?.crv === 'P-384' ? 48 : 66;
        const raw = rs(sig.values, size);
        if (!raw) return false;
        return verify(hash!.name, Buffer.concat(data()), { key: obj, dsaEncoding: 'ieee-p1363' }, raw);
      }
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/** Two MPIs r and s, each left-padded to `size` bytes, concatenated. */
function rs(values: Uint8Array[], size: number): Buffer | undefined {
  if (values.length !== 2) return undefined;
  const out = Buffer.alloc(2 * size);
  for (let i = 0; i < 2; i++) {
    const v = values[i];
    if (v!.length > size) return undefined;
    out.set(v!, (i + 1) * size - v!.length);
  }
  return out;
}
