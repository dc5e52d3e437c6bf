import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FileTree } from '../../src/tree/tree.js';
import { isSliced, slice, type SliceRules } from '../../src/tree/slice.js';
import type { RawTarEntry } from '../../src/tree/tar-read.js';

const enc = new TextEncoder();
function raw(name: string, type: RawTarEntry['type'] = 'file', data = 'x', linkname = ''): RawTarEntry {
  return {
    name,
    linkname,
    type,
    typeflag: '',
    mode: type === 'dir' ? 0o755 : 0o644,
    uid: 0,
    gid: 0,
    mtime: 0,
    data: type === 'file' ? enc.encode(data) : new Uint8Array(0),
  };
}

function tree(): FileTree {
  const t = new FileTree();
  t.addPackage('libfoo', [
    raw('./usr/lib/libfoo.so.1', 'file', 'ELF'),
    raw('./usr/share/doc/libfoo/copyright', 'file', 'MIT'),
    raw('./usr/share/doc/libfoo/changelog.Debian.gz', 'file', '0123456789'),
    raw('./usr/share/doc/libfoo/examples/a.c', 'file', 'int main;'),
    raw('./usr/share/man/man1/foo.1.gz', 'file', 'man'),
    raw('./usr/share/info/foo.info.gz', 'file', 'info'),
    raw('./usr/share/lintian/overrides/libfoo', 'file', 'lint'),
    raw('./usr/share/locale/de/LC_MESSAGES/foo.mo', 'file', 'de'),
    raw('./usr/share/locale/C.UTF-8/LC_MESSAGES/foo.mo', 'file', 'c'),
    raw('./usr/share/bug/libfoo/control', 'file', 'bug'),
    raw('./usr/share/doc-base/libfoo', 'file', 'db'),
    raw('./usr/share/perl5/Foo.pm', 'file', 'perl'),
    raw('./usr/lib/locale/C.utf8/LC_CTYPE', 'file', 'ctype'),
  ]);
  t.addPackage('tzdata', [
    raw('./usr/share/zoneinfo/Europe/Paris', 'file', 'TZif'),
    raw('./usr/share/doc/tzdata/README', 'file', 'readme'),
  ]);
  return t;
}

const paths = (t: FileTree) =>
  t
    .entries()
    .filter((e) => e.type !== 'dir')
    .map((e) => e.path);

describe('slice', () => {
  it('drops docs (except copyright), man, info, lintian, locales (except C.UTF-8), bug, doc-base by default', () => {
    const t = tree();
    const before = t.size;
    const r = slice(t, { include: [], exclude: [] });
    assert.deepEqual(paths(t), [
      'usr/lib/libfoo.so.1',
      'usr/lib/locale/C.utf8/LC_CTYPE',
      'usr/share/doc/libfoo/copyright',
      'usr/share/locale/C.UTF-8/LC_MESSAGES/foo.mo',
      'usr/share/perl5/Foo.pm',
      'usr/share/zoneinfo/Europe/Paris',
    ]);
    assert.equal(r.files, 9);
    assert.equal(r.bytes, before.bytes - t.size.bytes);
    assert.equal(r.bytes, 10 + 9 + 3 + 4 + 4 + 2 + 3 + 2 + 6);
    // emptied directories go, the ones still holding something stay
    assert.equal(t.has('usr/share/man'), false);
    assert.equal(t.has('usr/share/doc/libfoo/examples'), false);
    assert.equal(t.has('usr/share/doc/tzdata'), false);
    assert.equal(t.get('usr/share/doc/libfoo')?.type, 'dir');
    assert.ok(r.dirs > 0);
  });

  it('image exclude/include, per-package rules, and disabling the defaults', () => {
    const rules: SliceRules = {
      include: ['/usr/share/man/man1/*'],
      exclude: ['/usr/share/perl5/**', '/usr/share/zoneinfo/**'],
      packages: { tzdata: { include: ['/usr/share/zoneinfo/**', '/usr/share/doc/tzdata/README'] } },
    };
    const t = tree();
    slice(t, rules);
    const p = paths(t);
    assert.ok(!p.includes('usr/share/perl5/Foo.pm'));
    assert.ok(p.includes('usr/share/man/man1/foo.1.gz'), 'image include beats the default exclude');
    assert.ok(p.includes('usr/share/zoneinfo/Europe/Paris'), 'package include beats the image exclude');
    assert.ok(p.includes('usr/share/doc/tzdata/README'));
    assert.ok(!p.includes('usr/share/doc/libfoo/changelog.Debian.gz'));
    assert.equal(isSliced(rules, 'usr/share/zoneinfo/UTC', 'libfoo'), true, 'package rules apply only to that package');

    const off = tree();
    const r = slice(off, { defaults: false, include: [], exclude: ['/usr/share/perl5/**'] });
    assert.equal(r.files, 1);
    assert.ok(paths(off).includes('usr/share/man/man1/foo.1.gz'));
    assert.equal(slice(tree(), { defaults: false, include: [], exclude: [] }).files, 0);
  });

  it('never leaves a dangling hard link: a kept link of a dropped file becomes the file', () => {
    const t = new FileTree();
    t.addPackage('p', [
      raw('./usr/bin/tool', 'file', 'BINARY'),
      raw('./usr/share/doc/p/tool', 'hardlink', '', './usr/bin/tool'),
      raw('./usr/share/doc/p/copyright', 'file', 'c'),
    ]);
    // The first path in sort order carries the data: usr/bin/tool. Drop it, keep the link.
    const r = slice(t, { include: ['/usr/share/doc/p/tool'], exclude: ['/usr/bin/tool'] });
    assert.equal(r.files, 1);
    assert.equal(r.bytes, 0, 'the content is still in the image');
    const kept = t.get('usr/share/doc/p/tool')!;
    assert.equal(kept.type, 'file');
    assert.equal(new TextDecoder().decode(kept.data), 'BINARY');
    assert.ok(t.entries().every((e) => e.type !== 'hardlink'));

    // Dropping the link and keeping the file leaves a plain file.
    const u = new FileTree();
    u.addPackage('p', [raw('./usr/bin/a', 'file', 'A'), raw('./usr/share/doc/p/a', 'hardlink', '', './usr/bin/a')]);
    assert.equal(slice(u, { include: [], exclude: [] }).files, 1);
    assert.equal(u.get('usr/bin/a')?.type, 'file');
  });
});
