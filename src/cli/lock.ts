import { lockConfig } from '../pipeline/locked.js';
import { loadConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import { defaultLockPath, previousRepositories, writeLockfile } from '../resolve/lock-file.js';
import { baseRegistryFrom, baseRegistryOptions, cacheFrom, progressFrom, sourceOptions } from './common.js';
import { EXIT } from './io.js';
import { command } from './command.js';

export const lockCommand = command({
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
    const file = values.output ?? defaultLockPath(positionals[0]!);
    const progress = progressFrom(values, io);
    const { lock } = await lockConfig(config, {
      cache: cacheFrom(values, io),
      offline: values.offline,
      allowRollback: values['allow-rollback'] === true,
      lockedRepositories: await previousRepositories(file),
      env: io.env,
      progress,
      registry: baseRegistryFrom(values, io),
    });
    progress.end();
    await writeLockfile(file, lock);
    for (const [arch, a] of Object.entries(lock.archs))
      io.stderr.write(`${arch}: ${a.packages.length} packages locked\n`);
    io.stdout.write(`${file}\n`);
    return EXIT.OK;
  },
});
