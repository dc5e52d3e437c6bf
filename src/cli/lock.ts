import { lockConfig } from '../pipeline/locked.js';
import { updateLock } from '../pipeline/update.js';
import { formatLockDiff, isEmptyDiff } from '../resolve/lock-diff.js';
import { loadConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import { defaultLockPath, previousRepositories, readLockfile, writeLockfile } from '../resolve/lock-file.js';
import { baseRegistryFrom, baseRegistryOptions, cacheFrom, progressFrom, sourceOptions } from './common.js';
import { EXIT } from './io.js';
import { command } from './command.js';

export const lockCommand = command({
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
    const file = values.output ?? defaultLockPath(configFile);
    const previous = update ? { lock: await readLockfile(file, '-o FILE'), file } : undefined;
    const progress = progressFrom(values, io);
    const opts = {
      cache: cacheFrom(values, io),
      offline: values.offline,
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
    await writeLockfile(file, lock);
    for (const [arch, a] of Object.entries(lock.archs))
      io.stderr.write(`${arch}: ${a.packages.length} packages locked\n`);
    if (diff) {
      io.stdout.write(formatLockDiff(diff));
      if (isEmptyDiff(diff)) io.stderr.write('no package changed\n');
    }
    io.stdout.write(`${file}\n`);
    return EXIT.OK;
  },
});
