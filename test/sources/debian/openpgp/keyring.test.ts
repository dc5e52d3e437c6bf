import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hasCode } from '../../../../src/errors.js';
import { loadDefaultKeyring, loadKeyringFile } from '../../../../src/sources/debian/keyring-data.js';
import {
  Tag,
  encodePacket,
  parseKeyring,
  readPackets,
  verifyCleartext,
} from '../../../../src/sources/debian/openpgp/index.js';
import { createSigningKey, type SigningKey } from '../../../helpers/gpg.js';

describe('parseKeyring', () => {
  const keys: SigningKey[] = [];
  const dirs: string[] = [];
  after(async () => {
    await Promise.all([...keys.map((k) => k.cleanup()), ...dirs.map((d) => rm(d, { recursive: true, force: true }))]);
  });

  it('loads the shipped Debian archive keyring: primaries, bound signing subkeys, expiry, user IDs', () => {
    const kr = loadDefaultKeyring();
    assert.equal(kr.fingerprints().length, 9);
    const sub = kr.keys.find((k) => k.fingerprint === '4CB50190207B4758A3F73A796ED0E7B82643E131')!;
    assert.equal(sub.primary, 'B8B80B5B623EAB6AD8775C45B7C5D7D6350947F8');
    assert.equal(sub.keyId, '6ED0E7B82643E131');
    assert.equal(sub.algorithm, 1);
    assert.equal(sub.canSign, true);
    assert.equal(sub.expires?.toISOString(), '2031-01-19T11:44:21.000Z');
    assert.equal(sub.userIds.length, 1);
    assert.match(sub.userIds[0]!, /^Debian Archive Automatic Signing Key \(12\/bookworm\) </);
    const stable = kr.keys.find((k) => k.fingerprint === '4D64FEC119C2029067D6E791F8D2585B8783D481')!;
    assert.equal(stable.algorithm, 22);
    assert.equal(stable.primary, undefined);
    assert.equal(stable.canSign, true);
  });

  it('reads armored keyrings and merges several inputs, listing each key once', async () => {
    const key = await createSigningKey({ type: 'rsa2048', subkey: true });
    keys.push(key);
    const armored = await key.exportPublic({ armor: true });
    assert.match(armored.toString('utf8'), /^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    const kr = parseKeyring([armored, key.keyring]);
    assert.deepEqual(kr.fingerprints(), [key.fingerprint]);
    assert.deepEqual(
      kr.keys.map((k) => k.fingerprint),
      [key.fingerprint, key.signingFingerprint],
    );
    assert.deepEqual(kr.keys[0]!.userIds, ['Test <t@example.invalid>']);
    const dir = await mkdtemp(join(tmpdir(), 'pare-keyring-'));
    dirs.push(dir);
    await writeFile(join(dir, 'k.asc'), armored);
    assert.deepEqual(loadKeyringFile(join(dir, 'k.asc')).fingerprints(), [key.fingerprint]);
  });

  it('drops a signing subkey without a valid binding signature, and its signatures find no key', async () => {
    const key = await createSigningKey({ type: 'ed25519', subkey: true });
    keys.push(key);
    const msg = await key.clearsign('Origin: Test\n');
    const packets = readPackets(key.keyring);
    const subAt = packets.findIndex((p) => p.tag === Tag.PublicSubkey);
    // Without the binding signature:
    const unbound = Buffer.concat(
      packets.filter((p, i) => !(i > subAt && p.tag === Tag.Signature)).map((p) => encodePacket(p.tag, p.body)),
    );
    // With a binding signature whose hashed creation time is changed (so it no longer verifies):
    const forged = Buffer.concat(
      packets.map((p, i) => {
        if (i <= subAt || p.tag !== Tag.Signature) return encodePacket(p.tag, p.body);
        const body = Buffer.from(p.body);
        body[body.indexOf(Buffer.from([5, 2])) + 5]! ^= 1; // last byte of subpacket 2 (creation time)
        return encodePacket(p.tag, body);
      }),
    );
    for (const bytes of [unbound, forged]) {
      const kr = parseKeyring(bytes);
      assert.deepEqual(
        kr.keys.map((k) => k.fingerprint),
        [key.fingerprint],
      );
      assert.throws(
        () => verifyCleartext(msg, kr),
        (e) =>
          hasCode(e, 'SIG_NO_KEY') &&
          e.message.includes(key.signingFingerprint) &&
          /no valid binding signature/.test(e.message),
      );
    }
    assert.equal(verifyCleartext(msg, parseKeyring(key.keyring)).signers[0]!.fingerprint, key.signingFingerprint);
  });

  it('drops a primary key whose only self-signature does not verify', async () => {
    const key = await createSigningKey({ type: 'ed25519' });
    keys.push(key);
    const packets = readPackets(key.keyring);
    const bytes = Buffer.concat(
      packets.map((p) =>
        encodePacket(p.tag, p.tag === Tag.UserId ? Buffer.from('Mallory <m@example.invalid>') : p.body),
      ),
    );
    const kr = parseKeyring(bytes);
    assert.deepEqual(kr.keys, []);
    const msg = await key.clearsign('x\n');
    assert.throws(
      () => verifyCleartext(msg, kr),
      (e) => hasCode(e, 'SIG_NO_KEY') && /no valid self-signature/.test(e.message),
    );
  });

  it('rejects data that is not a public keyring with KEYRING_READ', async () => {
    const key = await createSigningKey({ type: 'ed25519' });
    keys.push(key);
    const secret = await key.gpg(['--export-secret-keys', '--passphrase', '', key.fingerprint]);
    for (const bytes of [
      Buffer.from('not a keyring'),
      Buffer.from([0x99, 0x01]),
      secret,
      Buffer.from('-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n'),
    ]) {
      assert.throws(
        () => parseKeyring(bytes),
        (e) => hasCode(e, 'KEYRING_READ'),
      );
    }
  });

  it('loadKeyringFile names the file in KEYRING_READ errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pare-keyring-'));
    dirs.push(dir);
    await writeFile(join(dir, 'bad.gpg'), 'garbage');
    for (const path of [join(dir, 'missing.gpg'), join(dir, 'bad.gpg')]) {
      assert.throws(
        () => loadKeyringFile(path),
        (e) => hasCode(e, 'KEYRING_READ') && e.message.includes(path),
      );
    }
  });
});

describe('parseKeyring merging', () => {
  it('merges copies of one key, so a refreshed copy with a newer expiry wins over an older one', async () => {
    const key = await createSigningKey({ type: 'ed25519', createdAt: new Date('2020-01-01T00:00:00Z'), expire: '30d' });
    try {
      const old = key.keyring;
      const refreshed = await key.setExpire('10y', { at: new Date('2020-01-15T00:00:00Z') });
      for (const inputs of [
        [old, refreshed],
        [refreshed, old],
      ]) {
        const kr = parseKeyring(inputs);
        assert.equal(kr.keys.length, 1);
        assert.equal(kr.keys[0]!.expires?.getUTCFullYear(), 2030);
      }
      assert.equal(parseKeyring(old).keys[0]!.expires?.toISOString(), '2020-01-31T00:00:00.000Z');
    } finally {
      await key.cleanup();
    }
  });
});
