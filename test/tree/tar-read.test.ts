import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync, linkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hasCode } from '../../src/errors.js';
import { encodeHeader, padding, TAR_END } from '../../src/oci/tar.js';
import { readTar } from '../../src/tree/tar-read.js';
import { tar } from '../helpers/debfile.js';

const long = `./usr/share/doc/${'a-very-long-directory-name/'.repeat(5)}file-with-a-long-name.txt`;

function entry(
  name: string,
  typeflag: string,
  data: Buffer,
  extra: Partial<Parameters<typeof encodeHeader>[0]> = {},
): Buffer[] {
  return [
    ...encodeHeader({ name, typeflag, mode: 0o644, uid: 0, gid: 0, size: data.length, mtime: 1, ...extra }),
    data,
    padding(data.length),
  ];
}

function text(b: Uint8Array): string {
  return Buffer.from(b).toString();
}

const tmp = mkdtempSync(join(tmpdir(), 'pare-tar-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('readTar', () => {
  it('reads ustar files, directories, symlinks and hard links with modes and ids', () => {
    const buf = tar([
      { path: './', type: 'dir' },
      { path: './usr/bin/', type: 'dir', mode: 0o755 },
      { path: './usr/bin/su', mode: 0o4755, data: 'su', uid: 0, gid: 0 },
      { path: './usr/bin/x', mode: 0o2755, data: 'x', uid: 1000, gid: 42 },
      { path: './usr/bin/y', type: 'symlink', target: 'x' },
      { path: './usr/bin/z', type: 'hardlink', target: './usr/bin/x' },
    ]);
    const es = readTar(buf, 't.tar');
    assert.deepEqual(
      es.map((e) => [e.name, e.type, e.mode.toString(8), e.uid, e.gid, e.linkname, text(e.data)]),
      [
        ['./', 'dir', '755', 0, 0, '', ''],
        ['./usr/bin/', 'dir', '755', 0, 0, '', ''],
        ['./usr/bin/su', 'file', '4755', 0, 0, '', 'su'],
        ['./usr/bin/x', 'file', '2755', 1000, 42, '', 'x'],
        ['./usr/bin/y', 'symlink', '777', 0, 0, 'x', ''],
        ['./usr/bin/z', 'hardlink', '644', 0, 0, './usr/bin/x', ''],
      ],
    );
    // data is a view into the archive, not a copy
    assert.equal(es[2]!.data.buffer, buf.buffer);
  });

  it('reads PAX path, linkpath, size, uid and gid, and global headers', () => {
    const longTarget = `../${'t'.repeat(150)}`;
    const buf = Buffer.concat([
      ...entry(long, '0', Buffer.from('long')),
      ...entry('./l', '2', Buffer.alloc(0), { linkname: longTarget }),
      ...entry('./big-ids', '0', Buffer.from('ids'), { uid: 3_000_000, gid: 4_000_000 }),
      TAR_END,
    ]);
    const es = readTar(buf, 't.tar');
    assert.equal(es.length, 3);
    assert.equal(es[0]!.name, long);
    assert.equal(text(es[0]!.data), 'long');
    assert.equal(es[1]!.linkname, longTarget);
    assert.deepEqual([es[2]!.uid, es[2]!.gid], [3_000_000, 4_000_000]);

    const global = Buffer.from('17 uid=123456789\n');
    const local = Buffer.from('20 path=./pax/named\n');
    const buf2 = Buffer.concat([
      ...entry('pax_global_header', 'g', global),
      ...entry('PaxHeader', 'x', local),
      ...entry('./short', '0', Buffer.from('a')),
      ...entry('./second', '0', Buffer.from('b')),
      TAR_END,
    ]);
    const es2 = readTar(buf2, 't.tar');
    assert.deepEqual(
      es2.map((e) => [e.name, e.uid]),
      [
        ['./pax/named', 123456789],
        ['./second', 123456789],
      ],
    );
  });

  it('reads GNU long names and long link names', () => {
    const name = Buffer.from(`${long}\0`);
    const link = Buffer.from(`${'../'.repeat(40)}target\0`);
    const buf = Buffer.concat([
      ...entry('././@LongLink', 'L', name),
      ...entry('././@LongLink', 'K', link),
      ...entry(long.slice(0, 99), '2', Buffer.alloc(0), { linkname: 'short' }),
      TAR_END,
    ]);
    const [e] = readTar(buf, 't.tar');
    assert.equal(e!.name, long);
    assert.equal(e!.linkname, link.toString().slice(0, -1));
    assert.equal(e!.type, 'symlink');
  });

  it('reads archives written by GNU tar (gnu, posix and ustar formats)', () => {
    const root = join(tmp, 'src');
    const deep = join(root, 'usr', 'share', 'x'.repeat(60), 'y'.repeat(60));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'z'.repeat(90)), 'deep file');
    writeFileSync(join(root, 'usr', 'suid'), 'suid');
    chmodSync(join(root, 'usr', 'suid'), 0o4755);
    linkSync(join(root, 'usr', 'suid'), join(root, 'usr', 'suid-link'));
    symlinkSync('suid', join(root, 'usr', 'sym'));
    for (const format of ['gnu', 'posix', 'ustar']) {
      const r = spawnSync(
        'tar',
        ['-c', `--format=${format}`, '--sort=name', '--owner=0', '--group=0', '--numeric-owner', '-C', root, '.'],
        { maxBuffer: 1 << 26 },
      );
      if (format === 'ustar') {
        // the deep name fits ustar only via the prefix field: 155 + 100
        assert.equal(r.status, 0, r.stderr.toString());
      }
      const es = readTar(r.stdout, `${format}.tar`);
      const byName = new Map(es.map((e) => [e.name.replace(/\/$/, ''), e]));
      const deepName = `./usr/share/${'x'.repeat(60)}/${'y'.repeat(60)}/${'z'.repeat(90)}`;
      assert.equal(text(byName.get(deepName)!.data), 'deep file', format);
      assert.equal(byName.get('./usr/suid')!.mode, 0o4755, format);
      assert.equal(byName.get('./usr/suid-link')!.type, 'hardlink', format);
      assert.equal(byName.get('./usr/suid-link')!.linkname, './usr/suid', format);
      assert.equal(byName.get('./usr/sym')!.linkname, 'suid', format);
      assert.equal(byName.get('./usr')!.type, 'dir', format);
    }
  });

  it('reads GNU base-256 numbers', () => {
    const [h] = encodeHeader({ name: './f', typeflag: '0', mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 0 });
    const hdr = Buffer.from(h!);
    hdr.fill(0, 108, 116);
    hdr[108] = 0x80;
    hdr.writeUInt32BE(5_000_000_000 % 2 ** 32, 112); // low 32 bits
    hdr[111] = Math.floor(5_000_000_000 / 2 ** 32);
    fixChecksum(hdr);
    const [e] = readTar(Buffer.concat([hdr, TAR_END]), 't.tar');
    assert.equal(e!.uid, 5_000_000_000);
  });

  it('rejects bad checksums and truncated archives with ARCHIVE_FORMAT naming the archive', () => {
    const good = tar([
      { path: './a', data: 'x'.repeat(1000) },
      { path: './b', data: 'b' },
    ]);
    const badSum = Buffer.from(good);
    badSum[5] = 0x41;
    const cases = [
      badSum,
      good.subarray(0, 700), // inside a's data
      good.subarray(0, 200), // inside a header
      good.subarray(0, 512 + 1000), // inside a's padding
    ];
    for (const c of cases) {
      assert.throws(
        () => readTar(c, 'pkg.deb: data.tar'),
        (e: unknown) => {
          assert.ok(hasCode(e, 'ARCHIVE_FORMAT'), String(e));
          assert.match(e.message, /^pkg\.deb: data\.tar: /);
          return true;
        },
      );
    }
  });

  it('accepts an archive that ends on a block boundary without the end blocks, as dpkg does', () => {
    const good = tar([{ path: './a', data: 'a' }]);
    assert.equal(readTar(good.subarray(0, 1024), 't').length, 1);
  });

  it('classifies special files without reading them as files', () => {
    const buf = Buffer.concat([
      ...entry('./dev/null', '3', Buffer.alloc(0)),
      ...entry('./fifo', '6', Buffer.alloc(0)),
      TAR_END,
    ]);
    assert.deepEqual(
      readTar(buf, 't').map((e) => e.type),
      ['char', 'fifo'],
    );
  });

  it('parses a 13 MB archive with 2,000 entries, data as views of the input', () => {
    const files = Array.from({ length: 2000 }, (_, i) => ({
      path: `./usr/lib/x/file-${i}`,
      data: Buffer.alloc(6500, i),
    }));
    const buf = tar(files);
    const es = readTar(buf, 'big.tar').filter((e) => e.type === 'file');
    assert.equal(es.length, 2000);
    assert.equal(es[1999]!.data.buffer, buf.buffer);
    assert.equal(es[1999]!.data[0], 1999 & 0xff);
  });
});

function fixChecksum(hdr: Buffer): void {
  hdr.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of hdr) sum += b;
  hdr.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
}
