/**
 * Keyrings: one or more transferable public keys (RFC 4880 §11.1), binary or
 * ASCII-armored, concatenated. Self-signatures are verified when the keyring
 * is parsed, so every PublicKey listed is one whose flags, expiry and
 * (for subkeys) binding to its primary are proven. Pure.
 */
import { VerifyError, isPareError } from '../../../errors.js';
import { validatePrimary, validateSubkey, type KeyHolder } from './certify.js';
import { algorithmCanSign } from './key.js';
import { binaryParts, groupKeys, mergeKeys, type TransferableKey } from './transferable.js';

export interface PublicKey {
  /** v4 fingerprint, 40 upper-case hex digits. */
  fingerprint: string;
  /** Last 16 hex digits of the fingerprint. */
  keyId: string;
  /** OpenPGP public key algorithm id (1 RSA, 19 ECDSA, 22 EdDSA, 27 Ed25519, ...). */
  algorithm: number;
  created: Date;
  expires?: Date;
  /** User IDs with a valid self-certification (a subkey lists its primary's). */
  userIds: string[];
  /** Fingerprint of the primary key, if this is a subkey. */
  primary?: string;
  /** May make data signatures (key flags, or the algorithm if there are none). */
  canSign: boolean;
}

export interface Keyring {
  keys: PublicKey[];
  /** Fingerprints of the primary keys. */
  fingerprints(): string[];
}

/** A usable key with what verification needs. */
export interface KeyEntry extends KeyHolder {
  pub: PublicKey;
  /** The primary's entry, for a subkey. */
  primary?: KeyEntry;
}

/** A key present in the keyring but not usable, and why (for error messages). */
export interface RejectedKey {
  fingerprint: string;
  keyId: string;
  userIds: string[];
  reason: string;
}

export interface KeyringIndex {
  byFingerprint: Map<string, KeyEntry>;
  byKeyId: Map<string, KeyEntry[]>;
  rejected: RejectedKey[];
}

const INDEX = Symbol('openpgp.keyring.index');

class ParsedKeyring implements Keyring {
  readonly keys: PublicKey[];
  readonly [INDEX]: KeyringIndex;
  constructor(entries: KeyEntry[], rejected: RejectedKey[]) {
    this.keys = entries.map((e) => e.pub);
    const byKeyId = new Map<string, KeyEntry[]>();
    for (const e of entries) byKeyId.set(e.pub.keyId, [...(byKeyId.get(e.pub.keyId) ?? []), e]);
    this[INDEX] = { byFingerprint: new Map(entries.map((e) => [e.pub.fingerprint, e])), byKeyId, rejected };
  }

  fingerprints(): string[] {
    return this.keys.filter((k) => k.primary === undefined).map((k) => k.fingerprint);
  }
}

/** The lookup tables of a keyring made by parseKeyring. */
export function keyringIndex(keyring: Keyring): KeyringIndex {
  const idx = (keyring as Partial<ParsedKeyring>)[INDEX];
  if (!idx) throw new TypeError('keyring was not created by parseKeyring()');
  return idx;
}

/**
 * Parses keyrings (binary or armored, several keys each; several inputs are
 * merged). Keys of versions other than 4 are skipped. Errors: VerifyError
 * 'KEYRING_READ' if the data is not an OpenPGP public keyring.
 */
export function parseKeyring(input: Uint8Array[] | Uint8Array, what = 'keyring'): Keyring {
  const inputs = Array.isArray(input) ? input : [input];
  const entries: KeyEntry[] = [];
  const rejected: RejectedKey[] = [];
  // The same key may come from several inputs (e.g. a refreshed copy): merge them.
  const byFingerprint = new Map<string, TransferableKey>();
  try {
    for (const bytes of inputs) {
      for (const bin of binaryParts(bytes, what)) {
        for (const tk of groupKeys(bin, what)) {
          const fp = tk.primary.key.fingerprint;
          const prev = byFingerprint.get(fp);
          if (prev) mergeKeys(prev, tk);
          else byFingerprint.set(fp, tk);
        }
      }
    }
    for (const tk of byFingerprint.values()) buildEntries(tk, entries, rejected);
  } catch (e) {
    if (isPareError(e) && e.code === 'SIG_MALFORMED') {
      throw new VerifyError('KEYRING_READ', e.message, {
        hint: 'pass an OpenPGP public keyring (as written by `gpg --export`, binary or with --armor)',
        cause: e,
      });
    }
    throw e;
  }
  return new ParsedKeyring(entries, rejected);
}

function buildEntries(tk: TransferableKey, entries: KeyEntry[], rejected: RejectedKey[]): void {
  const pk = tk.primary.key;
  const v = validatePrimary(tk.primary, tk.direct.sigs, tk.uids);
  const reject = (fingerprint: string, keyId: string, reason: string) =>
    rejected.push({ fingerprint, keyId, userIds: v.userIds, reason });
  if (v.rejected) {
    reject(pk.fingerprint, pk.keyId, v.rejected);
    for (const s of tk.subkeys)
      reject(s.key.fingerprint, s.key.keyId, `its primary key ${pk.fingerprint} is unusable: ${v.rejected}`);
    return;
  }
  const primary: KeyEntry = {
    ...tk.primary,
    pub: {
      fingerprint: pk.fingerprint,
      keyId: pk.keyId,
      algorithm: pk.algorithm,
      created: pk.created,
      ...(v.expires ? { expires: v.expires } : {}),
      userIds: v.userIds,
      canSign: v.flags === undefined ? algorithmCanSign(pk.algorithm) : (v.flags & 0x02) !== 0,
    },
  };
  entries.push(primary);
  for (const s of tk.subkeys) {
    const sv = validateSubkey(tk.primary, s, algorithmCanSign(s.key.algorithm));
    if (sv.rejected) {
      reject(s.key.fingerprint, s.key.keyId, sv.rejected);
      continue;
    }
    entries.push({
      key: s.key,
      primary,
      pub: {
        fingerprint: s.key.fingerprint,
        keyId: s.key.keyId,
        algorithm: s.key.algorithm,
        created: s.key.created,
        ...(sv.expires ? { expires: sv.expires } : {}),
        userIds: v.userIds,
        primary: pk.fingerprint,
        canSign: ((sv.flags ?? 0) & 0x02) !== 0,
      },
    });
  }
}
