/**
 * Key pairs and the one-method Signer role (sigstore-js style). ECDSA P-256
 * over SHA-256 with DER signatures, as cosign does; RSA keys imported into
 * cosign's format also work (PKCS#1 v1.5, SHA-256). Pure: no files; the
 * password comes in as a value (see passwordFromEnv).
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import { SupplyError } from '../../errors.js';
import { decryptPrivateKey, encryptPrivateKey } from './encrypted-key.js';

/** Signs bytes; tests and KMS-backed signers pass their own. */
export interface Signer {
  sign(data: Uint8Array): Promise<Uint8Array>;
  publicKeyPem(): string;
}

export interface KeyPairPem {
  /** cosign's encrypted format (ENCRYPTED SIGSTORE PRIVATE KEY). */
  privateKeyPem: string;
  /** SPKI "PUBLIC KEY" PEM. */
  publicKeyPem: string;
}

export async function generateKeyPair(password: string): Promise<KeyPairPem> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  return { privateKeyPem: await encryptPrivateKey(pkcs8, password), publicKeyPem: spkiPem(publicKey) };
}

function spkiPem(k: KeyObject): string {
  return k.export({ type: 'spki', format: 'pem' }).toString();
}

/** A Signer over an in-memory private key. */
export function keySigner(privateKey: KeyObject): Signer {
  checkKeyType(privateKey, 'private key');
  const pub = spkiPem(createPublicKey(privateKey));
  return {
    sign: (data) => Promise.resolve(new Uint8Array(cryptoSign('sha256', data, privateKey))),
    publicKeyPem: () => pub,
  };
}

/** Decrypt a cosign .key and return its Signer. */
export async function loadSigner(encryptedPem: string, password: string, what = 'private key'): Promise<Signer> {
  const der = await decryptPrivateKey(encryptedPem, password, what);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new SupplyError('KEY_READ', `${what}: the decrypted key is not PKCS#8`, {
      cause: e,
      hint: 'generate a new pair with `pare keygen`',
    });
  }
  return keySigner(key);
}

/** Parse a "PUBLIC KEY" PEM (what `pare keygen` and `cosign generate-key-pair` write). */
export function parsePublicKey(pem: string, what = 'public key'): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (e) {
    throw new SupplyError('KEY_READ', `${what} is not a PEM public key`, {
      cause: e,
      hint: 'pass the .pub file written by `pare keygen` or `cosign generate-key-pair`',
    });
  }
  checkKeyType(key, what);
  return key;
}

function checkKeyType(key: KeyObject, what: string): void {
  if (key.asymmetricKeyType !== 'ec' && key.asymmetricKeyType !== 'rsa') {
    throw new SupplyError(
      'KEY_READ',
      `${what} is a ${key.asymmetricKeyType ?? 'unknown'} key; pare signs with ECDSA (or RSA) keys`,
      {
        hint: 'generate an ECDSA P-256 pair with `pare keygen`',
      },
    );
  }
}

/** True when `sig` (DER for ECDSA) is a valid SHA-256 signature of `data`. Never throws on a malformed signature. */
export function verifySignature(publicKey: KeyObject, data: Uint8Array, sig: Uint8Array): boolean {
  try {
    return cryptoVerify('sha256', data, publicKey, sig);
  } catch {
    return false;
  }
}

/**
 * The key password from PARE_PASSWORD, else COSIGN_PASSWORD. An empty password
 * counts only when a variable is set to the empty string.
 */
export function passwordFromEnv(env: NodeJS.ProcessEnv): string {
  const pw = env.PARE_PASSWORD ?? env.COSIGN_PASSWORD;
  if (pw === undefined) {
    throw new SupplyError('KEY_PASSWORD_MISSING', 'no key password: neither PARE_PASSWORD nor COSIGN_PASSWORD is set', {
      hint: 'export PARE_PASSWORD=... (or COSIGN_PASSWORD); for a key without a password, set it to the empty string',
    });
  }
  return pw;
}
