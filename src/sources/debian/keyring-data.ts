/**
 * Keyrings from disk: the Debian archive keyring shipped with pare (in
 * data/keyrings/, from Debian's debian-archive-keyring package) and
 * user-supplied keyring files. The only OpenPGP code that touches the disk.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VerifyError, isPareError } from '../../errors.js';
import { parseKeyring, type Keyring } from './openpgp/index.js';

/**
 * data/keyrings/ in the package root. This file runs from
 * src/sources/debian/ (tsx, tests on sources), dist/src/sources/debian/
 * (compiled) or dist/cli/ (the bundled CLI): try each depth and keep the one
 * that exists.
 */
export function keyringDataDir(): string {
  for (const rel of ['../../../../data/keyrings/', '../../../data/keyrings/', '../../data/keyrings/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(dir + 'debian-archive-keyring.gpg')) return dir;
  }
  throw new VerifyError(
    'KEYRING_READ',
    'the Debian archive keyring shipped with pare (data/keyrings/debian-archive-keyring.gpg) is missing',
    {
      hint: 'reinstall pare, or pass a keyring file explicitly',
    },
  );
}

/** The Debian archive keyring shipped with pare (all current archive and release keys). */
export function loadDefaultKeyring(): Keyring {
  return loadKeyringFile(keyringDataDir() + 'debian-archive-keyring.gpg');
}

/**
 * Reads a keyring file: binary (.gpg, as written by `gpg --export`) or
 * ASCII-armored (.asc). Errors: VerifyError 'KEYRING_READ' naming the file.
 */
export function loadKeyringFile(path: string): Keyring {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new VerifyError(
      'KEYRING_READ',
      `cannot read keyring ${path}: ${code === 'ENOENT' ? 'no such file' : String((e as Error).message)}`,
      {
        hint: 'check the keyring path in the configuration',
        cause: e,
      },
    );
  }
  try {
    return parseKeyring(bytes, path);
  } catch (e) {
    if (isPareError(e)) {
      throw new VerifyError('KEYRING_READ', e.message.startsWith(path) ? e.message : `${path}: ${e.message}`, {
        hint: e.hint,
        cause: e,
      });
    }
    throw e;
  }
}
