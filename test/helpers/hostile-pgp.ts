/**
 * Hand-made hostile OpenPGP signatures for InRelease files, the shapes a
 * mirror without any key can still serve: embedded signatures nested
 * thousands of levels deep, a signature packet cut into one-byte partial
 * lengths, a "Hash:" header line of megabytes. Each is wrapped as a
 * clearsigned InRelease around a real Release text.
 */
import { Tag, encodePacket } from '../../src/sources/debian/openpgp/index.js';

const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u32 = (n: number) => Buffer.from([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);

/** A signature subpacket (RFC 4880 §5.2.3.1) with the shortest length encoding. */
export function subpacket(type: number, data: Uint8Array): Buffer {
  const n = data.length + 1;
  const len =
    n < 192
      ? Buffer.from([n])
      : n < 8384
        ? Buffer.from([((n - 192) >> 8) + 192, (n - 192) & 0xff])
        : Buffer.concat([Buffer.from([255]), u32(n)]);
  return Buffer.concat([len, Buffer.from([type]), data]);
}

/** A v4 text signature body (EdDSA, SHA-256) with the given subpacket areas and no signature values. */
export function signatureBody(hashed: Uint8Array, unhashed: Uint8Array): Buffer {
  return Buffer.concat([
    Buffer.from([4, 0x01, 22, 8]),
    u16(hashed.length),
    hashed,
    u16(unhashed.length),
    unhashed,
    Buffer.from([0, 0]),
  ]);
}

/** Hashed subpackets every parsed signature needs: a creation time and an issuer no keyring has. */
export function basics(): Buffer {
  return Buffer.concat([
    subpacket(2, u32(1_700_000_000)),
    subpacket(33, Buffer.concat([Buffer.from([4]), Buffer.alloc(20, 0xab)])),
  ]);
}

/**
 * A signature whose embedded signature (subpacket 32) embeds another, and so
 * on, as deep as one subpacket area (65,535 bytes) allows: about 4,000 levels.
 * Returns the packet and the depth.
 */
export function nestedEmbedded(): { packet: Uint8Array; depth: number } {
  let inner = signatureBody(Buffer.alloc(0), Buffer.alloc(0));
  let depth = 1;
  for (;;) {
    const next = signatureBody(Buffer.alloc(0), subpacket(32, inner));
    if (next.length > 65_000) break;
    inner = next;
    depth++;
  }
  const level1 = signatureBody(subpacket(2, u32(1_700_000_000)), subpacket(32, inner));
  return { packet: encodePacket(Tag.Signature, signatureBody(basics(), subpacket(32, level1))), depth: depth + 2 };
}

/**
 * A signature packet whose body is sent in one-byte partial-length chunks
 * (RFC 4880 §4.2.2.4 allows them only on data packets); `padding` bytes of an
 * unknown unhashed subpacket make it as large as wanted (up to 65 KB).
 */
export function partialLengthSignature(padding: number): Uint8Array {
  const body = signatureBody(basics(), subpacket(100, Buffer.alloc(padding, 0x55)));
  const parts: Buffer[] = [Buffer.from([0xc0 | Tag.Signature])];
  for (let i = 0; i < body.length - 1; i++) parts.push(Buffer.from([0xe0, body[i]!])); // 0xE0: a partial length of 1
  parts.push(Buffer.from([1, body[body.length - 1]!]));
  return Buffer.concat(parts);
}

/** A clearsigned message around `text` with `signature` as its armored block and the given hash header line. */
export function clearsigned(text: string, signature: Uint8Array, hashHeader = 'Hash: SHA256'): string {
  const b64 = Buffer.from(signature).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  const body = text
    .trimEnd()
    .split('\n')
    .map((l) => (l.startsWith('-') ? `- ${l}` : l));
  return [
    '-----BEGIN PGP SIGNED MESSAGE-----',
    hashHeader,
    '',
    ...body,
    '-----BEGIN PGP SIGNATURE-----',
    '',
    ...lines,
    '-----END PGP SIGNATURE-----',
    '',
  ].join('\n');
}
