/**
 * Self-signatures of a transferable public key (RFC 4880 §11.1, §5.2.1):
 * user ID certifications and direct-key signatures give the primary key its
 * flags and expiry; a subkey is usable only with a valid binding signature
 * (0x18) from its primary and, if it can sign, an embedded primary key
 * binding signature (0x19) from itself. Revocations (0x20, 0x28) void keys.
 */
import type { KeyObject } from 'node:crypto';
import { checkSignature, digestOf, hashAlgoName } from './crypto.js';
import { keyObject, type KeyPacket } from './key.js';
import { SigType, signatureTrailer, type Signature } from './signature.js';

/** A key packet plus its lazily made node:crypto key. */
export interface KeyHolder {
  key: KeyPacket;
  object?: KeyObject | null;
}

export interface RawComponent {
  /** User ID bytes, for user ID components. */
  userId?: Uint8Array;
  sigs: Signature[];
}

export interface RawSubkey extends KeyHolder {
  sigs: Signature[];
}

export interface Validity {
  flags?: number;
  expires?: Date;
  /** Why the key can't be used, if it can't. */
  rejected?: string;
}

/** True if `sig` claims to be issued by `key` (or names no issuer at all). */
export function issuedBy(sig: Signature, key: KeyPacket): boolean {
  if (sig.issuerFingerprint !== undefined) return sig.issuerFingerprint === key.fingerprint;
  if (sig.issuerKeyId !== undefined) return sig.issuerKeyId === key.keyId;
  return true;
}

/**
 * Verifies a signature over key material (`chunks`) made by `signer`. Any
 * supported hash is accepted here, SHA-1 included (RFC 4880 key signatures).
 */
export function verifyKeySignature(signer: KeyHolder, sig: Signature, chunks: Uint8Array[]): boolean {
  if (sig.unknownCritical !== undefined || hashAlgoName(sig.hashAlgo) === undefined) return false;
  const obj = keyObject(signer);
  if (!obj) return false;
  const trailer = signatureTrailer(sig);
  const digest = digestOf(sig.hashAlgo, chunks, trailer);
  return checkSignature(sig, signer.key, obj, digest, () => [...chunks, trailer]);
}

/** Validates a primary key's self-signatures. Returns validity and the user IDs with a valid self-certification. */
export function validatePrimary(primary: KeyHolder, direct: Signature[], uids: RawComponent[]): Validity & { userIds: string[] } {
  const p = primary.key;
  const own = (s: Signature) => issuedBy(s, p) && s.created >= p.created;
  let revoked = false;
  let directSig: Signature | undefined;
  for (const s of direct) {
    if (!own(s) || (s.type !== SigType.DirectKey && s.type !== SigType.KeyRevocation)) continue;
    if (!verifyKeySignature(primary, s, [p.hashPrefix])) continue;
    if (s.type === SigType.KeyRevocation) revoked = true;
    else if (!directSig || s.created > directSig.created) directSig = s;
  }
  const userIds: string[] = [];
  let uidSig: Signature | undefined;
  for (const u of uids) {
    if (!u.userId) continue;
    const uidChunk = uidPrefix(u.userId);
    let best: Signature | undefined;
    for (const s of u.sigs) {
      if (!own(s) || s.type < SigType.CertGeneric || s.type > SigType.CertPositive) continue;
      if (best && s.created <= best.created) continue;
      if (verifyKeySignature(primary, s, [p.hashPrefix, uidChunk, u.userId])) best = s;
    }
    if (!best) continue;
    userIds.push(Buffer.from(u.userId).toString('utf8'));
    // The primary user ID's self-signature wins; otherwise the newest.
    if (!uidSig || (best.primaryUserId && !uidSig.primaryUserId) || (best.primaryUserId === uidSig.primaryUserId && best.created > uidSig.created)) {
      uidSig = best;
    }
  }
  if (revoked) return { userIds, rejected: 'revoked by its owner' };
  if (!uidSig && !directSig) return { userIds, rejected: 'no valid self-signature' };
  const flags = uidSig?.keyFlags ?? directSig?.keyFlags;
  const expiresIn = uidSig?.keyExpiresIn ?? directSig?.keyExpiresIn;
  return { userIds, flags, expires: expiryDate(p, expiresIn) };
}

/** Validates a subkey's binding to `primary`. */
export function validateSubkey(primary: KeyHolder, sub: RawSubkey, defaultSign: boolean): Validity {
  const chunks = [primary.key.hashPrefix, sub.key.hashPrefix];
  const own = (s: Signature) => issuedBy(s, primary.key) && s.created >= sub.key.created;
  let binding: Signature | undefined;
  for (const s of sub.sigs) {
    if (!own(s)) continue;
    if (s.type === SigType.SubkeyRevocation && verifyKeySignature(primary, s, chunks)) {
      return { rejected: 'revoked by its primary key' };
    }
    if (s.type !== SigType.SubkeyBinding || (binding && s.created <= binding.created)) continue;
    if (verifyKeySignature(primary, s, chunks)) binding = s;
  }
  if (!binding) return { rejected: `no valid binding signature from primary key ${primary.key.fingerprint}` };
  const flags = binding.keyFlags;
  const signs = flags === undefined ? defaultSign : (flags & 0x02) !== 0;
  if (signs) {
    const back = binding.embedded.some((e) => e.type === SigType.PrimaryKeyBinding && issuedBy(e, sub.key) && verifyKeySignature(sub, e, chunks));
    if (!back) return { rejected: 'signing subkey is not cross-certified (no valid primary key binding signature)' };
  }
  return { flags: signs ? (flags ?? 0x02) : (flags ?? 0), expires: expiryDate(sub.key, binding.keyExpiresIn) };
}

function uidPrefix(uid: Uint8Array): Uint8Array {
  const n = uid.length;
  return Uint8Array.of(0xb4, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

function expiryDate(key: KeyPacket, seconds: number | undefined): Date | undefined {
  return seconds ? new Date(key.created.getTime() + seconds * 1000) : undefined;
}
