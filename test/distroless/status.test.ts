/** status.d as Google distroless writes it, accepted by dpkg's own parser. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { statusEntries, statusParagraph } from '../../src/distroless/status.js';
import { installed } from './fixtures.js';

describe('status.d', () => {
  it('inserts the Status line after Package and keeps every control field', () => {
    const p = statusParagraph(
      'Package: libc6\nStatus: deinstall ok config-files\nVersion: 2.36-9\nArchitecture: amd64\nDescription: GNU C\n Library\n\n',
    );
    assert.equal(
      p,
      'Package: libc6\nStatus: install ok installed\nVersion: 2.36-9\nArchitecture: amd64\nDescription: GNU C\n Library\n',
    );
  });

  it('writes NAME and NAME.md5sums for every package, sorted', () => {
    const entries = statusEntries([installed('zlib1g', '1:1.2.13'), installed('libc6', '2.36-9')]);
    assert.deepEqual(
      entries.filter((e) => e.type === 'file').map((e) => e.path),
      [
        'var/lib/dpkg/status.d/libc6',
        'var/lib/dpkg/status.d/libc6.md5sums',
        'var/lib/dpkg/status.d/zlib1g',
        'var/lib/dpkg/status.d/zlib1g.md5sums',
      ],
    );
    const md5 = entries.find((e) => e.path.endsWith('libc6.md5sums'))!;
    assert.match(new TextDecoder().decode(md5.data), /^[0-9a-f]{32} {2}usr\/share\/doc\/libc6\/copyright\n$/);
  });

  it('dpkg-query --admindir accepts the concatenated status.d files and lists every package with its version', async () => {
    const pkgs = [
      installed('libc6', '2.36-9+deb12u4', 'Multi-Arch: same\nDepends: libgcc-s1\n'),
      installed('zlib1g', '1:1.2.13.dfsg-1'),
      installed('tzdata', '2024a-0+deb12u1', 'Multi-Arch: foreign\n'),
      installed('ca-certificates', '20230311'),
    ];
    const dir = await mkdtemp(join(tmpdir(), 'pare-dpkg-'));
    try {
      await mkdir(join(dir, 'info'));
      await mkdir(join(dir, 'updates'));
      await writeFile(join(dir, 'available'), '');
      const dec = new TextDecoder();
      const paragraphs = statusEntries(pkgs)
        .filter((e) => e.type === 'file' && !e.path.endsWith('.md5sums'))
        .map((e) => dec.decode(e.data));
      await writeFile(join(dir, 'status'), paragraphs.join('\n'));
      const out = execFileSync(
        'dpkg-query',
        [`--admindir=${dir}`, '-W', '-f', '${Package} ${Version} ${db:Status-Status}\n'],
        { encoding: 'utf8' },
      );
      assert.deepEqual(out.trim().split('\n').sort(), [
        'ca-certificates 20230311 installed',
        'libc6 2.36-9+deb12u4 installed',
        'tzdata 2024a-0+deb12u1 installed',
        'zlib1g 1:1.2.13.dfsg-1 installed',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
