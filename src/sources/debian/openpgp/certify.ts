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
export function validatePrimary(
  primary: KeyHolder,
  direct: Signature[],
  uids: RawComponent[],
): Validity & { userIds: string[] } {
  const p = primary.key;
  const own = (s: Signature) => issuedBy(s, p) && s.created >= p.created;
  const keyOnly = [p.hashPrefix];
  const revoked = direct.some(
    (s) => own(s) && s.type === SigType.KeyRevocation && verifyKeySignature(primary, s, keyOnly),
  );
  const directSig = newestValid(
    direct,
    (s) => own(s) && s.type === SigType.DirectKey,
    (s) => verifyKeySignature(primary, s, keyOnly),
  );
  const userIds: string[] = [];
  let uidSig: Signature | undefined;
  for (const u of uids) {
    if (!u.userId) continue;
    const chunks = [p.hashPrefix, uidPrefix(u.userId), u.userId];
    const isCert = (s: Signature) => own(s) && s.type >= SigType.CertGeneric && s.type <= SigType.CertPositive;
    const best = newestValid(u.sigs, isCert, (s) => verifyKeySignature(primary, s, chunks));
    if (!best) continue;
    userIds.push(Buffer.from(u.userId).toString('utf8'));
    // The primary user ID's self-signature wins; otherwise the newest.
    if (
      !uidSig ||
      (best.primaryUserId && !uidSig.primaryUserId) ||
      (best.primaryUserId === uidSig.primaryUserId && best.created > uidSig.created)
    ) {
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
  if (sub.sigs.some((s) => own(s) && s.type === SigType.SubkeyRevocation && verifyKeySignature(primary, s, chunks))) {
    return { rejected: 'revoked by its primary key' };
  }
  const binding = newestValid(
    sub.sigs,
    (s) => own(s) && s.type === SigType.SubkeyBinding,
    (s) => verifyKeySignature(primary, s, chunks),
  );
  if (!binding) return { rejected: `no valid binding signature from primary key ${primary.key.fingerprint}` };
  const flags = binding.keyFlags;
  const signs = flags === undefined ? defaultSign : (flags & 0x02) !== 0;
  if (signs) {
    const back = binding.embedded.some(
      (e) => e.type === SigType.PrimaryKeyBinding && issuedBy(e, sub.key) && verifyKeySignature(sub, e, chunks),
    );
    if (!back) return { rejected: 'signing subkey is not cross-certified (no valid primary key binding signature)' };
  }
  return { flags: signs ? (flags ?? 0x02) : (flags ?? 0), expires: expiryDate(sub.key, binding.keyExpiresIn) };
}

/**
 * The newest signature that passes `wanted` and verifies. Only the newest
 * self-signature counts, so older ones are not even checked (keyrings often
 * carry several with the same time: those are tried newest-first in turn).
 */
function newestValid(
  sigs: Signature[],
  wanted: (s: Signature) => boolean,
  valid: (s: Signature) => boolean,
): Signature | undefined {
  const candidates = sigs.filter(wanted).sort((a, b) => b.created.getTime() - a.created.getTime());
  return candidates.find(valid);
}

function uidPrefix(uid: Uint8Array): Uint8Array {
  const n = uid.length;
  return Uint8Array.of(0xb4, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

function expiryDate(key: KeyPacket, seconds: number | undefined): Date | undefined {
  return seconds ? new Date(key.created.getTime() + seconds * 1000) : undefined;
}
