import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDeb822, getField, valueLines, formatParagraph } from '../../../src/sources/debian/deb822.js';
import { hasCode } from '../../../src/errors.js';

test('deb822: paragraphs, case-insensitive fields, lines', () => {
  const text = '# comment\nPackage: foo\nVersion: 1.0\n\n\nPackage: bar\ndepends: libc6\n';
  const ps = parseDeb822(text, 'x');
  assert.equal(ps.length, 2);
  assert.equal(getField(ps[0]!, 'PACKAGE'), 'foo');
  assert.equal(ps[0]!.line, 2);
  assert.equal(ps[1]!.line, 6);
  assert.equal(ps[1]!.fieldLines.get('depends'), 7);
  assert.equal(ps[1]!.names.get('depends'), 'depends');
});

test('deb822: multi-line values (Release SHA256, Description)', () => {
  const text =
    'Origin: Debian\r\nSHA256:\r\n 0123 100 main/binary-amd64/Packages\r\n abcd 20 main/binary-amd64/Release\r\n' +
    'Description: short\n long line one\n .\n line two\n';
  const [p] = parseDeb822(text, 'Release');
  assert.deepEqual(valueLines(getField(p!, 'sha256')!), [
    '0123 100 main/binary-amd64/Packages',
    'abcd 20 main/binary-amd64/Release',
  ]);
  assert.equal(getField(p!, 'description'), 'short\n long line one\n .\n line two');
  assert.equal(
    formatParagraph(p!),
    'Origin: Debian\nSHA256:\n 0123 100 main/binary-amd64/Packages\n abcd 20 main/binary-amd64/Release\n' +
      'Description: short\n long line one\n .\n line two\n',
  );
});

test('deb822: whitespace-only lines separate paragraphs', () => {
  assert.equal(parseDeb822('A: 1\n  \t\nB: 2\n', 'f').length, 2);
});

test('deb822: errors name file:line', () => {
  for (const [text, line] of [
    ['A: 1\nnot a field\n', 2],
    [' cont\n', 1],
    ['A: 1\na: 2\n', 2],
  ] as const) {
    assert.throws(
      () => parseDeb822(text, 'f.sources'),
      (e: unknown) => hasCode(e, 'INDEX_PARSE') && e.pos?.line === line && e.message.startsWith(`f.sources:${line}:`),
    );
  }
});
