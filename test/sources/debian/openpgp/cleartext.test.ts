import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasCode } from '../../../../src/errors.js';
import { crc24, parseCleartext } from '../../../../src/sources/debian/openpgp/index.js';

function clearsigned(body: string, sigData = Buffer.from([0x88, 0])): string {
  const c = crc24(sigData);
  const sum = Buffer.from([c >> 16, (c >> 8) & 0xff, c & 0xff]).toString('base64');
  return `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256, SHA512\n\n${body}\n-----BEGIN PGP SIGNATURE-----\n\n${sigData.toString('base64')}\n=${sum}\n-----END PGP SIGNATURE-----\n`;
}

describe('parseCleartext', () => {
  it('canonicalizes what is signed: dash-unescaped, CRLF, trailing whitespace stripped, no final line end', () => {
    const ct = parseCleartext(clearsigned('a  \n- -b\n- c\t\n\nd\r'));
    assert.equal(Buffer.from(ct.signed).toString('latin1'), 'a\r\n-b\r\nc\r\n\r\nd');
    assert.equal(ct.text, 'a\n-b\nc\n\nd\n');
    assert.deepEqual(ct.hashes, ['SHA256', 'SHA512']);
    assert.deepEqual(Buffer.from(ct.signature), Buffer.from([0x88, 0]));
  });

  it('keeps non-UTF-8 bytes exactly as signed', () => {
    const bytes = Buffer.concat([
      Buffer.from(clearsigned('X').split('X')[0]!, 'latin1'),
      Buffer.from([0xff, 0xc3, 0xa9]),
      Buffer.from(clearsigned('X').split('X')[1]!, 'latin1'),
    ]);
    assert.deepEqual(Buffer.from(parseCleartext(bytes).signed), Buffer.from([0xff, 0xc3, 0xa9]));
  });

  it('rejects anything outside the frame, other headers, and stray armor lines with SIG_MALFORMED', () => {
    const ok = clearsigned('Origin: x');
    const cases = [
      'Origin: x\n',
      'Injected: 1\n' + ok,
      ok + 'Injected: 1\n',
      ok.replace('Hash: SHA256, SHA512', 'Hash: SHA256\nComment: x'),
      clearsigned('Origin: x\n-----BEGIN PGP SIGNED MESSAGE-----\nOrigin: y'),
      ok.replace('-----END PGP SIGNATURE-----\n', ''),
      ok.replace('\n\n', '\n'),
    ];
    for (const text of cases)
      assert.throws(
        () => parseCleartext(text),
        (e) => hasCode(e, 'SIG_MALFORMED'),
        text,
      );
    assert.equal(parseCleartext('\n \n' + ok + '\n\n').text, 'Origin: x\n');
  });
});
