import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { busyboxApplets, debugEntries, findBusybox } from '../../src/distroless/busybox.js';
import { hasCode } from '../../src/errors.js';
import type { RawTarEntry } from '../../src/tree/tar-read.js';
import { fakeBusybox, installed } from './fixtures.js';

describe('busybox debug layer', () => {
  it('reads the applet names from the binary', () => {
    assert.deepEqual(busyboxApplets(fakeBusybox()), ['[', '[[', 'ash', 'cat', 'ls', 'sh', 'wget']);
    assert.ok(busyboxApplets(Buffer.from('no table here')).includes('sh'), 'fallback list');
  });

  it('relocates the binary under /busybox with applet symlinks and status.d metadata', () => {
    const entries = debugEntries(fakeBusybox(), installed('busybox-static', '1:1.35.0-4'));
    const byPath = new Map(entries.map((e) => [e.path, e]));
    assert.equal(byPath.get('busybox/busybox')?.mode, 0o755);
    assert.equal(byPath.get('busybox/sh')?.target, 'busybox');
    assert.equal(byPath.get('busybox/[')?.type, 'symlink');
    assert.ok(byPath.has('var/lib/dpkg/status.d/busybox-static'));
    assert.ok(!byPath.has('bin/busybox'));
  });

  it('finds bin/busybox or usr/bin/busybox in the package data', () => {
    const e = (name: string): RawTarEntry => ({
      name,
      linkname: '',
      type: 'file',
      typeflag: '0',
      mode: 0o755,
      uid: 0,
      gid: 0,
      mtime: 0,
      data: Buffer.from(name),
    });
    assert.equal(
      Buffer.from(findBusybox([e('./usr/share/doc/x'), e('./bin/busybox')], 'x.deb')).toString(),
      './bin/busybox',
    );
    assert.equal(Buffer.from(findBusybox([e('./usr/bin/busybox')], 'x.deb')).toString(), './usr/bin/busybox');
    assert.throws(
      () => findBusybox([e('./bin/sh')], 'x.deb'),
      (err: unknown) => hasCode(err, 'PACKAGE_NOT_FOUND'),
    );
  });
});
