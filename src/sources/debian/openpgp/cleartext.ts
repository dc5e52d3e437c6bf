/**
 * The cleartext signature framework (RFC 4880 §7), as in Debian InRelease
 * files: the signed text (dash-escaped) between a "BEGIN PGP SIGNED MESSAGE"
 * header and an armored signature block. Strict about the frame: nothing but
 * blank lines may stand outside it, so no unsigned text can pass for signed.
 */
import { decodeBlock, malformed } from './armor.js';

export interface Cleartext {
  /** The canonical bytes the signatures cover (CRLF line ends, trailing whitespace stripped, no final line end). */
  signed: Uint8Array;
  /** The signed text with "\n" line ends, each line (the last too) terminated. */
  text: string;
  /** Hash algorithm names from the "Hash:" headers, as written. */
  hashes: string[];
  /** The OpenPGP ids of those hash algorithms (every signature must use one of them, if any are named). */
  hashAlgos: number[];
  /** The binary signature packets from the armored block. */
  signature: Uint8Array;
}

const SIGNED_BEGIN = '-----BEGIN PGP SIGNED MESSAGE-----';
const SIG_BEGIN = '-----BEGIN PGP SIGNATURE-----';
/** RFC 4880 §9.4 / RFC 9580 §9.5 text names of hash algorithms, as "Hash:" headers write them. */
const HASH_NAMES: Record<string, number> = {
  MD5: 1,
  SHA1: 2,
  RIPEMD160: 3,
  SHA256: 8,
  SHA384: 9,
  SHA512: 10,
  SHA224: 11,
  'SHA3-256': 12,
  'SHA3-512': 14,
};
/** Armor header lines are short ("Hash: SHA256"); a longer one is hostile or broken. */
const MAX_HEADER_LINE = 1024;

/** Splits a clearsigned message. Errors: VerifyError 'SIG_MALFORMED' naming `what` and the line. */
export function parseCleartext(input: Uint8Array | string, what = 'InRelease'): Cleartext {
  // latin1 maps bytes 1:1 to code units, so any byte sequence round-trips.
  const bytes =
    typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.length);
  const lines = bytes.toString('latin1').split('\n');
  let i = 0;
  while (i < lines.length && isBlank(lines[i]!)) i++;
  if (i >= lines.length || lines[i]!.trimEnd() !== SIGNED_BEGIN) {
    throw malformed(`${what} is not a clearsigned OpenPGP message: expected "${SIGNED_BEGIN}" at line ${i + 1}`);
  }
  const hashes: string[] = [];
  for (i++; i < lines.length && !isBlank(lines[i]!); i++) {
    const line = lines[i]!;
    if (line.length > MAX_HEADER_LINE)
      throw malformed(
        `${what}: line ${i + 1}: a header line of ${line.length} characters (at most ${MAX_HEADER_LINE})`,
      );
    // Linear: no pattern that backtracks between the value and trailing blanks (a run of spaces made one quadratic).
    const value = line.startsWith('Hash:') ? line.slice(5).trim() : '';
    if (!value) throw malformed(`${what}: line ${i + 1}: only "Hash:" headers may follow "${SIGNED_BEGIN}"`);
    hashes.push(...value.split(',').map((h) => h.trim()));
  }
  const hashAlgos = hashes.map((h) => {
    const id = HASH_NAMES[h.toUpperCase()];
    if (id === undefined)
      throw malformed(`${what}: unknown hash algorithm ${JSON.stringify(h.slice(0, 40))} in the "Hash:" header`);
    return id;
  });
  if (i >= lines.length) throw malformed(`${what}: no text after the "${SIGNED_BEGIN}" header`);
  const textLines: string[] = [];
  let sigAt = -1;
  for (i++; i < lines.length; i++) {
    let line = lines[i];
    if (line!.charCodeAt(0) === 0x2d /* - */) {
      if (line!.startsWith('- ')) {
        line = line!.slice(2);
      } else if (line!.trimEnd() === SIG_BEGIN) {
        sigAt = i;
        break;
      } else if (line!.startsWith('-----')) {
        throw malformed(
          `${what}: line ${i + 1}: unexpected armor line ${JSON.stringify(line!.trimEnd().slice(0, 60))} inside the signed text`,
        );
      }
    }
    textLines.push(stripTrailing(line!));
  }
  if (sigAt < 0) throw malformed(`${what}: no "${SIG_BEGIN}" block after the signed text`);
  const [block, end] = decodeBlock(lines, sigAt, 'SIGNATURE', what);
  for (let k = end + 1; k < lines.length; k++) {
    if (!isBlank(lines[k]!)) throw malformed(`${what}: line ${k + 1}: text after the signature block is not allowed`);
  }
  const signed = Buffer.from(textLines.join('\r\n'), 'latin1');
  const text = Buffer.from(textLines.join('\n') + '\n', 'latin1').toString('utf8');
  return { signed, text, hashes, hashAlgos, signature: block.data };
}

function isBlank(line: string): boolean {
  return /^[ \t\r]*$/.test(line);
}

/** Removes trailing spaces, tabs and the CR of a CRLF line end (RFC 4880 §7.1). */
function stripTrailing(line: string): string {
  let n = line.length;
  while (n > 0) {
    const c = line.charCodeAt(n - 1);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) break;
    n--;
  }
  return n === line.length ? line : line.slice(0, n);
}
