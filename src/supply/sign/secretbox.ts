/**
 * NaCl secretbox (XSalsa20 stream cipher + Poly1305 authenticator), the
 * cipher of cosign's encrypted private keys. Pure: bytes in, bytes out.
 *
 * Node's crypto has no XSalsa20-Poly1305, so it is written out here from the
 * primitives' definitions (Salsa20 family, HSalsa20 key derivation, Poly1305
 * in arbitrary precision) and tested against libsodium's published vectors.
 * Output is "easy" form: 16-byte tag, then the ciphertext.
 *
 * Poly1305 uses BigInt, which is not constant-time; the only use is opening a
 * key file on the user's own machine, where no attacker can time it.
 */
import { timingSafeEqual } from 'node:crypto';

export const SECRETBOX_KEY_BYTES = 32;
export const SECRETBOX_NONCE_BYTES = 24;
export const SECRETBOX_TAG_BYTES = 16;

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]; // "expand 32-byte k"

const rotl = (v: number, n: number): number => (v << n) | (v >>> (32 - n));

function readWords(b: Uint8Array, off: number, n: number): number[] {
  const dv = new DataView(b.buffer, b.byteOffset + off, n * 4);
  return Array.from({ length: n }, (_, i) => dv.getUint32(i * 4, true));
}

/** The 16-word Salsa20 input: constants on the diagonal, key, then 4 words of input. */
function salsaState(key: Uint8Array, input: number[]): Uint32Array {
  const k = readWords(key, 0, 8);
  return Uint32Array.from([
    SIGMA[0],
    k[0],
    k[1],
    k[2],
    k[3],
    SIGMA[1],
    input[0],
    input[1],
    input[2],
    input[3],
    SIGMA[2],
    k[4],
    k[5],
    k[6],
    k[7],
    SIGMA[3],
  ]);
}

/** 20 rounds (10 column+row double rounds) in place. */
function rounds(x: Uint32Array): void {
  const qr = (a: number, b: number, c: number, d: number): void => {
    x[b]! ^= rotl((x[a]! + x[d]!) | 0, 7);
    x[c]! ^= rotl((x[b]! + x[a]!) | 0, 9);
    x[d]! ^= rotl((x[c]! + x[b]!) | 0, 13);
    x[a]! ^= rotl((x[d]! + x[c]!) | 0, 18);
  };
  for (let i = 0; i < 10; i++) {
    qr(0, 4, 8, 12);
    qr(5, 9, 13, 1);
    qr(10, 14, 2, 6);
    qr(15, 3, 7, 11);
    qr(0, 1, 2, 3);
    qr(5, 6, 7, 4);
    qr(10, 11, 8, 9);
    qr(15, 12, 13, 14);
  }
}

/** HSalsa20: derive a 32-byte subkey from a key and a 16-byte nonce prefix. */
export function hsalsa20(key: Uint8Array, nonce16: Uint8Array): Uint8Array {
  const x = salsaState(key, readWords(nonce16, 0, 4));
  rounds(x);
  const out = new Uint8Array(32);
  const dv = new DataView(out.buffer);
  [0, 5, 10, 15, 6, 7, 8, 9].forEach((w, i) => dv.setUint32(i * 4, x[w]!, true));
  return out;
}

/** XSalsa20 keystream of `length` bytes for a 32-byte key and 24-byte nonce. */
export function xsalsa20Stream(key: Uint8Array, nonce: Uint8Array, length: number): Uint8Array {
  const subkey = hsalsa20(key, nonce.subarray(0, 16));
  const n = readWords(nonce, 16, 2);
  const out = new Uint8Array(length);
  const block = new Uint8Array(64);
  const bdv = new DataView(block.buffer);
  for (let counter = 0, off = 0; off < length; counter++, off += 64) {
    // 64-bit little-endian block counter; messages here never pass 2^32 blocks.
    const input = salsaState(subkey, [n[0]!, n[1]!, counter >>> 0, 0]);
    const x = input.slice();
    rounds(x);
    for (let i = 0; i < 16; i++) bdv.setUint32(i * 4, (x[i]! + input[i]!) >>> 0, true);
    out.set(block.subarray(0, Math.min(64, length - off)), off);
  }
  return out;
}

const P1305 = (1n << 130n) - 5n;

function leBig(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

/** Poly1305 one-time authenticator: 16-byte tag of `msg` under a 32-byte key. */
export function poly1305(msg: Uint8Array, key: Uint8Array): Uint8Array {
  const r = leBig(key.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn;
  const s = leBig(key.subarray(16, 32));
  let acc = 0n;
  for (let off = 0; off < msg.length; off += 16) {
    const chunk = msg.subarray(off, off + 16);
    acc = ((acc + leBig(chunk) + (1n << BigInt(8 * chunk.length))) * r) % P1305;
  }
  let tag = (acc + s) & ((1n << 128n) - 1n);
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++, tag >>= 8n) out[i] = Number(tag & 0xffn);
  return out;
}

function check(key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== SECRETBOX_KEY_BYTES) throw new RangeError(`secretbox key must be 32 bytes, got ${key.length}`);
  if (nonce.length !== SECRETBOX_NONCE_BYTES)
    throw new RangeError(`secretbox nonce must be 24 bytes, got ${nonce.length}`);
}

/** Encrypt and authenticate: returns tag (16 bytes) || ciphertext. */
export function secretboxSeal(plaintext: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array {
  check(key, nonce);
  const stream = xsalsa20Stream(key, nonce, 32 + plaintext.length);
  const out = new Uint8Array(SECRETBOX_TAG_BYTES + plaintext.length);
  const ct = out.subarray(SECRETBOX_TAG_BYTES);
  for (let i = 0; i < plaintext.length; i++) ct[i] = plaintext[i]! ^ stream[32 + i]!;
  out.set(poly1305(ct, stream.subarray(0, 32)), 0);
  return out;
}

/** Verify and decrypt; returns undefined when the box was not made with this key and nonce. */
export function secretboxOpen(box: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array | undefined {
  check(key, nonce);
  if (box.length < SECRETBOX_TAG_BYTES) return undefined;
  const ct = box.subarray(SECRETBOX_TAG_BYTES);
  const stream = xsalsa20Stream(key, nonce, 32 + ct.length);
  const want = poly1305(ct, stream.subarray(0, 32));
  if (!timingSafeEqual(want, box.subarray(0, SECRETBOX_TAG_BYTES))) return undefined;
  const out = new Uint8Array(ct.length);
  for (let i = 0; i < ct.length; i++) out[i] = ct[i]! ^ stream[32 + i]!;
  return out;
}
