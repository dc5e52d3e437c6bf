import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { lockConfig } from '../pipeline/locked.js';
import { updateLock } from '../pipeline/update.js';
import { formatLockDiff, isEmptyDiff } from '../resolve/lock-diff.js';
import { loadConfig } from '../config/index.js';
import { OutputError, ResolveError, UsageError } from '../errors.js';
import { parseLockfile, serializeLockfile, type LockedRepository, type Lockfile } from '../resolve/lock.js';
import { baseRegistryFrom, baseRegistryOptions, cacheFrom, progressFrom, sourceOptions } from './common.js';
import { EXIT } from './io.js';
import type { Command } from './command.js';

/** The repositories of the lock being replaced, if any: a new lock never goes back to an older Release. */
async function previousRepositories(file: string): Promise<LockedRepository[] | undefined> {
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

/** Where a config's lock file lives by default: pare.yaml → pare.lock.json, next to it. */
export function defaultLockPath(configFile: string): string {
  return join(dirname(configFile), `${basename(configFile, extname(configFile))}.lock.json`);
}

/** Read and check a lock file; a missing one is LOCK_READ with a hint. */
export async function readLockfile(file: string, flag = '--lock FILE'): Promise<Lockfile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ResolveError(
      'LOCK_READ',
      `cannot read lock file ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
      {
        hint: `create it with \`pare lock CONFIG\`, or pass ${flag}`,
      },
    );
  }
  return parseLockfile(text, file);
}

export const lockCommand: Command = {
  name: 'lock',
  summary: 'Resolve a config and pin every package (version, sha256, repository) in a lock file',
  usage: 'pare lock CONFIG [-o FILE] [--update [PKG...]]',
  options: {
    update: {
      type: 'boolean',
      description:
        'Update the existing lock: everything, or only the PKGs named after CONFIG (and what they newly need); print the version changes',
    },
    output: {
      type: 'string',
      short: 'o',
      description: 'Lock file to write (default: CONFIG with .lock.json, e.g. pare.lock.json)',
    },
    ...sourceOptions,
    ...baseRegistryOptions,
  },
  async run({ values, positionals }, io) {
    const update = values.update === true;
    if (positionals.length === 0 || (!update && positionals.length !== 1))
      throw new UsageError('USAGE', `expected one config file, got ${positionals.length}`, {
        hint: 'pare lock pare.yaml, or pare lock pare.yaml --update [PKG...]',
      });
    const [configFile, ...names] = positionals as [string, ...string[]];
    const config = await loadConfig(configFile);
    const file = (values.output as string | undefined) ?? defaultLockPath(configFile);
    const previous = update ? { lock: await readLockfile(file, '-o FILE'), file } : undefined;
    const progress = progressFrom(values, io);
    const opts = {
      cache: cacheFrom(values, io),
      offline: values.offline as boolean | undefined,
      allowRollback: values['allow-rollback'] === true,
      lockedRepositories: previous?.lock.repositories ?? (await previousRepositories(file)),
      env: io.env,
      progress,
      registry: baseRegistryFrom(values, io),
    };
    const { lock, diff } = previous
      ? await updateLock(config, previous, names, opts)
      : { ...(await lockConfig(config, opts)), diff: undefined };
    progress.end();
    const tmp = `${file}.tmp-${process.pid}`;
    try {
      await writeFile(tmp, serializeLockfile(lock));
      await rename(tmp, file);
    } catch (e) {
      throw new OutputError('OUTPUT_WRITE', `cannot write lock file ${file}: ${(e as Error).message}`, {
        hint: 'check the directory exists and is writable',
        cause: e,
      });
    }
    for (const [arch, a] of Object.entries(lock.archs))
      io.stderr.write(`${arch}: ${a.packages.length} packages locked\n`);
    if (diff) {
      io.stdout.write(formatLockDiff(diff));
      if (isEmptyDiff(diff)) io.stderr.write('no package changed\n');
    }
    io.stdout.write(`${file}\n`);
    return EXIT.OK;
  },
};
