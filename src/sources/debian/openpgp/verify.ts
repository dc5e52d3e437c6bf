/**
 * Signature verification with gpgv's semantics: a message is good if at least
 * one of its signatures verifies with a usable key of the keyring; signatures
 * by unknown keys are ignored when another one is good.
 */
import type { Hash } from 'node:crypto';
import { VerifyError } from '../../../errors.js';
import { dearmor, looksArmored, malformed } from './armor.js';
import { parseCleartext } from './cleartext.js';
import { SHA1, checkSignature, hashAlgoName, startHash } from './crypto.js';
import { keyObject } from './key.js';
import { keyringIndex, type KeyEntry, type Keyring, type KeyringIndex } from './keyring.js';
import { Tag, readPackets } from './packets.js';
import { SigType, issuerLabel, parseSignature, signatureTrailer, type Signature } from './signature.js';

export interface VerifyOptions {
  /** The time keys and signatures are judged at (default: now). */
  now?: Date;
  /** Names the input in error messages (default "InRelease" / "signature"). */
  source?: string;
}

export interface Signer {
  /** Fingerprint of the key that made the signature (a subkey, often). */
  fingerprint: string;
  /** Fingerprint of its primary key (equal to `fingerprint` for a primary). */
  primary: string;
  /** When the signature was made. */
  created: Date;
}

export interface VerifiedText {
  /** The signed text, dash-unescaped, "\n" line ends, trailing whitespace stripped (what the signature covers). */
  text: string;
  signers: Signer[];
}

/**
 * Verifies a clearsigned message (an InRelease file) and returns the text it
 * signs. Errors: VerifyError 'SIG_MALFORMED' | 'SIG_NO_KEY' | 'SIG_BAD'.
 */
export function verifyCleartext(
  inRelease: Uint8Array | string,
  keyring: Keyring,
  opts: VerifyOptions = {},
): VerifiedText {
  const what = opts.source ?? 'InRelease';
  const ct = parseCleartext(inRelease, what);
  return {
    text: ct.text,
    signers: verifySignatures(ct.signature, ct.signed, SigType.Text, keyring, what, opts, ct.hashAlgos),
  };
}

/**
 * Verifies a detached binary signature (Release + Release.gpg); `signature`
 * may be binary or armored. Errors as for verifyCleartext.
 */
export function verifyDetached(
  data: Uint8Array,
  signature: Uint8Array,
  keyring: Keyring,
  opts: VerifyOptions = {},
): Signer[] {
  const what = opts.source ?? 'signature';
  let bin = signature;
  if (looksArmored(signature)) {
    const blocks = dearmor(
      Buffer.from(signature.buffer, signature.byteOffset, signature.length).toString('latin1'),
      what,
    );
    bin = Buffer.concat(blocks.filter((b) => b.type === 'SIGNATURE').map((b) => b.data));
  }
  return verifySignatures(bin, data, SigType.Binary, keyring, what, opts);
}

type Outcome =
  | { status: 'good'; signer: Signer }
  | { status: 'bad' | 'unusable'; label: string; reason: string }
  | { status: 'nokey'; label: string };

function verifySignatures(
  bin: Uint8Array,
  data: Uint8Array,
  type: number,
  keyring: Keyring,
  what: string,
  opts: VerifyOptions,
  headerHashes: number[] = [],
): Signer[] {
  const index = keyringIndex(keyring);
  const now = opts.now ?? new Date();
  const sigs: Signature[] = [];
  for (const p of readPackets(bin, what)) {
    if (p.tag === Tag.Marker) continue;
    if (p.tag !== Tag.Signature)
      throw malformed(`${what}: unexpected OpenPGP packet (tag ${p.tag}) in the signature block`);
    const s = parseSignature(p.body, what);
    if (s) sigs.push(s);
  }
  if (sigs.length === 0) throw malformed(`${what}: no version 4 signature found`);
  // A "Hash:" header that names other digests than the signatures use is a conflict (gpg, openpgp.js).
  const conflict = sigs.find((s) => headerHashes.length > 0 && !headerHashes.includes(s.hashAlgo));
  if (conflict)
    throw malformed(
      `${what}: a signature uses hash algorithm ${conflict.hashAlgo}, which the "Hash:" header does not name`,
    );
  // The data is hashed once per hash algorithm; each signature copies the state.
  const bases = new Map<number, Hash>();
  const digestFor = (sig: Signature, trailer: Uint8Array): Buffer => {
    let base = bases.get(sig.hashAlgo);
    if (!base) bases.set(sig.hashAlgo, (base = startHash(sig.hashAlgo).update(data)));
    return base.copy().update(trailer).digest();
  };
  const outcomes = sigs.map((sig) => judge(sig, type, index, now, digestFor, data));
  const good = outcomes.flatMap((o) => (o.status === 'good' ? [o.signer] : []));
  if (good.length > 0) return good;
  throw failure(what, outcomes, keyring);
}

function judge(
  sig: Signature,
  type: number,
  index: KeyringIndex,
  now: Date,
  digestFor: (s: Signature, t: Uint8Array) => Buffer,
  data: Uint8Array,
): Outcome {
  const label = issuerLabel(sig);
  const candidates = findKeys(sig, index);
  if (candidates.length === 0) {
    const r = index.rejected.find(
      (k) => k.fingerprint === sig.issuerFingerprint || (!sig.issuerFingerprint && k.keyId === sig.issuerKeyId),
    );
    return r
      ? { status: 'unusable', label, reason: `key ${r.fingerprint} is in the keyring but unusable: ${r.reason}` }
      : { status: 'nokey', label };
  }
  const bad = (reason: string): Outcome => ({ status: 'bad', label, reason });
  if (sig.type !== type)
    return bad(`signature type 0x${sig.type.toString(16).padStart(2, '0')} where 0x0${type} is expected`);
  if (sig.hashAlgo === SHA1 || hashAlgoName(sig.hashAlgo) === undefined)
    return bad(`hash algorithm ${sig.hashAlgo} is not accepted for data signatures`);
  if (sig.unknownCritical !== undefined) return bad(`unknown critical subpacket ${sig.unknownCritical}`);
  const trailer = signatureTrailer(sig);
  const digest = digestFor(sig, trailer);
  let outcome: Outcome = bad('the signed data does not match the signature');
  for (const entry of candidates) {
    const obj = keyObject(entry);
    if (!obj) {
      outcome = bad(`key algorithm ${entry.key.algorithm} is not supported`);
      continue;
    }
    if (!checkSignature(sig, entry.key, obj, digest, () => [data, trailer])) continue;
    // As gpgv and openpgp.js: a signature from after the verification time is a time conflict.
    if (sig.created > now)
      return bad(`the signature was made on ${iso(sig.created)}, after ${iso(now)} (check this machine's clock)`);
    const unusable = whyUnusable(entry, sig, now);
    if (unusable) return { status: 'unusable', label: entry.pub.fingerprint, reason: unusable };
    return {
      status: 'good',
      signer: {
        fingerprint: entry.pub.fingerprint,
        primary: entry.primary?.pub.fingerprint ?? entry.pub.fingerprint,
        created: sig.created,
      },
    };
  }
  return outcome;
}

function findKeys(sig: Signature, index: KeyringIndex): KeyEntry[] {
  if (sig.issuerFingerprint !== undefined) {
    const e = index.byFingerprint.get(sig.issuerFingerprint);
    return e ? [e] : [];
  }
  if (sig.issuerKeyId !== undefined) return index.byKeyId.get(sig.issuerKeyId) ?? [];
  return [...index.byFingerprint.values()].filter((e) => e.pub.canSign);
}

/** Why a key that made a cryptographically valid signature can't vouch for it, if so. */
function whyUnusable(entry: KeyEntry, sig: Signature, now: Date): string | undefined {
  const t = sig.created;
  if (!entry.pub.canSign) return `key ${entry.pub.fingerprint} is not allowed to make signatures (key flags)`;
  if (sig.sigExpiresIn && now.getTime() >= t.getTime() + sig.sigExpiresIn * 1000) {
    return `the signature expired on ${iso(new Date(t.getTime() + sig.sigExpiresIn * 1000))}`;
  }
  for (const k of entry.primary ? [entry, entry.primary] : [entry]) {
    const { fingerprint: fp, created, expires } = k.pub;
    if (created > t) return `key ${fp} was created (${iso(created)}) after the signature (${iso(t)})`;
    if (expires && expires <= t)
      return `key ${fp} had expired on ${iso(expires)}, before the signature was made (${iso(t)})`;
    if (expires && expires <= now) return `key ${fp} expired on ${iso(expires)}`;
  }
  return undefined;
}

function failure(what: string, outcomes: Outcome[], keyring: Keyring): VerifyError {
  const issuers = outcomes.map((o) => (o.status === 'good' ? o.signer.fingerprint : o.label));
  const keys = keyring.fingerprints();
  const detail = { issuers, keyring: keys, reasons: outcomes.map((o) => ('reason' in o ? o.reason : o.status)) };
  type Failed = Extract<Outcome, { reason: string }>;
  const bad = outcomes.filter((o): o is Failed => o.status === 'bad');
  if (bad.length > 0) {
    return new VerifyError(
      'SIG_BAD',
      `${what}: BAD signature from ${bad.map((o) => `${o.label} (${o.reason})`).join('; ')}`,
      {
        hint: 'the file was changed after it was signed, or corrupted in transit: do not use it; refetch it, and check the mirror if it persists',
        detail,
      },
    );
  }
  const unusable = outcomes.filter((o): o is Failed => o.status === 'unusable');
  if (unusable.length > 0) {
    return new VerifyError(
      'SIG_NO_KEY',
      `${what}: no usable signing key: ${unusable.map((o) => `${o.label}: ${o.reason}`).join('; ')}`,
      {
        hint: 'update the keyring (a newer debian-archive-keyring for Debian), or verify as of an earlier date if the repository is a snapshot',
        detail,
      },
    );
  }
  const have = keys.length > 0 ? keys.join(', ') : 'no keys';
  return new VerifyError(
    'SIG_NO_KEY',
    `${what} is signed by ${issuers.join(', ')}, which is not in the keyring (keyring has ${have})`,
    {
      hint: "pass the repository's signing keyring (config `keyring`, a .gpg or .asc file); Debian's archive keys are the default",
      detail,
    },
  );
}

function iso(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}
