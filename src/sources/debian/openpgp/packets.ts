/**
 * OpenPGP packet framing (RFC 4880 §4.2): old- and new-format headers,
 * partial body lengths, multiprecision integers (§3.2). Pure; bodies are
 * views into the input, not copies (except for partial-length packets).
 * Partial body lengths are accepted only for the data packets RFC 4880
 * §4.2.2.4 allows them on: a signature or key split into one-byte chunks
 * would otherwise cost many times its size in memory.
 */
import { malformed } from './armor.js';

export const Tag = {
  Signature: 2,
  SecretKey: 5,
  PublicKey: 6,
  SecretSubkey: 7,
  Marker: 10,
  Trust: 12,
  UserId: 13,
  PublicSubkey: 14,
  UserAttribute: 17,
} as const;

/** Compressed, symmetrically encrypted, literal, SEIPD and AEAD data: the only packets that may use partial lengths. */
const PARTIAL_OK = new Set([8, 9, 11, 18, 20]);

export interface Packet {
  tag: number;
  body: Uint8Array;
  /** Byte offset of the packet header in the input, for messages. */
  offset: number;
}

/**
 * Splits a binary OpenPGP stream into packets. Errors: VerifyError
 * 'SIG_MALFORMED' naming `what` and the byte offset.
 */
export function readPackets(bytes: Uint8Array, what = 'OpenPGP data'): Packet[] {
  const out: Packet[] = [];
  let pos = 0;
  const fail = (msg: string) => malformed(`${what}: ${msg} at byte ${pos}`);
  while (pos < bytes.length) {
    const start = pos;
    const ctb = bytes[pos++]!;
    if ((ctb & 0x80) === 0) throw fail(`invalid packet header 0x${ctb.toString(16).padStart(2, '0')}`);
    let tag: number;
    let body: Uint8Array;
    if (ctb & 0x40) {
      tag = ctb & 0x3f;
      const chunks: Uint8Array[] = [];
      for (;;) {
        const [len, partial, next] = newLength(bytes, pos, fail);
        if (partial && !PARTIAL_OK.has(tag)) throw fail(`partial body length on a packet of tag ${tag}`);
        if (next + len > bytes.length) throw fail(`packet (tag ${tag}) longer than the data`);
        chunks.push(bytes.subarray(next, next + len));
        pos = next + len;
        if (!partial) break;
      }
      body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    } else {
      tag = (ctb >> 2) & 0x0f;
      const lt = ctb & 3;
      let len: number;
      if (lt === 3) {
        len = bytes.length - pos;
      } else {
        const n = 1 << lt;
        if (pos + n > bytes.length) throw fail('truncated packet header');
        len = 0;
        for (let k = 0; k < n; k++) len = len * 256 + bytes[pos + k]!;
        pos += n;
      }
      if (pos + len > bytes.length) throw fail(`packet (tag ${tag}) longer than the data`);
      body = bytes.subarray(pos, pos + len);
      pos += len;
    }
    out.push({ tag, body, offset: start });
  }
  return out;
}

function newLength(b: Uint8Array, pos: number, fail: (m: string) => Error): [number, boolean, number] {
  if (pos >= b.length) throw fail('truncated packet length');
  const o1 = b[pos]!;
  if (o1 < 192) return [o1, false, pos + 1];
  if (o1 < 224) {
    if (pos + 1 >= b.length) throw fail('truncated packet length');
    return [((o1 - 192) << 8) + b[pos + 1]! + 192, false, pos + 2];
  }
  if (o1 < 255) return [1 << (o1 & 0x1f), true, pos + 1];
  if (pos + 4 >= b.length) throw fail('truncated packet length');
  return [readU32(b, pos + 1), false, pos + 5];
}

/** Encodes a packet with a new-format header (used by tests and tools). */
export function encodePacket(tag: number, body: Uint8Array): Uint8Array {
  const n = body.length;
  let head: number[];
  if (n < 192) head = [n];
  else if (n < 8384) head = [((n - 192) >> 8) + 192, (n - 192) & 0xff];
  else head = [255, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  return Buffer.concat([Uint8Array.of(0xc0 | tag, ...head), body]);
}

export function readU32(b: Uint8Array, pos: number): number {
  return ((b[pos]! << 24) | (b[pos + 1]! << 16) | (b[pos + 2]! << 8) | b[pos + 3]!) >>> 0;
}

/** A cursor over a packet body; every read is bounds-checked. */
export class Reader {
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly what: string,
  ) {}

  get left(): number {
    return this.bytes.length - this.pos;
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const v = (this.bytes[this.pos]! << 8) | this.bytes[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = readU32(this.bytes, this.pos);
    this.pos += 4;
    return v;
  }

  take(n: number): Uint8Array {
    this.need(n);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A multiprecision integer (RFC 4880 §3.2): bit count, then big-endian bytes. */
  mpi(): Uint8Array {
    const bits = this.u16();
    return this.take((bits + 7) >> 3);
  }

  need(n: number): void {
    if (this.pos + n > this.bytes.length)
      throw malformed(`${this.what}: truncated (needed ${n} more bytes at offset ${this.pos})`);
  }
}
