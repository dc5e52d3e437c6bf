import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasCode } from '../../../../src/errors.js';
import { encodePacket, readPackets } from '../../../../src/sources/debian/openpgp/index.js';

describe('packets', () => {
  it('reads old-format headers of every length type', () => {
    const body = Buffer.alloc(300, 7);
    const bytes = Buffer.concat([
      Buffer.from([0x88, 2, 1, 2]), // tag 2, one-byte length
      Buffer.from([0x99, 0x01, 0x2c]),
      body, // tag 6, two-byte length
      Buffer.from([0xb6, 0, 0, 0, 1, 9]), // tag 13, four-byte length
      Buffer.from([0xaf, 5, 5]), // tag 11, indeterminate length: rest of input
    ]);
    const p = readPackets(bytes);
    assert.deepEqual(
      p.map((x) => [x.tag, x.body.length]),
      [
        [2, 2],
        [6, 300],
        [13, 1],
        [11, 2],
      ],
    );
    assert.equal(p[1]!.offset, 4);
  });

  it('reads new-format headers, including partial body lengths', () => {
    for (const n of [0, 191, 192, 8383, 8384, 70000]) {
      const body = Buffer.alloc(n, 1);
      const [p] = readPackets(encodePacket(14, body));
      assert.equal(p!.tag, 14);
      assert.equal(p!.body.length, n);
    }
    // Partial: 0xE1 = 2 bytes, then a final 1-byte length of 3.
    const [p] = readPackets(Buffer.from([0xcb, 0xe1, 1, 2, 3, 3, 4, 5]));
    assert.deepEqual(Buffer.from(p!.body), Buffer.from([1, 2, 3, 4, 5]));
  });

  it('allows partial body lengths on data packets only (RFC 4880 §4.2.2.4)', () => {
    for (const tag of [2, 5, 6, 7, 13, 14]) {
      assert.throws(
        () => readPackets(Buffer.from([0xc0 | tag, 0xe1, 1, 2, 3, 3, 4, 5])),
        (e) => hasCode(e, 'SIG_MALFORMED') && /partial body length on a packet of tag/.test((e as Error).message),
        `tag ${tag}`,
      );
    }
  });

  it('rejects truncated and invalid packets with SIG_MALFORMED', () => {
    for (const bytes of [[0x88, 5, 1], [0x12], [0xc2, 0xff, 0, 0], [0xc2, 0xe1, 1]]) {
      assert.throws(
        () => readPackets(Buffer.from(bytes)),
        (e) => hasCode(e, 'SIG_MALFORMED'),
        String(bytes),
      );
    }
  });
});
