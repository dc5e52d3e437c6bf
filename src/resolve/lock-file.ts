/**
 * Lock files on disk: where a config's lock lives by default, reading one
 * (LOCK_READ when it cannot be read, parse errors as parseLockfile gives
 * them), the repositories of the lock being replaced, and writing one
 * atomically (OUTPUT_WRITE). The format itself is lock.ts.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { OutputError, ResolveError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import { parseLockfile, serializeLockfile, type LockedRepository, type Lockfile } from './lock.js';

/** Where a config's lock file lives by default: pare.yaml → pare.lock.json, next to it. */
export function defaultLockPath(configFile: string): string {
  return join(dirname(configFile), `${basename(configFile, extname(configFile))}.lock.json`);
}

/** Read and check a lock file; a missing one is LOCK_READ with a hint naming `flag`, the option that picks the file. */
export async function readLockfile(file: string, flag = '--lock FILE'): Promise<Lockfile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new ResolveError('LOCK_READ', `cannot read lock file ${file}: ${why}`, {
      hint: `create it with \`pare lock CONFIG\`, or pass ${flag}`,
      cause: e,
    });
  }
  return parseLockfile(text, file);
}

/** The repositories of the lock being replaced, if any: a new lock never goes back to an older Release. */
export async function previousRepositories(file: string): Promise<LockedRepository[] | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return parseLockfile(text, file).repositories;
  } catch {
    return undefined; // not a lock this pare reads: it is replaced as before
  }
}

export async function writeLockfile(file: string, lock: Lockfile): Promise<void> {
  try {
    await writeFileAtomic(file, serializeLockfile(lock));
  } catch (e) {
    throw new OutputError('OUTPUT_WRITE', `cannot write lock file ${file}: ${(e as Error).message}`, {
      hint: 'check the directory exists and is writable',
      cause: e,
    });
  }
}
