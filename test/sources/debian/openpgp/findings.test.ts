/**
 * What the differential test against openpgp.js found, each kept as a
 * regression test: a signature from after the verification time was
 * accepted; a "Hash:" header naming an unknown digest, or another digest than
 * the signature's, was ignored; one malformed signature packet in a keyring
 * made the whole keyring unreadable (gpg and openpgp.js skip it).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasCode } from '../../../../src/errors.js';
import { parseKeyring, verifyCleartext } from '../../../../src/sources/debian/openpgp/index.js';
import { clearsign, generate } from '../../../helpers/pgp-oracle.js';
import { signatureBody, basics } from '../../../helpers/hostile-pgp.js';
import { Tag, encodePacket } from '../../../../src/sources/debian/openpgp/index.js';

const TEXT = 'Suite: stable';
const SIGNED = 'Suite: stable\n';
const HOUR = 3_600_000;

describe('OpenPGP findings of the differential test', () => {
  it('refuses a signature made after the verification time (SIG_BAD naming the clock)', async () => {
    const key = await generate({
      label: 'future',
      type: 'ecc',
      curve: 'ed25519Legacy',
      created: new Date(Date.now() - 10 * HOUR),
    });
    const signedAt = new Date(Math.floor(Date.now() / 1000) * 1000 - HOUR);
    const msg = await clearsign(key, TEXT, signedAt);
    const keyring = parseKeyring(key.keyring);
    assert.equal(verifyCleartext(msg, keyring, { now: new Date(signedAt.getTime() + 1000) }).text, SIGNED);
    assert.equal(verifyCleartext(msg, keyring, { now: signedAt }).text, SIGNED);
    assert.throws(
      () => verifyCleartext(msg, keyring, { now: new Date(signedAt.getTime() - 1000) }),
      (e) => hasCode(e, 'SIG_BAD') && e.message.includes("check this machine's clock"),
    );
  });

  it('refuses an unknown digest name, or a digest the signature does not use, in the "Hash:" header', async () => {
    const key = await generate({
      label: 'hash',
      type: 'ecc',
      curve: 'nistP256',
      created: new Date(Date.now() - 10 * HOUR),
    });
    const msg = await clearsign(key, TEXT, new Date(Date.now() - HOUR));
    const keyring = parseKeyring(key.keyring);
    const header = /^Hash: (SHA\d+)$/m.exec(msg)![0];
    const other = header === 'Hash: SHA256' ? 'Hash: SHA512' : 'Hash: SHA256';
    assert.equal(verifyCleartext(msg, keyring).text, SIGNED);
    assert.equal(
      verifyCleartext(msg.replace(header, header.toLowerCase().replace('hash', 'Hash')), keyring).text,
      SIGNED,
    );
    assert.equal(verifyCleartext(msg.replace(header, `${header}, SHA1`), keyring).text, SIGNED);
    assert.equal(verifyCleartext(msg.replace(`${header}\n`, ''), keyring).text, SIGNED);
    for (const bad of ['Hash: SHA5q2', `${header}, BOGUS`]) {
      assert.throws(
        () => verifyCleartext(msg.replace(header, bad), keyring),
        (e) => hasCode(e, 'SIG_MALFORMED') && e.message.includes('unknown hash algorithm'),
        bad,
      );
    }
    assert.throws(
      () => verifyCleartext(msg.replace(header, other), keyring),
      (e) => hasCode(e, 'SIG_MALFORMED') && e.message.includes('does not name'),
    );
  });

  it('skips a malformed signature packet in a keyring instead of refusing the keyring', async () => {
    const key = await generate({
      label: 'lenient',
      type: 'ecc',
      curve: 'ed25519Legacy',
      created: new Date(Date.now() - 10 * HOUR),
    });
    const msg = await clearsign(key, TEXT, new Date(Date.now() - HOUR));
    // A signature packet whose creation-time subpacket is cut short, after the user ID's self-signature.
    const bad = signatureBody(Buffer.concat([Buffer.from([2, 2]), basics().subarray(6)]), Buffer.alloc(0));
    const keyring = Buffer.concat([key.keyring, encodePacket(Tag.Signature, bad)]);
    assert.equal(verifyCleartext(msg, parseKeyring(keyring)).text, SIGNED);
    // Still strict where it matters: garbage instead of a keyring is KEYRING_READ.
    assert.throws(
      () => parseKeyring(Buffer.from([0x12, 0x34])),
      (e) => hasCode(e, 'KEYRING_READ'),
    );
  });
});
