import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { lockConfig } from '../pipeline/locked.js';
import { loadConfig } from '../config/index.js';
import { OutputError, UsageError } from '../errors.js';
import { parseLockfile, serializeLockfile, type LockedRepository } from '../resolve/lock.js';
import { baseRegistryFrom, baseRegistryOptions, cacheFrom, progressFrom, sourceOptions } from './common.js';
import { writeFileAtomic } from '../util/atomic.js';
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

export const lockCommand: Command = {
  name: 'lock',
  summary: 'Resolve a config and pin every package (version, sha256, repository) in a lock file',
  usage: 'pare lock CONFIG [-o FILE]',
  options: {
    output: {
      type: 'string',
      short: 'o',
      description: 'Lock file to write (default: CONFIG with .lock.json, e.g. pare.lock.json)',
    },
    ...sourceOptions,
    ...baseRegistryOptions,
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1)
      throw new UsageError('USAGE', `expected one config file, got ${positionals.length}`, {
        hint: 'pare lock pare.yaml',
      });
    const config = await loadConfig(positionals[0]!);
    const file = (values.output as string | undefined) ?? defaultLockPath(positionals[0]!);
    const progress = progressFrom(values, io);
    const { lock } = await lockConfig(config, {
      cache: cacheFrom(values, io),
      offline: values.offline as boolean | undefined,
      allowRollback: values['allow-rollback'] === true,
      lockedRepositories: await previousRepositories(file),
      env: io.env,
      progress,
      registry: baseRegistryFrom(values, io),
    });
    progress.end();
    try {
      await writeFileAtomic(file, serializeLockfile(lock));
    } catch (e) {
      throw new OutputError('OUTPUT_WRITE', `cannot write lock file ${file}: ${(e as Error).message}`, {
        hint: 'check the directory exists and is writable',
        cause: e,
      });
    }
    for (const [arch, a] of Object.entries(lock.archs))
      io.stderr.write(`${arch}: ${a.packages.length} packages locked\n`);
    io.stdout.write(`${file}\n`);
    return EXIT.OK;
  },
};
