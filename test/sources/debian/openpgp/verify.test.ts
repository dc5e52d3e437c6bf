import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hasCode } from '../../../../src/errors.js';
import {
  parseKeyring,
  verifyCleartext,
  verifyDetached,
  type Keyring,
} from '../../../../src/sources/debian/openpgp/index.js';
import { createSigningKey, type KeyType, type SigningKey } from '../../../helpers/gpg.js';

const RELEASE = 'Origin: Test\nLabel: Test\nSuite: stable\nSHA256:\n 0123abcd 10 main/binary-amd64/Packages\n';

/** Flips one byte of the signed text (not of the signature). */
function tamper(msg: string): string {
  return msg.replace('Suite: stable', 'Suite: stabke');
}

describe('verifyCleartext with gpg-made keys', () => {
  const keys: SigningKey[] = [];
  after(async () => {
    await Promise.all(keys.map((k) => k.cleanup()));
  });
  const make = async (o: Parameters<typeof createSigningKey>[0]) => {
    const k = await createSigningKey(o);
    keys.push(k);
    return k;
  };

  for (const type of ['ed25519', 'rsa2048', 'nistp256'] as KeyType[]) {
    it(`accepts a good ${type} signature and returns the signed text`, async () => {
      const key = await make({ type });
      const msg = await key.clearsign(RELEASE);
      const res = verifyCleartext(msg, parseKeyring(key.keyring));
      assert.equal(res.text, RELEASE);
      assert.equal(res.signers.length, 1);
      assert.equal(res.signers[0]!.fingerprint, key.fingerprint);
      assert.equal(res.signers[0]!.primary, key.fingerprint);
      assert.ok(Math.abs(res.signers[0]!.created.getTime() - Date.now()) < 600_000);
      // Bytes in, same answer; and a tampered body is a BAD signature.
      assert.equal(verifyCleartext(Buffer.from(msg), parseKeyring(key.keyring)).text, RELEASE);
      assert.throws(
        () => verifyCleartext(tamper(msg), parseKeyring(key.keyring)),
        (e) => hasCode(e, 'SIG_BAD'),
      );
    });
  }

  describe('with one ed25519 key', () => {
    let key: SigningKey;
    let other: SigningKey;
    let keyring: Keyring;
    let msg: string;
    before(async () => {
      [key, other] = await Promise.all([make({ type: 'ed25519' }), make({ type: 'ed25519' })]);
      keyring = parseKeyring(key.keyring);
      msg = await key.clearsign(RELEASE);
    });

    it('rejects a message signed by a key not in the keyring with SIG_NO_KEY naming both sides', () => {
      assert.throws(
        () => verifyCleartext(msg, parseKeyring(other.keyring)),
        (e) =>
          hasCode(e, 'SIG_NO_KEY') &&
          e.message.includes(key.fingerprint) &&
          e.message.includes(other.fingerprint) &&
          e.hint !== undefined,
      );
    });

    it('accepts the message if any keyring of several holds the key', () => {
      const res = verifyCleartext(msg, parseKeyring([other.keyring, key.keyring]));
      assert.deepEqual(
        res.signers.map((s) => s.fingerprint),
        [key.fingerprint],
      );
    });

    it('rejects one changed byte of the signed text with SIG_BAD', () => {
      const i = msg.indexOf('0123abcd');
      for (const changed of [
        msg.slice(0, i) + '1' + msg.slice(i + 1),
        msg.replace('Label: Test\n', 'Label: Test\nExtra: 1\n'),
      ]) {
        assert.throws(
          () => verifyCleartext(changed, keyring),
          (e) => hasCode(e, 'SIG_BAD'),
        );
      }
    });

    it('rejects a damaged armor checksum or signature block with SIG_MALFORMED', () => {
      const crc = msg.replace(/\n=(....)\n/, (_m, c: string) => `\n=${c === 'AAAA' ? 'AAAB' : 'AAAA'}\n`);
      assert.notEqual(crc, msg);
      const lines = msg.split('\n');
      const sigLine = lines.indexOf('-----BEGIN PGP SIGNATURE-----') + 2;
      const body = [...lines];
      body[sigLine] = body[sigLine]!.slice(0, 10) + '*' + body[sigLine]!.slice(11);
      const cases = [
        crc,
        body.join('\n'),
        msg.replace('-----BEGIN PGP SIGNED MESSAGE-----', ''),
        'Unsigned: text\n' + msg,
        msg + 'Appended: text\n',
        msg.replace('Hash: SHA256', 'Hash: SHA256\nNotHash: x'),
      ];
      for (const m of cases)
        assert.throws(
          () => verifyCleartext(m, keyring),
          (e) => hasCode(e, 'SIG_MALFORMED'),
          m,
        );
    });

    it('accepts CRLF line ends and surrounding blank lines', () => {
      const crlf = '\n' + msg.replace(/\n/g, '\r\n') + '\r\n\r\n';
      assert.equal(verifyCleartext(crlf, keyring).text, RELEASE);
    });

    it('round-trips dash-escaped lines and strips trailing whitespace as signed', async () => {
      const text = '-----BEGIN PGP SIGNATURE-----\n- a dash\n--\ntrailing  \t\nmid\r \nLast: line  \n\n';
      const signed = await key.clearsign(text);
      assert.match(signed, /^- -----BEGIN PGP SIGNATURE-----$/m);
      const res = verifyCleartext(signed, keyring);
      assert.equal(res.text, '-----BEGIN PGP SIGNATURE-----\n- a dash\n--\ntrailing\nmid\nLast: line\n\n');
      // Whitespace at line ends is not covered by the signature: adding some still verifies.
      assert.equal(verifyCleartext(signed.replace('\nmid', '\nmid  '), keyring).text, res.text);
    });

    it('verifies a detached signature (armored and binary), and rejects changed data with SIG_BAD', async () => {
      const data = Buffer.from(RELEASE);
      for (const armor of [true, false]) {
        const sig = await key.detachSign(data, { armor });
        const signers = verifyDetached(data, sig, keyring);
        assert.deepEqual(
          signers.map((s) => s.fingerprint),
          [key.fingerprint],
        );
        assert.throws(
          () => verifyDetached(Buffer.from(tamper(RELEASE)), sig, keyring),
          (e) => hasCode(e, 'SIG_BAD'),
        );
        assert.throws(
          () => verifyDetached(data, sig, parseKeyring(other.keyring)),
          (e) => hasCode(e, 'SIG_NO_KEY'),
        );
      }
    });

    it('rejects a detached binary signature used as a cleartext one (wrong signature type)', async () => {
      const sig = await key.detachSign(Buffer.from(RELEASE));
      const fake = `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n${RELEASE.trimEnd()}\n${sig.toString('utf8')}`;
      assert.throws(
        () => verifyCleartext(fake, keyring),
        (e) => hasCode(e, 'SIG_BAD'),
      );
    });
  });

  it('accepts a signature by a signing subkey bound to its primary', async () => {
    const key = await make({ type: 'ed25519', subkey: true });
    assert.notEqual(key.signingFingerprint, key.fingerprint);
    const res = verifyCleartext(await key.clearsign(RELEASE), parseKeyring(key.keyring));
    assert.deepEqual(
      res.signers.map((s) => [s.fingerprint, s.primary]),
      [[key.signingFingerprint, key.fingerprint]],
    );
  });

  it('rejects a key that had expired when the signature was made', async () => {
    const t0 = new Date('2020-01-01T00:00:00Z');
    const key = await make({ type: 'ed25519', createdAt: t0 });
    const msg = await key.clearsign(RELEASE, { at: new Date('2020-06-01T00:00:00Z') });
    assert.equal(verifyCleartext(msg, parseKeyring(key.keyring)).text, RELEASE);
    // A newer self-signature (made on 2020-01-02) lets the key expire after 30 days, long before the signature.
    const expired = parseKeyring(await key.setExpire('30d', { at: new Date('2020-01-02T00:00:00Z') }));
    assert.equal(expired.keys[0]!.expires?.toISOString(), '2020-02-01T00:00:00.000Z');
    assert.throws(
      () => verifyCleartext(msg, expired, { now: new Date('2020-07-01T00:00:00Z') }),
      (e) => hasCode(e, 'SIG_NO_KEY') && /had expired on 2020-02-01T00:00:00Z, before the signature/.test(e.message),
    );
    // As of a time before it was made, the signature is from the future: refused as such.
    assert.throws(
      () => verifyCleartext(msg, expired, { now: new Date('2020-01-15T00:00:00Z') }),
      (e) => hasCode(e, 'SIG_BAD') && e.message.includes('after 2020-01-15T00:00:00Z'),
    );
  });

  it('rejects a key that has expired by now, unless verifying as of an earlier time', async () => {
    const key = await make({ type: 'rsa2048', createdAt: new Date('2020-01-01T00:00:00Z'), expire: '1y' });
    const msg = await key.clearsign(RELEASE, { at: new Date('2020-06-01T00:00:00Z') });
    const keyring = parseKeyring(key.keyring);
    assert.throws(
      () => verifyCleartext(msg, keyring),
      (e) => hasCode(e, 'SIG_NO_KEY') && /expired on 2020-12-31/.test(e.message),
    );
    assert.equal(verifyCleartext(msg, keyring, { now: new Date('2020-07-01T00:00:00Z') }).signers.length, 1);
  });

  it('ignores signatures by unknown keys when another signature is good', async () => {
    const [a, b] = await Promise.all([make({ type: 'ed25519' }), make({ type: 'rsa2048' })]);
    const msg = await mergeSignatures(await a.clearsign(RELEASE), await b.clearsign(RELEASE));
    assert.deepEqual(
      verifyCleartext(msg, parseKeyring(b.keyring)).signers.map((s) => s.fingerprint),
      [b.fingerprint],
    );
    assert.deepEqual(
      verifyCleartext(msg, parseKeyring([a.keyring, b.keyring])).signers.map((s) => s.fingerprint),
      [a.fingerprint, b.fingerprint],
    );
  });
});

/** One clearsigned message carrying the signatures of two (same text, so same signed part). */
async function mergeSignatures(m1: string, m2: string): Promise<string> {
  const { dearmor, crc24 } = await import('../../../../src/sources/debian/openpgp/index.js');
  const sigStart = (m: string) => m.indexOf('-----BEGIN PGP SIGNATURE-----');
  const data = Buffer.concat([dearmor(m1.slice(sigStart(m1)))[0]!.data, dearmor(m2.slice(sigStart(m2)))[0]!.data]);
  const c = crc24(data);
  const sum = Buffer.from([c >> 16, (c >> 8) & 0xff, c & 0xff]).toString('base64');
  const b64 = data.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `${m1.slice(0, sigStart(m1))}-----BEGIN PGP SIGNATURE-----\n\n${b64}=${sum}\n-----END PGP SIGNATURE-----\n`;
}
