/**
 * Version 4 signature packets (RFC 4880 §5.2.3) and their subpackets
 * (§5.2.3.1). Pure: bytes in, a Signature out; verification is in crypto.ts.
 */
import { malformed } from './armor.js';
import { Reader, readU32 } from './packets.js';

export const SigType = {
  Binary: 0x00,
  Text: 0x01,
  CertGeneric: 0x10,
  CertPositive: 0x13,
  SubkeyBinding: 0x18,
  PrimaryKeyBinding: 0x19,
  DirectKey: 0x1f,
  KeyRevocation: 0x20,
  SubkeyRevocation: 0x28,
} as const;

/** Subpacket types this implementation understands (a critical unknown one voids a signature). */
const KNOWN_SUBPACKETS = new Set([
  2, 3, 4, 5, 7, 9, 11, 12, 16, 21, 22, 23, 24, 25, 27, 28, 29, 30, 31, 32, 33, 34, 35,
]);

export interface Signature {
  version: number;
  type: number;
  pubAlgo: number;
  hashAlgo: number;
  /** The hashed prefix of the body (version through hashed subpackets). */
  hashedPart: Uint8Array;
  created: Date;
  /** Seconds after `created` the signature expires (subpacket 3); 0 = never. */
  sigExpiresIn: number;
  /** Seconds after key creation the key expires (subpacket 9); undefined if absent, 0 = never. */
  keyExpiresIn?: number;
  keyFlags?: number;
  primaryUserId: boolean;
  /** Issuer key id (16 upper hex), from hashed or unhashed subpackets. */
  issuerKeyId?: string;
  /** Issuer v4 fingerprint (40 upper hex), subpacket 33. */
  issuerFingerprint?: string;
  /** Embedded signatures (subpacket 32), e.g. a subkey's primary key binding. */
  embedded: Signature[];
  /** A critical subpacket of an unknown type is present in the hashed area. */
  unknownCritical?: number;
  left16: number;
  /** Algorithm-specific signature values: MPIs, or the raw 64 bytes for algorithm 27. */
  values: Uint8Array[];
}

/**
 * Parses a signature packet body. Returns undefined for versions other than 4
 * (they are skipped like unknown keys). Errors: 'SIG_MALFORMED'.
 * Embedded signatures (subpacket 32) are parsed one level deep only: an
 * embedded signature's own embedded signatures are ignored, so hostile
 * nesting costs no stack.
 */
export function parseSignature(body: Uint8Array, what = 'signature', embedded = false): Signature | undefined {
  const r = new Reader(body, what);
  const version = r.u8();
  if (version !== 4) return undefined;
  const type = r.u8();
  const pubAlgo = r.u8();
  const hashAlgo = r.u8();
  const hashedLen = r.u16();
  const hashed = r.take(hashedLen);
  const hashedPart = body.subarray(0, r.pos);
  const unhashed = r.take(r.u16());
  const left16 = r.u16();
  const sig: Signature = {
    version,
    type,
    pubAlgo,
    hashAlgo,
    hashedPart,
    created: new Date(0),
    sigExpiresIn: 0,
    primaryUserId: false,
    embedded: [],
    left16,
    values: [],
  };
  let sawCreated = false;
  readSubpackets(hashed, what, (t, d, critical) => {
    if (t === 2) sawCreated = true;
    applySubpacket(sig, t, d, true, what, embedded);
    if (critical && !KNOWN_SUBPACKETS.has(t) && sig.unknownCritical === undefined) sig.unknownCritical = t;
  });
  // Unhashed subpackets are not covered by the signature: only issuer hints
  // (checked by verification itself) and embedded signatures are taken.
  readSubpackets(unhashed, what, (t, d) => {
    if (t === 16 || t === 33 || t === 32) applySubpacket(sig, t, d, false, what, embedded);
  });
  if (!sawCreated) throw malformed(`${what}: no signature creation time in the hashed subpackets`);
  if (pubAlgo === 27) {
    sig.values.push(r.take(64));
  } else {
    while (r.left > 0) sig.values.push(r.mpi());
  }
  return sig;
}

function applySubpacket(
  sig: Signature,
  t: number,
  d: Uint8Array,
  hashed: boolean,
  what: string,
  inEmbedded: boolean,
): void {
  const need = (n: number) => {
    if (d.length < n) throw malformed(`${what}: subpacket ${t} too short`);
  };
  switch (t) {
    case 2:
      need(4);
      sig.created = new Date(readU32(d, 0) * 1000);
      break;
    case 3:
      need(4);
      sig.sigExpiresIn = readU32(d, 0);
      break;
    case 9:
      need(4);
      sig.keyExpiresIn = readU32(d, 0);
      break;
    case 16:
      need(8);
      if (hashed || sig.issuerKeyId === undefined) sig.issuerKeyId = hex(d.subarray(0, 8));
      break;
    case 25:
      sig.primaryUserId = d.length > 0 && d[0] !== 0;
      break;
    case 27:
      sig.keyFlags = d.length > 0 ? d[0]! : 0;
      break;
    case 32: {
      if (inEmbedded) break; // one level only: a primary key binding never needs more
      const e = parseSignature(d, `${what} (embedded signature)`, true);
      if (e) sig.embedded.push(e);
      break;
    }
    case 33:
      // Version 4 fingerprints only (a version byte then 20 bytes).
      if (d.length === 21 && d[0] === 4 && (hashed || sig.issuerFingerprint === undefined)) {
        sig.issuerFingerprint = hex(d.subarray(1));
      }
      break;
  }
}

/** Walks a subpacket area, calling `fn(type, data, critical)` for each. */
export function readSubpackets(
  area: Uint8Array,
  what: string,
  fn: (type: number, data: Uint8Array, critical: boolean) => void,
): void {
  let p = 0;
  while (p < area.length) {
    const o1 = area[p]!;
    let len: number;
    if (o1 < 192) {
      len = o1;
      p += 1;
    } else if (o1 < 255) {
      if (p + 1 >= area.length) throw malformed(`${what}: truncated subpacket length`);
      len = ((o1 - 192) << 8) + area[p + 1]! + 192;
      p += 2;
    } else {
      if (p + 4 >= area.length) throw malformed(`${what}: truncated subpacket length`);
      len = readU32(area, p + 1);
      p += 5;
    }
    if (len < 1 || p + len > area.length) throw malformed(`${what}: subpacket longer than its area`);
    const t = area[p]!;
    fn(t & 0x7f, area.subarray(p + 1, p + len), (t & 0x80) !== 0);
    p += len;
  }
}

/**
 * The v4 hash trailer (RFC 4880 §5.2.4): the hashed part of the signature,
 * then 0x04 0xFF and its length as four bytes.
 */
export function signatureTrailer(sig: Signature): Uint8Array {
  const n = sig.hashedPart.length;
  const out = new Uint8Array(n + 6);
  out.set(sig.hashedPart, 0);
  out[n] = 0x04;
  out[n + 1] = 0xff;
  out[n + 2] = (n >>> 24) & 0xff;
  out[n + 3] = (n >>> 16) & 0xff;
  out[n + 4] = (n >>> 8) & 0xff;
  out[n + 5] = n & 0xff;
  return out;
}

/** The key that made the signature, as the best hint available (fingerprint, else key id). */
export function issuerLabel(sig: Signature): string {
  return sig.issuerFingerprint ?? sig.issuerKeyId ?? '(no issuer subpacket)';
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex').toUpperCase();
}
