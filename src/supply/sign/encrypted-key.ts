/**
 * cosign's encrypted private key format (go-securesystemslib "encrypted"):
 * PEM type ENCRYPTED SIGSTORE PRIVATE KEY (older cosign: ENCRYPTED COSIGN
 * PRIVATE KEY) whose body is JSON
 *   {"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":B64},
 *    "cipher":{"name":"nacl/secretbox","nonce":B64},"ciphertext":B64}
 * with key = scrypt(password, salt, N, r, p, 32) and ciphertext =
 * secretbox(PKCS#8 DER, nonce, key). Pure: bytes and strings only.
 */
import { randomBytes, scrypt as scryptCb } from 'node:crypto';
import { SupplyError } from '../../errors.js';
import { pemDecode, pemEncode } from './pem.js';
import { secretboxOpen, secretboxSeal, SECRETBOX_NONCE_BYTES } from './secretbox.js';

export const SIGSTORE_KEY_PEM = 'ENCRYPTED SIGSTORE PRIVATE KEY';
export const COSIGN_KEY_PEM = 'ENCRYPTED COSIGN PRIVATE KEY';

/** What cosign writes today. */
export const SCRYPT_DEFAULT = { N: 65536, r: 8, p: 1 } as const;
/** Parameter sets go-securesystemslib accepts on read (legacy, standard, OWASP); anything else could be a DoS. */
const SCRYPT_ACCEPTED = [32768, 65536, 131072];

export interface EncryptedKeyJson {
  kdf: { name: 'scrypt'; params: { N: number; r: number; p: number }; salt: string };
  cipher: { name: 'nacl/secretbox'; nonce: string };
  ciphertext: string;
}

export function scryptKey(
  password: string | Uint8Array,
  salt: Uint8Array,
  p: { N: number; r: number; p: number },
): Promise<Buffer> {
  // Node caps scrypt memory at 32 MiB by default; N=65536, r=8 needs 64 MiB.
  const maxmem = 128 * p.N * p.r * p.p + 32 * 1024 * 1024;
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, 32, { N: p.N, r: p.r, p: p.p, maxmem }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** Encrypt PKCS#8 DER bytes into cosign's PEM. `salt`/`nonce` are for tests only. */
export async function encryptPrivateKey(
  pkcs8: Uint8Array,
  password: string,
  opts: { salt?: Uint8Array; nonce?: Uint8Array; pemType?: string } = {},
): Promise<string> {
  const salt = opts.salt ?? randomBytes(32);
  const nonce = opts.nonce ?? randomBytes(SECRETBOX_NONCE_BYTES);
  const key = await scryptKey(password, salt, SCRYPT_DEFAULT);
  const body: EncryptedKeyJson = {
    kdf: { name: 'scrypt', params: { ...SCRYPT_DEFAULT }, salt: Buffer.from(salt).toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: Buffer.from(nonce).toString('base64') },
    ciphertext: Buffer.from(secretboxSeal(pkcs8, nonce, key)).toString('base64'),
  };
  return pemEncode(opts.pemType ?? SIGSTORE_KEY_PEM, Buffer.from(JSON.stringify(body)));
}

/** Decrypt cosign's PEM to PKCS#8 DER. `what` names the key file in errors. */
export async function decryptPrivateKey(pem: string, password: string, what = 'private key'): Promise<Buffer> {
  const block = pemDecode(pem);
  if (!block) throw keyError(`${what} is not PEM`);
  if (block.type !== SIGSTORE_KEY_PEM && block.type !== COSIGN_KEY_PEM) {
    throw keyError(
      `${what} is a PEM "${block.type}", not a cosign encrypted private key`,
      'pass the .key file written by `pare keygen` or `cosign generate-key-pair`',
    );
  }
  const data = parseBody(block.bytes, what);
  const key = await scryptKey(password, data.salt, data.params);
  const plain = secretboxOpen(data.box, data.nonce, key);
  if (!plain) {
    throw new SupplyError('KEY_DECRYPT', `cannot decrypt ${what}: wrong password, or the key file was changed`, {
      hint: 'set PARE_PASSWORD (or COSIGN_PASSWORD) to the password the key was created with',
    });
  }
  return Buffer.from(plain);
}

function parseBody(
  bytes: Buffer,
  what: string,
): { params: { N: number; r: number; p: number }; salt: Buffer; nonce: Buffer; box: Buffer } {
  let j: EncryptedKeyJson;
  try {
    j = JSON.parse(bytes.toString('utf8')) as EncryptedKeyJson;
  } catch (e) {
    throw keyError(`${what}: the PEM body is not JSON`, undefined, e);
  }
  if (j?.kdf?.name !== 'scrypt') throw keyError(`${what}: unknown kdf ${JSON.stringify(j?.kdf?.name)}`);
  if (j.cipher?.name !== 'nacl/secretbox') throw keyError(`${what}: unknown cipher ${JSON.stringify(j.cipher?.name)}`);
  const { N, r, p } = j.kdf.params ?? ({} as EncryptedKeyJson['kdf']['params']);
  if (!SCRYPT_ACCEPTED.includes(N) || r !== 8 || p !== 1) {
    throw keyError(`${what}: unsupported scrypt parameters N=${N} r=${r} p=${p}`);
  }
  const b64 = (s: unknown, name: string): Buffer => {
    if (typeof s !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw keyError(`${what}: ${name} is not base64`);
    return Buffer.from(s, 'base64');
  };
  const nonce = b64(j.cipher.nonce, 'cipher.nonce');
  if (nonce.length !== SECRETBOX_NONCE_BYTES) throw keyError(`${what}: nonce has ${nonce.length} bytes, want 24`);
  return { params: { N, r, p }, salt: b64(j.kdf.salt, 'kdf.salt'), nonce, box: b64(j.ciphertext, 'ciphertext') };
}

function keyError(
  message: string,
  hint = 'the key file is damaged or not a cosign key; generate a new pair with `pare keygen`',
  cause?: unknown,
): SupplyError {
  return new SupplyError('KEY_READ', message, { hint, cause });
}
