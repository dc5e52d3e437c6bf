import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { hasCode } from '../../../../src/errors.js';
import { keyringDataDir, loadDefaultKeyring, loadKeyringFile } from '../../../../src/sources/debian/keyring-data.js';
import { verifyCleartext } from '../../../../src/sources/debian/openpgp/index.js';

const FIXTURE = new URL('../../../../../test/fixtures/debian/bookworm-updates.InRelease', import.meta.url);
const BOOKWORM_ARCHIVE = {
  primary: 'B8B80B5B623EAB6AD8775C45B7C5D7D6350947F8',
  subkey: '4CB50190207B4758A3F73A796ED0E7B82643E131',
};
const TRIXIE_ARCHIVE = {
  primary: '04B54C3CDCA79751B16BC6B5225629DF75B188BD',
  subkey: 'B8E5F13176D2A7A75220028078DBA3BC47EF2265',
};

describe('real Debian InRelease (bookworm-updates) with the shipped archive keyring', () => {
  const inRelease = readFileSync(FIXTURE);
  const keyring = loadDefaultKeyring();
  // Judge keys as of an hour after the InRelease's own Date, not the wall clock: the archive keys
  // expire in 2031, and the archive signs a minute or so after the Date it writes (a signature
  // from after the verification time is refused).
  const date = new Date(/^Date: (.+)$/m.exec(inRelease.toString('utf8'))![1]!);
  const signedAt = { now: new Date(date.getTime() + 3_600_000) };

  it('verifies both RSA-4096 signatures, made by subkeys bound to the archive keys', () => {
    const res = verifyCleartext(inRelease, keyring, signedAt);
    assert.deepEqual(
      res.signers.map((s) => [s.fingerprint, s.primary]),
      [
        [BOOKWORM_ARCHIVE.subkey, BOOKWORM_ARCHIVE.primary],
        [TRIXIE_ARCHIVE.subkey, TRIXIE_ARCHIVE.primary],
      ],
    );
    assert.match(res.text, /^Origin: Debian\nLabel: Debian\n/);
    assert.match(res.text, /\nCodename: bookworm-updates\n/);
    assert.ok(res.text.endsWith('\n') && !res.text.includes('\r') && !res.text.includes('PGP'));
  });

  it('finds data/keyrings/ at the package root from compiled code', () => {
    const dir = keyringDataDir();
    assert.equal(dir, new URL('../../../../../data/keyrings/', import.meta.url).pathname);
    assert.doesNotMatch(dir, /\/dist\//);
  });

  it('verifies with a per-release keyring alone, ignoring the signature by the key it lacks', () => {
    const dir = keyringDataDir();
    const res = verifyCleartext(inRelease, loadKeyringFile(dir + 'debian-archive-trixie-automatic.gpg'), signedAt);
    assert.deepEqual(
      res.signers.map((s) => s.primary),
      [TRIXIE_ARCHIVE.primary],
    );
  });

  it('fails with SIG_NO_KEY against a keyring with other keys only (the stable release key)', () => {
    const stable = loadKeyringFile(keyringDataDir() + 'debian-archive-bookworm-stable.gpg');
    assert.throws(
      () => verifyCleartext(inRelease, stable, signedAt),
      (e) =>
        hasCode(e, 'SIG_NO_KEY') &&
        e.message.includes(BOOKWORM_ARCHIVE.subkey) &&
        e.message.includes('4D64FEC119C2029067D6E791F8D2585B8783D481'),
    );
  });

  it("the pinned time is an hour after the InRelease Date (2026), inside the keys' validity", () => {
    assert.equal(date.toISOString(), '2026-11-25T02:10:59.000Z');
    assert.equal(signedAt.now.toISOString(), '2026-11-25T03:10:59.000Z');
  });

  it('refuses the signatures as of the Date itself: they were made a minute later, in its future', () => {
    assert.throws(
      () => verifyCleartext(inRelease, keyring, { now: date }),
      (e) => hasCode(e, 'SIG_BAD') && /made on 2026-11-25T02:11:36Z, after 2026-11-25T02:10:59Z/.test(e.message),
    );
  });

  it('fails with SIG_BAD when one byte of the signed text changes', () => {
    const changed = Buffer.from(inRelease);
    const at = changed.indexOf('Codename: bookworm-updates') + 10;
    changed[at] = 'B'.charCodeAt(0);
    assert.throws(
      () => verifyCleartext(changed, keyring, signedAt),
      (e) => hasCode(e, 'SIG_BAD'),
    );
  });

  it('fails with SIG_NO_KEY once the keys have expired (verifying as of 2036)', () => {
    assert.throws(
      () => verifyCleartext(inRelease, keyring, { now: new Date('2036-01-01T00:00:00Z') }),
      (e) => hasCode(e, 'SIG_NO_KEY') && /expired/.test(e.message),
    );
  });
});
