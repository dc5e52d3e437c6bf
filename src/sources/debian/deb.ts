/**
 * Read a Debian binary package (.deb): an ar archive holding `debian-binary`
 * (format 2.x), `control.tar[.gz|.xz|.zst]` and `data.tar[.gz|.xz|.zst]`, in
 * that order, plus optional members whose names start with '_'. Pure: bytes in,
 * parsed control files and raw data entries out. Maintainer scripts are never
 * read, let alone run.
 */
import { ArchiveError } from '../../errors.js';
import { decompress, compressionFromName, type Compression } from '../../util/decompress.js';
import { readTar, type RawTarEntry } from '../../tree/tar-read.js';
import { readAr, type ArMember } from './ar.js';

export interface DebContents {
  /** The text of the control file (deb822 paragraph). */
  control: string;
  /** The md5sums file text, when the package has one. */
  md5sums?: string;
  /** The conffiles file text, when the package has one. */
  conffiles?: string;
  /** The entries of data.tar, in archive order. */
  data: RawTarEntry[];
}

const TAR_MEMBER = /^(control|data)\.tar(\.gz|\.xz|\.zst)?$/;
const text = new TextDecoder('utf-8');

function formatError(label: string, msg: string): ArchiveError {
  return new ArchiveError('ARCHIVE_FORMAT', `${label}: ${msg}`, {
    hint: 'The file is not a valid Debian binary package; delete it from the cache and fetch it again.',
  });
}

/** The control files of a package, from the entries of its control.tar. */
export function controlFiles(entries: RawTarEntry[], label: string): Omit<DebContents, 'data'> {
  const files = new Map<string, string>();
  for (const e of entries) {
    if (e.type !== 'file') continue;
    const name = e.name.replace(/^(\.\/)+/, '');
    if (name === 'control' || name === 'md5sums' || name === 'conffiles') files.set(name, text.decode(e.data));
  }
  const control = files.get('control');
  if (control === undefined) throw formatError(label, 'control.tar has no control file');
  return { control, md5sums: files.get('md5sums'), conffiles: files.get('conffiles') };
}

export interface ReadDebOptions {
  /**
   * Decompresses the data.tar member; the default is `decompress`. A caller
   * may memoize it (the build caches uncompressed data.tar by the .deb digest).
   */
  unpackData?: (compressed: Uint8Array, kind: Compression, label: string) => Promise<Uint8Array>;
}

/** The control.tar and data.tar members of a .deb, checked for the format's order rules. */
export function debMembers(bytes: Uint8Array, label: string): { control: ArMember; data: ArMember } {
  const members = readAr(bytes, label);
  const first = members[0];
  if (!first || first.name !== 'debian-binary') {
    throw formatError(label, `first ar member is '${first?.name ?? '(none)'}', expected 'debian-binary'`);
  }
  const version = text.decode(first.data).trim();
  if (!/^2\.\d+$/.test(version)) {
    throw formatError(label, `unsupported package format version '${version}' (expected 2.x)`);
  }
  let control: ArMember | undefined;
  let data: ArMember | undefined;
  for (const m of members.slice(1)) {
    if (m.name.startsWith('_')) continue;
    const match = TAR_MEMBER.exec(m.name);
    if (!match) throw formatError(label, `unexpected ar member '${m.name}'`);
    if (match[1] === 'control') {
      if (control || data) throw formatError(label, `misplaced or duplicate member '${m.name}'`);
      control = m;
    } else {
      if (!control) throw formatError(label, `member '${m.name}' comes before control.tar`);
      if (data) throw formatError(label, `duplicate member '${m.name}'`);
      data = m;
    }
  }
  if (!control) throw formatError(label, 'no control.tar member');
  if (!data) throw formatError(label, 'no data.tar member');
  return { control, data };
}

/** The control files of a .deb (control.tar is small: read in memory). */
export async function readControl(control: ArMember, label: string): Promise<Omit<DebContents, 'data'>> {
  return controlFiles(readTar(await unpack(control, label), `${label}: ${control.name}`), label);
}

/** Parse a .deb. `label` names the package file in errors, e.g. "hello_1.0_amd64.deb". */
export async function readDeb(bytes: Uint8Array, label: string, opts: ReadDebOptions = {}): Promise<DebContents> {
  const { control, data } = debMembers(bytes, label);
  const unpackData = opts.unpackData ?? decompress;
  const [controlTar, dataTar] = await Promise.all([
    unpack(control, label),
    unpackData(data.data, compressionFromName(data.name), `${label}: ${data.name}`),
  ]);
  return {
    ...controlFiles(readTar(controlTar, `${label}: ${control.name}`), label),
    data: readTar(dataTar, `${label}: ${data.name}`),
  };
}

function unpack(m: ArMember, label: string): Promise<Uint8Array> {
  const kind: Compression = compressionFromName(m.name);
  return decompress(m.data, kind, `${label}: ${m.name}`);
}
