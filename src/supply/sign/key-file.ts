/**
 * cosign key files on disk: read one (KEY_READ naming the file when it
 * cannot be read), and load a signer from an encrypted private key file
 * with the password from the environment (keys.ts's passwordFromEnv).
 */
import { readFile } from 'node:fs/promises';
import { SupplyError } from '../../errors.js';
import { loadSigner, passwordFromEnv, type Signer } from './keys.js';

/** The text of a key file (PEM). */
export async function readKeyFile(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((e: unknown) => {
    throw new SupplyError('KEY_READ', `cannot read key ${file}: ${(e as Error).message}`, {
      cause: e,
      hint: 'create a key pair with `pare keygen`',
    });
  });
}

/** A signer from an encrypted private key file; the password from $PARE_PASSWORD or $COSIGN_PASSWORD. */
export async function signerFromKeyFile(file: string, env: NodeJS.ProcessEnv): Promise<Signer> {
  const text = await readKeyFile(file);
  return loadSigner(text, passwordFromEnv(env), file);
}
