/**
 * OpenPGP ASCII armor (RFC 4880 §6, RFC 9580 §6): base64 between
 * `-----BEGIN PGP <TYPE>-----` and `-----END PGP <TYPE>-----`, with optional
 * `Key: value` headers and an optional `=XXXX` CRC-24 checksum. Pure.
 */
import { VerifyError } from '../../../errors.js';

export interface ArmorBlock {
  /** The word(s) after "BEGIN PGP", e.g. "SIGNATURE", "PUBLIC KEY BLOCK". */
  type: string;
  headers: [string, string][];
  data: Uint8Array;
}

const CRC24_INIT = 0xb704ce;
const CRC24_POLY = 0x1864cfb;
const CRC24_TABLE = buildCrcTable();

function buildCrcTable(): Int32Array {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 16;
    for (let k = 0; k < 8; k++) {
      c <<= 1;
      if (c & 0x1000000) c ^= CRC24_POLY;
    }
    t[i] = c & 0xffffff;
  }
  return t;
}

/** CRC-24 of RFC 4880 §6.1, as used in the armor checksum. */
export function crc24(data: Uint8Array): number {
  let crc = CRC24_INIT;
  for (let i = 0; i < data.length; i++) {
    crc = ((crc << 8) ^ CRC24_TABLE[((crc >>> 16) ^ data[i]!) & 0xff]!) & 0xffffff;
  }
  return crc;
}

const BEGIN = /^-----BEGIN PGP ([A-Z0-9 ,/]+)-----[ \t]*$/;
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;

/** True if the bytes start (after whitespace) with an armor header line. */
export function looksArmored(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  const head = Buffer.from(bytes.buffer, bytes.byteOffset + i, Math.min(14, bytes.length - i)).toString('latin1');
  return head === '-----BEGIN PGP';
}

/**
 * Decodes every armored block in `text` (blocks may be concatenated, with
 * anything outside them ignored). Errors: VerifyError 'SIG_MALFORMED' for an
 * unterminated block, bad base64, or a checksum mismatch.
 */
export function dearmor(text: string, what = 'armored data'): ArmorBlock[] {
  const lines = text.split('\n');
  const blocks: ArmorBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = BEGIN.exec(stripCr(lines[i]!));
    if (!m) continue;
    const [block, next] = decodeBlock(lines, i, m[1]!, what);
    blocks.push(block);
    i = next;
  }
  if (blocks.length === 0) throw malformed(`${what}: no "-----BEGIN PGP ...-----" line found`);
  return blocks;
}

/**
 * Decodes one block whose BEGIN line is lines[start]. Returns the block and the
 * index of its END line.
 */
export function decodeBlock(lines: string[], start: number, type: string, what: string): [ArmorBlock, number] {
  const end = `-----END PGP ${type}-----`;
  const headers: [string, string][] = [];
  let i = start + 1;
  // Headers run up to the first blank line.
  for (; i < lines.length; i++) {
    const line = stripCr(lines[i]!);
    if (line.trim() === '') break;
    const colon = line.indexOf(': ');
    if (colon <= 0)
      throw malformed(`${what}: invalid armor header line ${i + 1}: ${JSON.stringify(line.slice(0, 60))}`);
    headers.push([line.slice(0, colon), line.slice(colon + 2)]);
  }
  const b64: string[] = [];
  let checksum: string | undefined;
  for (i++; i < lines.length; i++) {
    const line = stripCr(lines[i]!).trimEnd();
    if (line === end) break;
    if (line.startsWith('-----'))
      throw malformed(`${what}: expected "${end}" at line ${i + 1}, found ${JSON.stringify(line)}`);
    if (checksum !== undefined) throw malformed(`${what}: data after the armor checksum at line ${i + 1}`);
    if (line.length === 5 && line[0] === '=') {
      checksum = line.slice(1);
      continue;
    }
    if (!BASE64_LINE.test(line)) throw malformed(`${what}: invalid base64 at line ${i + 1}`);
    b64.push(line);
  }
  if (i >= lines.length) throw malformed(`${what}: missing "${end}"`);
  const data = Buffer.from(b64.join(''), 'base64');
  if (checksum !== undefined) {
    const want = Buffer.from(checksum, 'base64');
    if (want.length !== 3 || !BASE64_LINE.test(checksum))
      throw malformed(`${what}: invalid armor checksum "=${checksum}"`);
    const got = crc24(data);
    if (((want[0]! << 16) | (want[1]! << 8) | want[2]!) !== got) {
      throw malformed(
        `${what}: armor checksum mismatch (CRC-24 of the data is ${got.toString(16).padStart(6, '0')}, armor says ${want.toString('hex')})`,
      );
    }
  }
  return [{ type, headers, data: new Uint8Array(data.buffer, data.byteOffset, data.length) }, i];
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

export function malformed(message: string, cause?: unknown): VerifyError {
  return new VerifyError('SIG_MALFORMED', message, {
    hint: 'the file is not a valid OpenPGP message; it may be truncated or corrupted in transit (refetch it)',
    cause,
  });
}
