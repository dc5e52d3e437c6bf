import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hasCode } from '../../../src/errors.js';
import { readDeb } from '../../../src/sources/debian/deb.js';
import { ar, compress, makeDeb, tar } from '../../helpers/debfile.js';

const tmp = mkdtempSync(join(tmpdir(), 'pare-deb-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const hello = {
  name: 'hello',
  version: '2.10-3',
  arch: 'amd64',
  depends: 'libc6 (>= 2.34)',
  files: [
    { path: './usr/bin/hello', mode: 0o755, data: '#!/bin/true\n' },
    { path: './usr/bin/hi', type: 'symlink' as const, target: 'hello' },
    { path: './usr/bin/hello2', type: 'hardlink' as const, target: './usr/bin/hello' },
    { path: './usr/bin/passwd', mode: 0o4755, data: 'suid' },
    { path: './etc/hello.conf', data: 'greeting=hi\n' },
  ],
  conffiles: ['/etc/hello.conf'],
};

async function expectFormatError(
  bytes: Uint8Array,
  pattern: RegExp,
  code: 'ARCHIVE_FORMAT' | 'ARCHIVE_COMPRESSION' = 'ARCHIVE_FORMAT',
): Promise<void> {
  await assert.rejects(readDeb(bytes, 'bad_1.0_amd64.deb'), (e: unknown) => {
    assert.ok(hasCode(e, code), String(e));
    assert.match(e.message, /bad_1\.0_amd64\.deb/);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('makeDeb', () => {
  it('writes packages dpkg-deb accepts, in every compression', async () => {
    for (const compression of ['gz', 'xz', 'zst', 'none'] as const) {
      const file = join(tmp, `hello-${compression}.deb`);
      writeFileSync(file, await makeDeb({ ...hello, compression }));
      const info = run('dpkg-deb', ['--info', file]);
      assert.match(info, /Package: hello/);
      assert.match(info, /Version: 2\.10-3/);
      assert.match(info, /Depends: libc6 \(>= 2\.34\)/);
      assert.equal(run('dpkg-deb', ['--field', file, 'Architecture']).trim(), 'amd64');
      const contents = run('dpkg-deb', ['--contents', file]);
      assert.match(contents, /-rwsr-xr-x 0\/0\s+4 .* \.\/usr\/bin\/passwd/);
      assert.match(contents, /\.\/usr\/bin\/hi -> hello/);
      assert.match(contents, /\.\/usr\/bin\/hello2 link to \.\/usr\/bin\/hello/);
      assert.match(contents, /drwxr-xr-x 0\/0\s+0 .* \.\/etc\//);
    }
  });
});

describe('readDeb', () => {
  it('reads makeDeb packages in every compression', async () => {
    for (const compression of ['gz', 'xz', 'zst', 'none'] as const) {
      const deb = await readDeb(await makeDeb({ ...hello, compression }), 'hello.deb');
      assert.match(deb.control, /^Package: hello\n/);
      assert.match(deb.md5sums!, / {2}usr\/bin\/hello\n/);
      assert.equal(deb.conffiles, '/etc/hello.conf\n');
      const names = deb.data.map((e) => e.name);
      assert.deepEqual(names, [
        './',
        './usr/',
        './usr/bin/',
        './usr/bin/hello',
        './usr/bin/hi',
        './usr/bin/hello2',
        './usr/bin/passwd',
        './etc/',
        './etc/hello.conf',
      ]);
      const passwd = deb.data.find((e) => e.name === './usr/bin/passwd')!;
      assert.equal(passwd.mode, 0o4755);
      assert.equal(Buffer.from(passwd.data).toString(), 'suid');
    }
  });

  it('reads packages built by dpkg-deb --build (an independent implementation)', async () => {
    const root = join(tmp, 'pkgroot');
    mkdirSync(join(root, 'DEBIAN'), { recursive: true });
    mkdirSync(join(root, 'usr', 'bin'), { recursive: true });
    mkdirSync(join(root, 'usr', 'share', 'doc', 'x'.repeat(80)), { recursive: true });
    writeFileSync(
      join(root, 'DEBIAN', 'control'),
      'Package: real\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@pare.invalid>\nDescription: real\n x\n',
    );
    writeFileSync(join(root, 'DEBIAN', 'conffiles'), '/etc/real.conf\n');
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc', 'real.conf'), 'conf\n');
    writeFileSync(join(root, 'usr', 'bin', 'real'), 'binary data');
    chmodSync(join(root, 'usr', 'bin', 'real'), 0o4755);
    linkSync(join(root, 'usr', 'bin', 'real'), join(root, 'usr', 'bin', 'real-link'));
    symlinkSync('real', join(root, 'usr', 'bin', 'sym'));
    const longName = join(root, 'usr', 'share', 'doc', 'x'.repeat(80), 'y'.repeat(90));
    writeFileSync(longName, 'long');
    for (const [z, member] of [
      ['gzip', 'gz'],
      ['xz', 'xz'],
      ['zstd', 'zst'],
      ['none', ''],
    ] as const) {
      const out = join(tmp, `real-${z}.deb`);
      run('dpkg-deb', ['--root-owner-group', `-Z${z}`, '--build', root, out]);
      const bytes = readFileSync(out);
      assert.ok(bytes.includes(Buffer.from(member ? `data.tar.${member}` : 'data.tar ')), z);
      const deb = await readDeb(bytes, `real-${z}.deb`);
      assert.match(deb.control, /^Package: real\n/);
      assert.equal(deb.md5sums, undefined); // dpkg-deb --build does not write one
      assert.equal(deb.conffiles, '/etc/real.conf\n');
      const byName = new Map(deb.data.map((e) => [e.name, e]));
      const real = byName.get('./usr/bin/real')!;
      assert.equal(real.mode, 0o4755);
      assert.equal(real.uid, 0);
      assert.equal(Buffer.from(real.data).toString(), 'binary data');
      const link = byName.get('./usr/bin/real-link')!;
      assert.equal(link.type, 'hardlink');
      assert.equal(link.linkname, './usr/bin/real');
      assert.equal(byName.get('./usr/bin/sym')!.linkname, 'real');
      assert.equal(
        Buffer.from(byName.get(`./usr/share/doc/${'x'.repeat(80)}/${'y'.repeat(90)}`)!.data).toString(),
        'long',
      );
    }
  });

  it('rejects files that are not packages, naming the file and the problem', async () => {
    const good = (control: Buffer, data: Buffer): Array<[string, Buffer]> => [
      ['debian-binary', Buffer.from('2.0\n')],
      ['control.tar.gz', control],
      ['data.tar.gz', data],
    ];
    const control = compress(tar([{ path: './control', data: 'Package: x\n' }]), 'gz');
    const data = compress(tar([{ path: './usr/x', data: 'x' }]), 'gz');
    const ok = ar(good(control, data));
    await expectFormatError(Buffer.from('PK\x03\x04 this is a zip'), /not an ar archive/);
    await expectFormatError(ok.subarray(0, ok.length - 30), /truncated/);
    await expectFormatError(
      ar([['debian-binary', Buffer.from('3.0\n')], ...good(control, data).slice(1)]),
      /format version '3\.0'/,
    );
    await expectFormatError(ar(good(control, data).slice(1)), /first ar member is 'control\.tar\.gz'/);
    await expectFormatError(ar(good(control, data).slice(0, 2)), /no data\.tar/);
    await expectFormatError(
      ar([good(control, data)[0]!, good(control, data)[2]!]),
      /data\.tar\.gz' comes before control\.tar/,
    );
    await expectFormatError(ar([...good(control, data), ['evil', Buffer.from('x')]]), /unexpected ar member 'evil'/);
    await expectFormatError(ar(good(compress(tar([{ path: './md5sums', data: '' }]), 'gz'), data)), /no control file/);
    await expectFormatError(
      ar(good(control, Buffer.from('not gzip at all'))),
      /data\.tar\.gz: corrupt gzip/,
      'ARCHIVE_COMPRESSION',
    );
    const badTar = Buffer.from(tar([{ path: './usr/x', data: 'x' }]));
    badTar[3] = 0x7e;
    await expectFormatError(ar(good(control, compress(badTar, 'gz'))), /data\.tar\.gz: header checksum mismatch/);
    // members whose names start with '_' are allowed and ignored, as dpkg does
    const extra = await readDeb(
      ar([good(control, data)[0]!, ['_signature', Buffer.from('sig')], ...good(control, data).slice(1)]),
      'x.deb',
    );
    assert.equal(extra.data.length, 1);
  });
});
