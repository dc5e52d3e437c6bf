/**
 * APKINDEX.tar.gz: two gzip members, a tar fragment holding the signature
 * entries and a tar holding DESCRIPTION and APKINDEX. The signatures cover
 * the second member's compressed bytes exactly. Pure.
 */
import { ArchiveError } from '../../errors.js';
import { readTar } from '../../tree/tar-read.js';
import { gzipMembers, type OutputBound } from './gzip-members.js';
import { signatureEntry, verifyApkSignatures, type ApkKeyring, type ApkSignature } from './signature.js';

export interface ApkIndexArchive {
  signatures: ApkSignature[];
  /** The bytes the signatures cover (the second gzip member). */
  signed: Uint8Array;
  description: string;
  /** The APKINDEX text. */
  index: string;
}

const utf8 = new TextDecoder();

/** Wolfi's index, the largest known, inflates to tens of MiB; 512 MiB leaves room and bounds a bomb. */
const INDEX_BOUND: OutputBound = {
  max: 512 * 1024 * 1024,
  hint: 'no genuine APKINDEX is that large: the repository is hostile or the URL serves something else',
};

export function readApkIndexArchive(bytes: Uint8Array, label: string): ApkIndexArchive {
  const members = gzipMembers(bytes, label, 2, INDEX_BOUND);
  const bad = (why: string) =>
    new ArchiveError('ARCHIVE_FORMAT', `${label}: ${why}`, {
      hint: 'the URL does not serve an APKINDEX.tar.gz, or it is damaged',
    });
  const signatures: ApkSignature[] = [];
  let content = members[0]!;
  if (members.length === 2) {
    for (const e of readTar(members[0]!.data, `${label} (signature)`)) {
      const s = e.type === 'file' ? signatureEntry(e.name, e.data) : undefined;
      if (!s) throw bad(`unexpected entry "${e.name}" in the signature member`);
      signatures.push(s);
    }
    content = members[1]!;
  }
  let index: string | undefined;
  let description = '';
  for (const e of readTar(content.data, label)) {
    if (e.type !== 'file') continue;
    if (e.name === 'APKINDEX') index = utf8.decode(e.data);
    else if (e.name === 'DESCRIPTION') description = utf8.decode(e.data).trim();
  }
  if (index === undefined) throw bad('no APKINDEX entry');
  return { signatures, signed: content.raw, description, index };
}

/** Read and verify: the index text, once a signature by a keyring key verifies. */
export function verifiedApkIndex(
  bytes: Uint8Array,
  keyring: ApkKeyring,
  label: string,
): ApkIndexArchive & { signer: string } {
  const a = readApkIndexArchive(bytes, label);
  const signer = verifyApkSignatures(a.signatures, a.signed, keyring, label);
  return { ...a, signer };
}
