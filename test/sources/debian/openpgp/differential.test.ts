/**
 * pare's OpenPGP verifier against openpgp.js: for keys of every supported
 * algorithm (RSA, ECDSA P-256/384/521, EdDSA legacy, Ed25519), signing
 * subkeys with binding signatures, keys that expire, signatures from the
 * past and the future, judged at several times; then seeded mutations of the
 * signature packets, the signed text and the keyring. Both must accept and
 * reject alike, and pare may only reject with a coded error.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createSigningKey } from '../../../helpers/gpg.js';
import {
  clearsign,
  detachSign,
  generate,
  judgeCleartext,
  judgeDetached,
  mutate,
  prng,
  type GeneratedKey,
  type Judgement,
  type KeySpec,
} from '../../../helpers/pgp-oracle.js';

const DAY = 86_400_000;
const T0 = new Date(Math.floor(Date.now() / 1000) * 1000);
const at = (days: number) => new Date(T0.getTime() + days * DAY);
const CREATED = at(-10);

const RELEASE =
  'Origin: Diff\nSuite: stable\nDate: Sat, 01 Jun 2024 00:00:00 UTC\nSHA256:\n 0123abcd 10 main/Packages\n';

const SPECS: KeySpec[] = [
  { label: 'rsa2048', type: 'rsa', rsaBits: 2048 },
  { label: 'p256', type: 'ecc', curve: 'nistP256' },
  { label: 'p384', type: 'ecc', curve: 'nistP384' },
  { label: 'p521', type: 'ecc', curve: 'nistP521' },
  { label: 'eddsa-legacy', type: 'ecc', curve: 'ed25519Legacy' },
  { label: 'ed25519', type: 'curve25519' },
  { label: 'rsa2048+subkey', type: 'rsa', rsaBits: 2048, subkey: true },
  { label: 'eddsa+subkey', type: 'ecc', curve: 'ed25519Legacy', subkey: true },
  { label: 'p256+subkey', type: 'ecc', curve: 'nistP256', subkey: true },
  { label: 'eddsa expiring after 5 days', type: 'ecc', curve: 'ed25519Legacy', expiresIn: 5 * 86_400 },
  { label: 'p256+subkey expiring after 5 days', type: 'ecc', curve: 'nistP256', subkey: true, expiresIn: 5 * 86_400 },
];

/** When signatures are made (days from now) and when they are judged. */
const SIGNED_AT = [-8, -1, 2];
const JUDGED_AT = [-11, -9, -7, -2, 0, 3, 400];

/**
 * The one intended difference: a key that was valid when it signed but has
 * expired since. openpgp.js judges key validity at signature time and
 * accepts; pare does what apt does with gpgv's EXPKEYSIG and refuses, so a
 * repository cannot go on serving content signed before its key expired.
 */
function expiredSince(spec: KeySpec, signedAt: number, judgedAt: number): boolean {
  if (!spec.expiresIn) return false;
  const expiry = CREATED.getTime() + spec.expiresIn * 1000;
  return at(signedAt).getTime() < expiry && expiry <= at(judgedAt).getTime();
}

function agree(j: Judgement, what: string, expiredKey = false): void {
  assert.notEqual(j.pare, 'crash', `${what}: pare threw a non-PareError\n${j.why}`);
  if (expiredKey) {
    assert.deepEqual([j.pare, j.openpgp], ['reject', 'accept'], `${what}: expired key\n${j.why}`);
    assert.match(j.why, /SIG_NO_KEY: .* expired on /);
    return;
  }
  assert.equal(j.pare, j.openpgp, `${what}: pare says ${j.pare}, openpgp.js says ${j.openpgp}\n${j.why}`);
}

/** Splits an armored clearsigned message into its text head and binary signature. */
function splitClearsigned(msg: string): { head: string; sig: Uint8Array } {
  const i = msg.indexOf('-----BEGIN PGP SIGNATURE-----');
  const b64 = msg
    .slice(i)
    .split('\n')
    .slice(1)
    .filter((l) => l && !l.startsWith('-----') && !l.startsWith('=') && !l.includes(':'))
    .join('');
  return { head: msg.slice(0, i), sig: Buffer.from(b64, 'base64') };
}

function armorSignature(sig: Uint8Array): string {
  const b64 = Buffer.from(sig).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return ['-----BEGIN PGP SIGNATURE-----', '', ...lines, '-----END PGP SIGNATURE-----', ''].join('\n');
}

describe('OpenPGP verification: pare and openpgp.js agree', () => {
  const keys = new Map<string, GeneratedKey>();
  before(async () => {
    for (const spec of SPECS) keys.set(spec.label, await generate({ ...spec, created: CREATED }));
  });

  for (const spec of SPECS) {
    it(`${spec.label}: clearsigned and detached, signed at ${SIGNED_AT.join('/')} days, judged at ${JUDGED_AT.join('/')} days`, async () => {
      const key = keys.get(spec.label)!;
      let accepted = 0;
      // openpgp.js signs only while the key is valid (it expires at -5 days).
      for (const s of spec.expiresIn ? [-8, -6] : SIGNED_AT) {
        const msg = await clearsign(key, RELEASE, at(s));
        const data = Buffer.from(RELEASE);
        const sig = await detachSign(key, data, at(s));
        for (const j of JUDGED_AT) {
          const c = await judgeCleartext(msg, key.keyring, at(j));
          const expired = expiredSince(spec, s, j);
          agree(c, `clearsigned at ${s}d, judged at ${j}d`, expired);
          const d = await judgeDetached(data, sig, key.keyring, at(j));
          agree(d, `detached at ${s}d, judged at ${j}d`, expired);
          if (c.pare === 'accept') accepted++;
        }
      }
      // Not a vacuous agreement: some judgements accept and some reject.
      assert.ok(accepted > 0 && accepted < SIGNED_AT.length * JUDGED_AT.length, `accepted ${accepted}`);
    });
  }

  it('gpg-made signing subkey (binding and back signatures) with signatures that expire after 3 days', async () => {
    const key = await createSigningKey({ type: 'ed25519', subkey: true, createdAt: CREATED });
    try {
      let accepted = 0;
      for (const s of [-8, -1]) {
        const sign = ['--default-sig-expire', '3d', '--digest-algo', 'SHA256', '-u', key.fingerprint];
        const msg = (await key.gpg(['--clearsign', ...sign], { at: at(s), input: RELEASE })).toString('utf8');
        const data = Buffer.from(RELEASE);
        const sig = await key.gpg(['--detach-sign', ...sign], { at: at(s), input: data });
        for (const j of [...JUDGED_AT, -5, 1]) {
          const c = await judgeCleartext(msg, key.keyring, at(j));
          agree(c, `gpg clearsigned at ${s}d, judged at ${j}d`);
          agree(await judgeDetached(data, sig, key.keyring, at(j)), `gpg detached at ${s}d, judged at ${j}d`);
          if (c.pare === 'accept') accepted++;
        }
      }
      assert.equal(accepted, 3, 'accepted only within 3 days after signing (-8: at -7; -1: at 0 and 1)');
    } finally {
      await key.cleanup();
    }
  });

  const MUTANTS = 60;
  for (const label of ['rsa2048', 'p256+subkey', 'eddsa-legacy', 'ed25519']) {
    it(`${label}: ${MUTANTS} mutations each of the signature, the signed text and the keyring`, async () => {
      const key = keys.get(label)!;
      const rnd = prng(0x5eed + label.length);
      const msg = await clearsign(key, RELEASE, at(-1));
      const { head, sig } = splitClearsigned(msg);
      const data = Buffer.from(RELEASE);
      const detached = await detachSign(key, data, at(-1));
      agree(await judgeCleartext(head + armorSignature(sig), key.keyring, T0), 're-armored original');
      let rejected = 0;
      for (let n = 0; n < MUTANTS; n++) {
        const m1 = mutate(sig, rnd);
        const j1 = await judgeCleartext(head + armorSignature(m1.bytes), key.keyring, T0);
        agree(j1, `signature: ${m1.how}`);
        const m2 = mutate(Buffer.from(head), rnd);
        agree(
          await judgeCleartext(Buffer.concat([m2.bytes, Buffer.from(armorSignature(sig))]), key.keyring, T0),
          `text: ${m2.how}`,
        );
        const m3 = mutate(key.keyring, rnd);
        agree(await judgeCleartext(msg, m3.bytes, T0), `keyring: ${m3.how}`);
        const m4 = mutate(detached, rnd);
        agree(await judgeDetached(data, m4.bytes, key.keyring, T0), `detached signature: ${m4.how}`);
        if (j1.pare === 'reject') rejected++;
      }
      assert.ok(rejected > MUTANTS / 2, `only ${rejected} of ${MUTANTS} mutated signatures were rejected`);
    });
  }
});
