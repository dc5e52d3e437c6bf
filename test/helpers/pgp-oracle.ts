/**
 * Differential testing of pare's OpenPGP verifier against openpgp.js (a
 * development dependency only): keys and signatures made with openpgp.js,
 * one verdict from each side for the same bytes at the same time, and
 * seeded mutations of signatures, signed data and keyrings.
 *
 * A verdict is 'accept' or 'reject'. pare may only reject with a PareError;
 * anything else it throws is returned as 'crash' so the test fails on it.
 */
import * as openpgp from 'openpgp';
import { isPareError } from '../../src/errors.js';
import { parseKeyring, verifyCleartext, verifyDetached } from '../../src/sources/debian/openpgp/index.js';

export type Verdict = 'accept' | 'reject' | 'crash';

export interface KeySpec {
  label: string;
  type: 'rsa' | 'ecc' | 'curve25519';
  curve?: 'nistP256' | 'nistP384' | 'nistP521' | 'ed25519Legacy';
  rsaBits?: number;
  /** A signing subkey (which then makes the signatures). */
  subkey?: boolean;
  /** Key lifetime in seconds (primary and subkey). */
  expiresIn?: number;
  created?: Date;
}

export interface GeneratedKey {
  spec: KeySpec;
  privateKey: openpgp.PrivateKey;
  /** Binary public keyring. */
  keyring: Uint8Array;
}

// Keys openpgp.js makes are v4 here: pare verifies v4 keys and signatures (Debian's archive keys).
const CONFIG: openpgp.PartialConfig = { v6Keys: false };

export async function generate(spec: KeySpec): Promise<GeneratedKey> {
  const sub = spec.subkey ? [{ sign: true, type: spec.type, curve: spec.curve, rsaBits: spec.rsaBits }, {}] : undefined;
  const { privateKey } = await openpgp.generateKey({
    type: spec.type,
    ...(spec.curve ? { curve: spec.curve } : {}),
    ...(spec.rsaBits ? { rsaBits: spec.rsaBits } : {}),
    userIDs: [{ name: `diff ${spec.label}`, email: 'diff@example.invalid' }],
    ...(spec.expiresIn ? { keyExpirationTime: spec.expiresIn } : {}),
    ...(spec.created ? { date: spec.created } : {}),
    ...(sub ? { subkeys: sub } : {}),
    format: 'object',
    config: CONFIG,
  });
  return { spec, privateKey, keyring: privateKey.toPublic().write() };
}

/** A clearsigned message made by openpgp.js at `date`. */
export async function clearsign(key: GeneratedKey, text: string, date: Date): Promise<string> {
  const message = await openpgp.createCleartextMessage({ text });
  return openpgp.sign({ message, signingKeys: key.privateKey, date, config: CONFIG });
}

/** A detached binary signature (packets, not armored) made by openpgp.js at `date`. */
export async function detachSign(key: GeneratedKey, data: Uint8Array, date: Date): Promise<Uint8Array> {
  const message = await openpgp.createMessage({ binary: data });
  return openpgp.sign({ message, signingKeys: key.privateKey, date, detached: true, format: 'binary', config: CONFIG });
}

function pareVerdict(fn: () => unknown): { verdict: Verdict; detail: string } {
  try {
    fn();
    return { verdict: 'accept', detail: 'ok' };
  } catch (e) {
    if (isPareError(e)) return { verdict: 'reject', detail: `${e.code}: ${e.message}` };
    return { verdict: 'crash', detail: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
}

async function openpgpVerdict(fn: () => Promise<unknown>): Promise<{ verdict: Verdict; detail: string }> {
  try {
    await fn();
    return { verdict: 'accept', detail: 'ok' };
  } catch (e) {
    return { verdict: 'reject', detail: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Keyrings are read as gpg reads them: a packet that does not parse (say, a
 * certification with an unknown hash algorithm) is skipped, not fatal to the
 * whole keyring; pare does the same (only valid self-signatures count).
 */
function readKeys(keyring: Uint8Array): Promise<openpgp.PublicKey[]> {
  return openpgp.readKeys({ binaryKeys: keyring, config: { ...CONFIG, ignoreMalformedPackets: true } });
}

export interface Judgement {
  pare: Verdict;
  openpgp: Verdict;
  why: string;
}

/** Both verdicts on a clearsigned message under a keyring at time `now`. */
export async function judgeCleartext(msg: Uint8Array | string, keyring: Uint8Array, now: Date): Promise<Judgement> {
  const p = pareVerdict(() => verifyCleartext(msg, parseKeyring(keyring), { now }));
  const o = await openpgpVerdict(async () => {
    const text = typeof msg === 'string' ? msg : Buffer.from(msg).toString('utf8');
    const verificationKeys = await readKeys(keyring);
    const message = await openpgp.readCleartextMessage({ cleartextMessage: text });
    const r = await openpgp.verify({ message, verificationKeys, date: now, expectSigned: true, config: CONFIG });
    return r.data;
  });
  return { pare: p.verdict, openpgp: o.verdict, why: `pare: ${p.detail}\nopenpgp.js: ${o.detail}` };
}

/** Both verdicts on a detached binary signature over `data`. */
export async function judgeDetached(
  data: Uint8Array,
  sig: Uint8Array,
  keyring: Uint8Array,
  now: Date,
): Promise<Judgement> {
  const p = pareVerdict(() => verifyDetached(data, sig, parseKeyring(keyring), { now }));
  const o = await openpgpVerdict(async () => {
    const verificationKeys = await readKeys(keyring);
    const signature = await openpgp.readSignature({ binarySignature: sig });
    const message = await openpgp.createMessage({ binary: data });
    const r = await openpgp.verify({
      message,
      signature,
      verificationKeys,
      date: now,
      expectSigned: true,
      format: 'binary',
      config: CONFIG,
    });
    return r.data;
  });
  return { pare: p.verdict, openpgp: o.verdict, why: `pare: ${p.detail}\nopenpgp.js: ${o.detail}` };
}

/** A small seeded PRNG (mulberry32), so every mutation is reproducible from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One mutation of `b`: a flipped bit, a changed byte, a truncation or a removed range. */
export function mutate(b: Uint8Array, rnd: () => number): { bytes: Uint8Array; how: string } {
  const out = Buffer.from(b);
  const at = Math.floor(rnd() * out.length);
  const kind = Math.floor(rnd() * 4);
  if (kind === 0) {
    const bit = Math.floor(rnd() * 8);
    out[at]! ^= 1 << bit;
    return { bytes: out, how: `flip bit ${bit} of byte ${at}` };
  }
  if (kind === 1) {
    const v = Math.floor(rnd() * 256);
    out[at] = v;
    return { bytes: out, how: `byte ${at} := ${v}` };
  }
  if (kind === 2) return { bytes: out.subarray(0, at), how: `truncate to ${at}` };
  const n = 1 + Math.floor(rnd() * 8);
  return { bytes: Buffer.concat([out.subarray(0, at), out.subarray(at + n)]), how: `remove ${n} bytes at ${at}` };
}
