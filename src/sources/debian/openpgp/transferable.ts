/**
 * Transferable public keys (RFC 4880 §11.1): a keyring's packets grouped
 * into primary key, direct signatures, user IDs and subkeys, each with the
 * signatures that follow it. Pure; signatures are checked in certify.ts.
 */
import { VerifyError, hasCode } from '../../../errors.js';
import { dearmor, looksArmored } from './armor.js';
import type { KeyHolder, RawComponent, RawSubkey } from './certify.js';
import { parseKeyPacket } from './key.js';
import { Tag, readPackets } from './packets.js';
import { parseSignature } from './signature.js';

export interface TransferableKey {
  primary: KeyHolder;
  direct: RawComponent;
  uids: RawComponent[];
  subkeys: RawSubkey[];
}

/** The binary keyrings in `bytes`: itself, or the decoded PUBLIC KEY BLOCKs if armored. */
export function binaryParts(bytes: Uint8Array, what: string): Uint8Array[] {
  if (!looksArmored(bytes)) return [bytes];
  const blocks = dearmor(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1'), what);
  const keys = blocks.filter((b) => b.type === 'PUBLIC KEY BLOCK');
  if (keys.length === 0)
    throw readError(
      `${what}: no "-----BEGIN PGP PUBLIC KEY BLOCK-----" found (found ${blocks.map((b) => b.type).join(', ')})`,
    );
  return keys.map((b) => b.data);
}

/**
 * Groups packets into transferable keys; keys of versions other than 4 are
 * skipped. So is, as gpg does, a key, subkey or signature packet that does not
 * parse (a certification in a format pare does not read must not void the
 * whole keyring): it can only take validity away, since every key must still
 * prove itself with valid self-signatures.
 */
export function groupKeys(bin: Uint8Array, what: string): TransferableKey[] {
  const out: TransferableKey[] = [];
  let cur: TransferableKey | undefined;
  let sigsTo: { sigs: RawComponent['sigs'] } | undefined;
  let skipping = false; // inside a key of an unsupported version
  for (const p of readPackets(bin, what)) {
    const at = `${what}: packet at byte ${p.offset}`;
    switch (p.tag) {
      case Tag.PublicKey: {
        const key = lenient(() => parseKeyPacket(p.body, at));
        skipping = key === undefined;
        cur = key && { primary: { key }, direct: { sigs: [] }, uids: [], subkeys: [] };
        if (cur) out.push(cur);
        sigsTo = cur?.direct;
        break;
      }
      case Tag.PublicSubkey: {
        if (skipping) break;
        if (!cur) throw readError(`${at}: subkey before any primary key`);
        const key = lenient(() => parseKeyPacket(p.body, at));
        const sub = key && { key, sigs: [] };
        if (sub) cur.subkeys.push(sub);
        sigsTo = sub;
        break;
      }
      case Tag.UserId:
      case Tag.UserAttribute: {
        if (skipping) break;
        if (!cur) throw readError(`${at}: user ID before any primary key`);
        const c: RawComponent = { userId: p.tag === Tag.UserId ? p.body : undefined, sigs: [] };
        cur.uids.push(c);
        sigsTo = c;
        break;
      }
      case Tag.Signature: {
        if (skipping) break;
        if (!cur) throw readError(`${at}: signature before any key`);
        const s = lenient(() => parseSignature(p.body, at));
        if (s && sigsTo) sigsTo.sigs.push(s);
        break;
      }
      case Tag.SecretKey:
      case Tag.SecretSubkey:
        throw readError(`${at}: contains a secret key; pass the public keyring (gpg --export), never secret keys`);
      default:
        break; // trust, marker and unknown packets carry nothing needed here
    }
  }
  return out;
}

/** The parsed packet, or undefined if it is malformed (SIG_MALFORMED). */
function lenient<T>(parse: () => T | undefined): T | undefined {
  try {
    return parse();
  } catch (e) {
    if (hasCode(e, 'SIG_MALFORMED')) return undefined;
    throw e;
  }
}

/** Adds the user IDs, subkeys and signatures of `more` (the same primary key) to `into`. */
export function mergeKeys(into: TransferableKey, more: TransferableKey): void {
  into.direct.sigs.push(...more.direct.sigs);
  for (const u of more.uids) {
    const same = into.uids.find((v) => v.userId && u.userId && Buffer.compare(v.userId, u.userId) === 0);
    if (same) same.sigs.push(...u.sigs);
    else into.uids.push(u);
  }
  for (const s of more.subkeys) {
    const same = into.subkeys.find((k) => k.key.fingerprint === s.key.fingerprint);
    if (same) same.sigs.push(...s.sigs);
    else into.subkeys.push(s);
  }
}

export function readError(message: string): VerifyError {
  return new VerifyError('KEYRING_READ', message, {
    hint: 'pass an OpenPGP public keyring (as written by `gpg --export`, binary or with --armor)',
  });
}
