/**
 * apk's RSA signatures: a tar entry `.SIGN.RSA.<key name>` holds a PKCS#1
 * v1.5 signature over SHA-1 of the signed bytes, `.SIGN.RSA256.<key name>`
 * one over SHA-256. The key name is the public key's file name, so a keyring
 * maps names to keys. Pure (node:crypto only).
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { VerifyError } from '../../errors.js';

export interface ApkSignature {
  digest: 'sha1' | 'sha256';
  keyName: string;
  signature: Uint8Array;
}

/** Key name (file name, e.g. "alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub") → public key. */
export type ApkKeyring = ReadonlyMap<string, KeyObject>;

const SIGN = /^\.SIGN\.(RSA|RSA256)\.(.+)$/;

/** The signature an entry name describes, or undefined when it is not a signature entry. */
export function signatureEntry(name: string, data: Uint8Array): ApkSignature | undefined {
  const m = SIGN.exec(name);
  if (!m) return undefined;
  return { digest: m[1] === 'RSA' ? 'sha1' : 'sha256', keyName: m[2]!, signature: data };
}

/** Parse a PEM public key; `name` is its file name (the key name) and names it in errors. */
export function parseApkKey(name: string, pem: Uint8Array | string): KeyObject {
  try {
    const key = createPublicKey({ key: typeof pem === 'string' ? pem : Buffer.from(pem), format: 'pem' });
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`a ${key.asymmetricKeyType} key, not RSA`);
    return key;
  } catch (e) {
    throw new VerifyError('KEYRING_READ', `${name}: not an RSA public key in PEM form: ${(e as Error).message}`, {
      hint: 'keyring: entries name .rsa.pub files as the repository publishes them',
      cause: e,
    });
  }
}

/**
 * Verify `data` against the signatures whose key is in the keyring. Returns
 * the name of the key that verified; throws SIG_NO_KEY when no signature
 * names a key of the keyring and SIG_BAD when none of them verifies.
 */
export function verifyApkSignatures(
  sigs: readonly ApkSignature[],
  data: Uint8Array,
  keyring: ApkKeyring,
  label: string,
): string {
  if (sigs.length === 0) {
    throw new VerifyError('SIG_MALFORMED', `${label} is not signed`, {
      hint: 'apk repositories sign their index; use the repository URL that serves a signed APKINDEX.tar.gz',
    });
  }
  const known = sigs.filter((s) => keyring.has(s.keyName));
  if (known.length === 0) {
    throw new VerifyError(
      'SIG_NO_KEY',
      `${label} is signed by ${sigs.map((s) => s.keyName).join(', ')}, which ${sigs.length === 1 ? 'is' : 'are'} not in the keyring (${[...keyring.keys()].join(', ') || 'empty'})`,
      {
        hint: "add the repository's public key to keyring: (its file name must be the key name, as apk requires)",
        detail: { signers: sigs.map((s) => s.keyName), keyring: [...keyring.keys()] },
      },
    );
  }
  for (const s of known) {
    if (verify(s.digest, data, keyring.get(s.keyName)!, s.signature)) return s.keyName;
  }
  throw new VerifyError(
    'SIG_BAD',
    `${label}: the ${known.map((s) => `${s.digest === 'sha1' ? 'RSA' : 'RSA256'} signature by ${s.keyName}`).join(', ')} does not verify`,
    {
      hint: 'the index was tampered with, or the key file holds a different key than its name says',
      detail: { keys: known.map((s) => s.keyName) },
    },
  );
}
