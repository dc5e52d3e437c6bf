import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasCode } from '../../../../src/errors.js';
import { crc24, dearmor } from '../../../../src/sources/debian/openpgp/index.js';

function armor(type: string, data: Uint8Array, crc = crc24(data)): string {
  const b64 = Buffer.from(data)
    .toString('base64')
    .replace(/.{1,64}/g, '$&\n');
  const sum = Buffer.from([crc >> 16, (crc >> 8) & 0xff, crc & 0xff]).toString('base64');
  return `-----BEGIN PGP ${type}-----\nComment: test\n\n${b64}=${sum}\n-----END PGP ${type}-----\n`;
}

describe('armor', () => {
  it('computes CRC-24 as RFC 4880 defines it', () => {
    assert.equal(crc24(new Uint8Array()), 0xb704ce);
    // Reference value from gpg: `printf 'hello\n' | gpg --enarmor` ends with "=WALx".
    assert.equal(crc24(Buffer.from('hello\n')).toString(16), Buffer.from('WALx', 'base64').toString('hex'));
  });

  it('decodes headers, data and several concatenated blocks', () => {
    const data = Buffer.from(Array.from({ length: 300 }, (_, i) => i & 0xff));
    const blocks = dearmor(
      armor('SIGNATURE', data) +
        'junk between\n' +
        armor('PUBLIC KEY BLOCK', data.subarray(0, 7)).replace(/\n/g, '\r\n'),
    );
    assert.equal(blocks.length, 2);
    assert.equal(blocks[0]!.type, 'SIGNATURE');
    assert.deepEqual(blocks[0]!.headers, [['Comment', 'test']]);
    assert.deepEqual(Buffer.from(blocks[0]!.data), data);
    assert.equal(blocks[1]!.type, 'PUBLIC KEY BLOCK');
    assert.deepEqual(Buffer.from(blocks[1]!.data), data.subarray(0, 7));
  });

  it('rejects a checksum mismatch, bad base64 and a missing END line with SIG_MALFORMED', () => {
    const data = Buffer.from('some packet bytes');
    const cases = [
      armor('SIGNATURE', data, crc24(data) ^ 1),
      armor('SIGNATURE', data).replace('\n\n', '\n\n!'),
      armor('SIGNATURE', data).replace('-----END PGP SIGNATURE-----', ''),
      'no armor at all',
    ];
    for (const text of cases) {
      assert.throws(
        () => dearmor(text),
        (e) => hasCode(e, 'SIG_MALFORMED'),
        text,
      );
    }
  });
});
