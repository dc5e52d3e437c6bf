/** Installing wheels by the binary distribution format, and the zip reader under it. Pure. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installWheel } from '../../src/ecosystems/python/wheel.js';
import { hasCode } from '../../src/errors.js';
import { readZip } from '../../src/util/zip.js';
import { makeWheel, makeZip } from '../helpers/apps.js';

const scheme = {
  site: 'usr/local/lib/python3.11/dist-packages',
  scripts: 'usr/local/bin',
  headers: 'usr/local/include/python3.11',
  data: 'usr/local',
  python: '/usr/bin/python3',
};
const text = (d: Uint8Array | undefined) => new TextDecoder().decode(d);

describe('wheel installation', () => {
  const w = makeWheel({
    name: 'demo',
    version: '1.0',
    files: [
      { name: 'demo/__init__.py', data: 'def main():\n    print("hi")\n' },
      { name: 'demo/_speed.cpython-311-x86_64-linux-gnu.so', data: '\x7fELF...', mode: 0o755 },
      { name: 'demo-1.0.data/scripts/demo-legacy', data: '#!python\nprint("legacy")\n' },
      { name: 'demo-1.0.data/headers/demo.h', data: '/* h */\n' },
      { name: 'demo-1.0.data/purelib/demo_extra.py', data: 'X = 1\n' },
      { name: 'demo-1.0.data/data/share/demo/README', data: 'doc\n' },
    ],
    entryPoints: '[console_scripts]\ndemo = demo:main\ndemo-sub = demo.cli:app.run\n',
  });
  const out = installWheel(w.bytes, w.filename, scheme);
  const by = new Map(out.entries.map((e) => [e.path, e]));

  it('puts each .data scheme where it belongs', () => {
    assert.ok(by.has('usr/local/lib/python3.11/dist-packages/demo/__init__.py'));
    assert.ok(by.has('usr/local/lib/python3.11/dist-packages/demo_extra.py'));
    assert.ok(by.has('usr/local/include/python3.11/demo/demo.h'));
    assert.ok(by.has('usr/local/share/demo/README'));
    assert.equal(
      by.get('usr/local/lib/python3.11/dist-packages/demo/_speed.cpython-311-x86_64-linux-gnu.so')!.mode,
      0o755,
    );
    assert.equal(by.get('usr/local/lib/python3.11/dist-packages/demo/__init__.py')!.mode, 0o644);
  });

  it('rewrites #!python and generates console scripts for /usr/bin/python3 (never a shell)', () => {
    assert.match(text(by.get('usr/local/bin/demo-legacy')!.data), /^#!\/usr\/bin\/python3\n/);
    const script = text(by.get('usr/local/bin/demo')!.data);
    assert.match(script, /^#!\/usr\/bin\/python3\n/);
    assert.match(script, /from demo import main\n/);
    assert.match(script, /sys\.exit\(main\(\)\)/);
    assert.match(
      text(by.get('usr/local/bin/demo-sub')!.data),
      /from demo\.cli import app\n[\s\S]*sys\.exit\(app\.run\(\)\)/,
    );
    assert.equal(by.get('usr/local/bin/demo')!.mode, 0o755);
  });

  it('writes INSTALLER and a RECORD of what was installed, paths relative to the site directory', () => {
    const di = 'usr/local/lib/python3.11/dist-packages/demo-1.0.dist-info';
    assert.equal(text(by.get(`${di}/INSTALLER`)!.data), 'pare\n');
    const record = text(by.get(`${di}/RECORD`)!.data);
    assert.match(record, /^demo\/__init__\.py,sha256=[\w-]+,\d+$/m);
    assert.match(record, /^\.\.\/\.\.\/\.\.\/bin\/demo,sha256=[\w-]+,\d+$/m);
    assert.match(record, /^demo-1\.0\.dist-info\/INSTALLER,sha256=/m);
    assert.match(record, /^demo-1\.0\.dist-info\/RECORD,,$/m);
    assert.doesNotMatch(record, /\.data\//);
  });

  it('refuses a wheel whose file does not match RECORD', () => {
    const bad = makeWheel({ name: 'demo', version: '1.0', tamper: true });
    assert.throws(
      () => installWheel(bad.bytes, bad.filename, scheme),
      (e) => hasCode(e, 'APP_LOCKFILE') && /does not match its RECORD hash/.test(e.message),
    );
  });
});

describe('zip reader', () => {
  it('reads names, modes and data; checks CRC-32; refuses escaping names', () => {
    const z = makeZip([
      { name: 'a/b.txt', data: 'hello' },
      { name: 'x', data: 'y', mode: 0o755 },
    ]);
    assert.deepEqual(
      readZip(z, 'z').map((e) => [e.name, e.mode, text(e.data)]),
      [
        ['a/b.txt', 0o644, 'hello'],
        ['x', 0o755, 'y'],
      ],
    );
    const bad = Buffer.from(z);
    bad.writeUInt32LE(0, bad.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 16);
    assert.throws(
      () => readZip(bad, 'z'),
      (e) => hasCode(e, 'ARCHIVE_FORMAT') && /CRC-32/.test(e.message),
    );
    assert.throws(
      () => readZip(makeZip([{ name: '../evil', data: 'x' }]), 'z'),
      (e) => hasCode(e, 'ARCHIVE_FORMAT'),
    );
  });
});
