/**
 * Reader for the `ar` archive format as dpkg writes it: the "!<arch>\n"
 * magic, then members with 60-byte headers, data padded to an even length.
 * Member names may end with spaces or a GNU-style '/'; GNU symbol/name tables
 * and BSD "#1/len" names are not used by .deb files and are rejected. Pure: no
 * I/O, member data are subarrays of the input (no copies).
 */
import { ArchiveError } from '../../errors.js';

export interface ArMember {
  name: string;
  /** The member's bytes, a view into the archive. */
  data: Uint8Array;
  mode: number;
  mtime: number;
}

const MAGIC = '!<arch>\n';
const HEADER = 60;

function field(bytes: Uint8Array, start: number, len: number): string {
  let s = '';
  for (let i = start; i < start + len; i++) s += String.fromCharCode(bytes[i]!);
  return s.trimEnd();
}

function decimal(s: string, radix: number, what: string, label: string, offset: number): number {
  const digits = radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (s === '') return 0;
  if (!digits.test(s)) {
    throw new ArchiveError('ARCHIVE_FORMAT', `${label}: bad ar member ${what} '${s}' at offset ${offset}`);
  }
  return parseInt(s, radix);
}

/** Parse an ar archive. `label` names the archive in errors. */
export function readAr(bytes: Uint8Array, label: string): ArMember[] {
  if (bytes.length < MAGIC.length || field(bytes, 0, MAGIC.length) !== MAGIC.trimEnd() || bytes[7] !== 0x0a) {
    throw new ArchiveError('ARCHIVE_FORMAT', `${label}: not an ar archive (no "!<arch>" magic)`, {
      hint: 'A .deb file starts with "!<arch>"; the file is not a Debian package or is damaged.',
    });
  }
  const members: ArMember[] = [];
  let off = MAGIC.length;
  while (off < bytes.length) {
    // A lone newline padding byte at the very end is tolerated.
    if (off === bytes.length - 1 && bytes[off] === 0x0a) break;
    if (off + HEADER > bytes.length) {
      throw new ArchiveError('ARCHIVE_FORMAT', `${label}: truncated ar member header at offset ${off}`);
    }
    if (bytes[off + 58] !== 0x60 || bytes[off + 59] !== 0x0a) {
      throw new ArchiveError('ARCHIVE_FORMAT', `${label}: bad ar member header at offset ${off} (no terminator)`);
    }
    let name = field(bytes, off, 16);
    if (name.startsWith('/') || name.startsWith('#1/')) {
      throw new ArchiveError('ARCHIVE_FORMAT', `${label}: unsupported ar member name '${name}' at offset ${off}`);
    }
    if (name.endsWith('/')) name = name.slice(0, -1);
    const mtime = decimal(field(bytes, off + 16, 12), 10, 'mtime', label, off);
    const mode = decimal(field(bytes, off + 40, 8), 8, 'mode', label, off);
    const size = decimal(field(bytes, off + 48, 10), 10, 'size', label, off);
    const start = off + HEADER;
    if (start + size > bytes.length) {
      throw new ArchiveError(
        'ARCHIVE_FORMAT',
        `${label}: ar member '${name}' is truncated (needs ${size} bytes, ${bytes.length - start} left)`,
        { hint: 'The file is incomplete; delete it from the cache and fetch it again.' },
      );
    }
    members.push({ name, data: bytes.subarray(start, start + size), mode, mtime });
    off = start + size + (size & 1);
  }
  return members;
}
