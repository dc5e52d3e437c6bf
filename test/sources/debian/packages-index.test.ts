import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allRecords, parsePackagesIndex } from '../../../src/sources/debian/packages-index.js';
import { hasCode } from '../../../src/errors.js';

const TEXT = `Package: libc6
Source: glibc (2.36-9)
Version: 2.36-9+b1
Installed-Size: 12000
Maintainer: GNU Libc Maintainers <glibc@example.invalid>
Architecture: amd64
Multi-Arch: same
Depends: libgcc-s1
Breaks: hurd (<< 1:0.9)
Description: GNU C Library: Shared libraries
 Contains the standard libraries.
 .
 Second paragraph.
Homepage: https://www.gnu.org/software/libc/libc.html
Priority: optional
Section: libs
Filename: pool/main/g/glibc/libc6_2.36-9+b1_amd64.deb
Size: 2757936
SHA256: ${'a'.repeat(64)}

Package: mawk
Version: 1.3.4.20200120-3.1
Architecture: amd64
Maintainer: Boyuan Yang <byang@example.invalid>
Essential: no
Pre-Depends: libc6 (>= 2.34)
Provides: awk,
 awk-impl (= 1.3.4)
Priority: required
Filename: pool/main/m/mawk/mawk_1.3.4.20200120-3.1_amd64.deb
Size: 100
SHA256: ${'b'.repeat(64)}
`;

test('packages index: lazy stubs, full records on demand', () => {
  const idx = parsePackagesIndex(TEXT, 'Packages', { url: 'http://x.invalid', suite: 'bookworm', component: 'main' });
  assert.deepEqual(
    idx.stubs.map((s) => [s.name, s.version, s.architecture, s.line]),
    [
      ['libc6', '2.36-9+b1', 'amd64', 1],
      ['mawk', '1.3.4.20200120-3.1', 'amd64', 21],
    ],
  );
  assert.deepEqual(idx.stubs[1]!.provides(), [{ name: 'awk' }, { name: 'awk-impl', op: '=', version: '1.3.4' }]);
  const [libc, mawk] = allRecords(idx) as [ReturnType<typeof allRecords>[0], ReturnType<typeof allRecords>[0]];
  assert.deepEqual(libc.source, { name: 'glibc', version: '2.36-9' });
  assert.equal(libc.multiArch, 'same');
  assert.equal(libc.installedSize, 12000);
  assert.equal(libc.size, 2757936);
  assert.deepEqual(libc.breaks, [[{ name: 'hurd', op: '<<', version: '1:0.9' }]]);
  assert.equal(
    libc.description,
    'GNU C Library: Shared libraries\n Contains the standard libraries.\n .\n Second paragraph.',
  );
  assert.deepEqual(Object.keys(libc.fields).slice(0, 3), ['Package', 'Source', 'Version']);
  assert.equal(libc.origin?.suite, 'bookworm');
  assert.deepEqual(mawk.source, { name: 'mawk', version: '1.3.4.20200120-3.1' });
  assert.equal(mawk.essential, false);
  assert.deepEqual(mawk.preDepends, [[{ name: 'libc6', op: '>=', version: '2.34' }]]);
  assert.equal(mawk.priority, 'required');
});

test('packages index: bytes input decodes UTF-8 per stanza, offsets stay right', () => {
  const text = TEXT.replace('Boyuan Yang', 'Jérôme Ünïcode');
  const idx = parsePackagesIndex(new TextEncoder().encode(text), 'Packages');
  assert.equal(idx.stubs[1]!.record.maintainer, 'Jérôme Ünïcode <byang@example.invalid>');
  assert.equal(idx.stubs[1]!.record.sha256, 'b'.repeat(64));
  assert.deepEqual(allRecords(idx), allRecords(parsePackagesIndex(text, 'Packages')));
});

test('packages index: CRLF, extra blank lines, other field order and case', () => {
  const text = `\n\nversion: 2\npackage: foo\nARCHITECTURE: all\nFilename: f.deb\nSize: 1\nSHA256: x\n\n\n\r\nPackage: bar\r\nVersion: 1\r\nArchitecture: amd64\r\nFilename: b.deb\r\nSize: 1\r\nSHA256: ${'c'.repeat(64)}\r\n`;
  const idx = parsePackagesIndex(text, 'P');
  assert.deepEqual(
    idx.stubs.map((s) => [s.name, s.version, s.architecture]),
    [
      ['foo', '2', 'all'],
      ['bar', '1', 'amd64'],
    ],
  );
  assert.equal(idx.stubs[1]!.record.sha256, 'c'.repeat(64));
});

test('packages index: a SHA256 that is not 64 lowercase hex digits is an error, never a path', () => {
  const text = 'Package: a\nVersion: 1\nArchitecture: all\nFilename: a.deb\nSize: 1\nSHA256: ../../../etc/passwd\n';
  assert.throws(
    () => parsePackagesIndex(text, 'P').stubs[0]!.record,
    (e) => hasCode(e, 'INDEX_PARSE') && /P:6: SHA256/.test((e as Error).message),
  );
});

test('packages index: errors name file:line', () => {
  const cases: Array<[string, number, (r: unknown) => void]> = [
    ['Package: a\nArchitecture: all\n', 1, () => {}],
    [
      'Package: a\nVersion: 1\nArchitecture: all\nFilename: x\nSize: 1\nSHA256: y\n\nPackage: b\nVersion: 1\nArchitecture: all\nSize: 1\nSHA256: y\n',
      8,
      () => {},
    ],
  ];
  assert.throws(
    () => parsePackagesIndex(cases[0]![0], 'P'),
    (e: unknown) => hasCode(e, 'INDEX_PARSE') && e.pos?.line === 1 && e.message.startsWith('P:1:'),
  );
  const idx = parsePackagesIndex(cases[1]![0], 'P');
  assert.throws(
    () => idx.stubs[1]!.record,
    (e: unknown) => hasCode(e, 'INDEX_PARSE') && e.message.startsWith('P:8:') && /Filename/.test(e.message),
  );
  const bad = parsePackagesIndex(
    'Package: a\nVersion: 1\nArchitecture: all\nDepends: b (>= )\nFilename: x\nSize: 1\nSHA256: y\n',
    'P',
  );
  assert.throws(
    () => bad.stubs[0]!.record,
    (e: unknown) => hasCode(e, 'RELATION_PARSE') && e.message.startsWith('P:4: Depends:'),
  );
  const size = parsePackagesIndex(
    'Package: a\nVersion: 1\nArchitecture: all\nFilename: x\nSize: big\nSHA256: y\n',
    'P',
  );
  assert.throws(
    () => size.stubs[0]!.record,
    (e: unknown) => hasCode(e, 'INDEX_PARSE') && e.pos?.line === 5,
  );
});
