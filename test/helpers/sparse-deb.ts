/**
 * Test fixture: a real .deb whose data.tar holds one huge file of zeros (a
 * sparse file), packed with gzip as `gzip -1` would: a few MB on the wire,
 * gigabytes unpacked. The gzip stream is made without compressing gigabytes:
 * deflate blocks ending in a sync flush are byte-aligned, and a block that
 * encodes 1 MiB of zeros after a window of zeros decodes the same wherever
 * it is repeated; the CRC is computed over the zeros.
 */
import { crc32, deflateRawSync, constants } from 'node:zlib';
import { encodeHeader, TAR_END } from '../../src/oci/tar.js';
import { ar, compress, tar } from './debfile.js';

const MiB = 1 << 20;
const MTIME = 1_700_000_000;

export interface SparseDebOptions {
  name: string;
  version: string;
  arch: string;
  /** Archive name of the big file, e.g. './opt/big/zeros.bin'. */
  path: string;
  /** Its size in bytes: a multiple of 1 MiB. */
  size: number;
}

/** gzip of `prefix` followed by `zeros` zero bytes (zeros a multiple of 1 MiB, at least 2 MiB). */
function gzipZeros(prefix: Buffer, zeros: number): Buffer {
  const sync = { level: 1, finishFlush: constants.Z_SYNC_FLUSH };
  const zeroMiB = Buffer.alloc(MiB);
  const first = deflateRawSync(Buffer.concat([prefix, zeroMiB]), sync);
  const dictionary = Buffer.alloc(32 * 1024);
  const middle = deflateRawSync(zeroMiB, { ...sync, dictionary });
  const last = deflateRawSync(zeroMiB, { level: 1, dictionary });
  const blocks = zeros / MiB;
  let crc = crc32(prefix);
  for (let i = 0; i < blocks; i++) crc = crc32(zeroMiB, crc);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE((prefix.length + zeros) % 2 ** 32, 4);
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 3]);
  return Buffer.concat([header, first, ...new Array<Buffer>(blocks - 2).fill(middle), last, trailer]);
}

export function makeSparseDeb(opts: SparseDebOptions): Buffer {
  if (opts.size % MiB !== 0 || opts.size < MiB) throw new Error('size must be a positive multiple of 1 MiB');
  const dirs = tar([
    { path: './', type: 'dir' },
    ...opts.path
      .split('/')
      .slice(1, -1)
      .map((_, i, parts) => ({ path: `./${parts.slice(0, i + 1).join('/')}/`, type: 'dir' as const })),
  ]).subarray(0, -TAR_END.length);
  const fileHeader = Buffer.concat(
    encodeHeader({ name: opts.path, typeflag: '0', mode: 0o644, uid: 0, gid: 0, size: opts.size, mtime: MTIME }),
  );
  // data.tar = dirs + header + size zeros (no padding: a multiple of 512) + the end blocks (zeros too).
  const data = gzipZeros(Buffer.concat([dirs, fileHeader]), opts.size + MiB); // 1 MiB of trailing zeros ⊇ TAR_END
  const control = [
    `Package: ${opts.name}`,
    `Version: ${opts.version}`,
    `Architecture: ${opts.arch}`,
    'Maintainer: pare tests <tests@pare.invalid>',
    `Installed-Size: ${Math.ceil(opts.size / 1024)}`,
    'Section: misc',
    'Priority: optional',
    `Description: ${opts.name} test fixture`,
    ' a sparse file of zeros.',
    '',
  ].join('\n');
  const controlTar = tar([
    { path: './', type: 'dir' },
    { path: './control', data: control },
  ]);
  return ar(
    [
      ['debian-binary', Buffer.from('2.0\n')],
      ['control.tar.gz', compress(controlTar, 'gz')],
      ['data.tar.gz', data],
    ],
    MTIME,
  );
}
