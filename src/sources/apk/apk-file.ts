/**
 * Read and verify an .apk (v2): gzip members signature (optional), control
 * (.PKGINFO and install scripts, never run) and data. The control member's
 * SHA-1 must equal the index's C: (`Q1` + base64), which pins .PKGINFO, and
 * the data member's SHA-256 must equal .PKGINFO's `datahash`, which pins
 * every file. Pure: bytes in, verified content out.
 */
import { createHash } from 'node:crypto';
import { ArchiveError, VerifyError } from '../../errors.js';
import { readTar, type RawTarEntry } from '../../tree/tar-read.js';
import { constants } from 'node:buffer';
import { gzipMembers, gzipPrefix } from './gzip-members.js';
import { DEFAULT_LIMITS } from '../../config/limits.js';

/** APK data is inflated in memory: one buffer, at most Node's largest. */
const MAX_BUFFER = constants.MAX_LENGTH;
import { parsePkgInfo, pkgInfoValue, type PkgInfo } from './pkginfo.js';
import { signatureEntry, type ApkSignature } from './signature.js';

export interface ApkContents {
  signatures: ApkSignature[];
  /** `Q1` + base64(SHA-1 of the control member): what an index's C: must say. */
  checksum: string;
  pkginfo: PkgInfo;
  /** sha256 (hex) of the data member, equal to .PKGINFO's datahash. */
  datahash: string;
  /** The data entries, in archive order. */
  data: RawTarEntry[];
}

const utf8 = new TextDecoder();

/** `Q1` + base64 SHA-1: apk's checksum notation. */
export function q1(bytes: Uint8Array | string): string {
  return `Q1${createHash('sha1').update(bytes).digest('base64')}`;
}

export interface ReadApkOptions {
  /** The index's C: for this package; a different control checksum is rejected. */
  checksum?: string;
  /** Most bytes the data member may inflate to (the package-size limit); default DEFAULT_LIMITS.packageBytes. */
  maxDataBytes?: number;
}

export function readApk(bytes: Uint8Array, label: string, opts: ReadApkOptions = {}): ApkContents {
  const bad = (why: string) =>
    new ArchiveError('ARCHIVE_FORMAT', `${label}: ${why}`, {
      hint: 'the file is not a valid .apk; delete it from the cache and fetch it again',
    });
  // The raw control member is hashed against C: and the data member against datahash before the
  // data is inflated; with C: given, that covers the control member's gzip trailer as well.
  const head = gzipPrefix(bytes, label, 1, opts.checksum === undefined);
  if (head.members.length === 0) throw bad('empty file, no gzip member');
  const first = readTar(head.members[0]!.data, `${label} (first member)`);
  const signed = first.length > 0 && first.every((e) => signatureEntry(e.name, e.data) !== undefined);
  const signatures: ApkSignature[] = signed ? first.map((e) => signatureEntry(e.name, e.data)!) : [];
  let control = head.members[0]!;
  let rest = head.rest;
  if (signed) {
    const next = gzipPrefix(rest, label, 1, opts.checksum === undefined);
    if (next.members.length === 0) throw bad('no control member after the signature');
    control = next.members[0]!;
    rest = next.rest;
  }
  if (rest.length === 0) throw bad('no data member');
  const checksum = q1(control.raw);
  if (opts.checksum !== undefined && checksum !== opts.checksum) {
    throw new VerifyError(
      'HASH_MISMATCH',
      `${label}: control checksum ${checksum} does not match the index's C:${opts.checksum}`,
      {
        hint: 'the package file is corrupt or was replaced after the index was signed; fetch it again or check the repository',
        detail: { got: checksum, want: opts.checksum },
      },
    );
  }
  const info = (signed ? readTar(control.data, `${label} (control)`) : first).find(
    (e) => e.type === 'file' && e.name === '.PKGINFO',
  );
  if (!info) throw bad('the control member has no .PKGINFO');
  const pkginfo = parsePkgInfo(utf8.decode(info.data));
  const want = pkgInfoValue(pkginfo, 'datahash');
  const datahash = createHash('sha256').update(rest).digest('hex');
  if (want === undefined) {
    throw new VerifyError('HASH_MISMATCH', `${label}: .PKGINFO has no datahash, so its files cannot be verified`, {
      hint: 'rebuild the package with a current abuild or melange',
    });
  }
  if (want !== datahash) {
    throw new VerifyError(
      'HASH_MISMATCH',
      `${label}: data sha256 ${datahash} does not match .PKGINFO datahash ${want}`,
      {
        hint: 'the package file is corrupt or tampered with; fetch it again or check the repository',
        detail: { got: datahash, want },
      },
    );
  }
  const max = Math.min(opts.maxDataBytes ?? DEFAULT_LIMITS.packageBytes, MAX_BUFFER);
  const data = gzipMembers(rest, `${label} (data)`, 1, {
    max,
    hint: 'raise the limit with --max-package-size SIZE or limits.package-size in the config, if the package is genuine',
  })[0]!;
  return { signatures, checksum, pkginfo, datahash, data: readTar(data.data, `${label} (data)`) };
}
