/**
 * `pare lock --update [PKG...]`: lock the config again and say what changed.
 * Without names everything is re-resolved to the newest versions that fit;
 * with names, every other locked package keeps its locked version while it
 * still fits, so only the named packages move — with whatever they newly
 * need, or what no longer satisfies them.
 */
import type { Config } from '../config/index.js';
import { ResolveError, UsageError } from '../errors.js';
import { diffLocks, type LockDiff } from '../resolve/lock-diff.js';
import type { Lockfile } from '../resolve/lock.js';
import { suggestNames } from '../resolve/suggest.js';
import { isApkConfig } from './apk.js';
import { lockConfig } from './locked.js';
import type { BuildOptions, Resolved } from './types.js';

/** Every locked version but those of `names`, per architecture; an unknown name is NOT_LOCKED. */
export function keepExcept(lock: Lockfile, names: string[], file: string): Record<string, Record<string, string>> {
  const all = new Set(Object.values(lock.archs).flatMap((a) => a.packages.map((p) => p.name)));
  for (const name of names) {
    if (all.has(name)) continue;
    const close = suggestNames(name, all);
    throw new ResolveError('NOT_LOCKED', `${name} is not a package locked in ${file}`, {
      hint: close.length
        ? `did you mean ${close.join(', ')}? Name packages as the lock file lists them`
        : 'name packages as the lock file lists them, or run `pare lock --update` without names to update everything',
    });
  }
  const skip = new Set(names);
  const keep: Record<string, Record<string, string>> = {};
  for (const [arch, a] of Object.entries(lock.archs))
    keep[arch] = Object.fromEntries(a.packages.filter((p) => !skip.has(p.name)).map((p) => [p.name, p.version]));
  return keep;
}

export async function updateLock(
  config: Config,
  previous: { lock: Lockfile; file: string },
  names: string[],
  opts: BuildOptions,
): Promise<{ lock: Lockfile; diff: LockDiff; resolved: Resolved[] }> {
  if (names.length && isApkConfig(config))
    throw new UsageError('USAGE', `pare lock --update PKG reads Debian repositories; ${config.file} uses APK`, {
      hint: 'run `pare lock --update` without package names to update everything',
    });
  const keep = names.length ? keepExcept(previous.lock, names, previous.file) : undefined;
  const { lock, resolved } = await lockConfig(config, {
    ...opts,
    ...(keep ? { keep } : {}),
    lockedRepositories: opts.lockedRepositories ?? previous.lock.repositories,
  });
  return { lock, diff: diffLocks(previous.lock, lock), resolved };
}
