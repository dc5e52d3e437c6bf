/**
 * Config repositories → verified, parsed package indexes for one
 * architecture: discover each suite's mirror, load keyrings, then fetch and
 * verify every suite in parallel.
 */
import { readFileSync } from 'node:fs';
import type { Config, RepositoryConfig } from '../config/index.js';
import type { BlobCache, Http } from '../fetch/index.js';
import { chooseMirror, readHostSources } from '../sources/debian/discover.js';
import { loadDefaultKeyring, loadKeyringFile } from '../sources/debian/keyring-data.js';
import { parseKeyring, type Keyring } from '../sources/debian/openpgp/index.js';
import { openSuite, type OpenedSuite } from '../sources/debian/repository.js';
import { snapshotUrl } from '../sources/debian/snapshot.js';
import type { LockedRepository } from '../resolve/lock.js';

export interface SourceOptions {
  cache: BlobCache;
  http?: Http;
  offline?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Where the host's apt configuration lives (default /etc/apt). */
  aptDir?: string;
  now?: Date;
  /** Accept a Release older than one seen before (snapshot mirrors); default false. */
  allowRollback?: boolean;
  /** Repositories a lock recorded: a Release older than the locked date is refused. */
  lockedRepositories?: LockedRepository[];
}

export interface SuiteSpec {
  url: string;
  /** How the URL was found: "config", "$PARE_MIRROR", or an apt sources file:line. */
  via: string;
  suite: string;
  components: string[];
  keyringFiles: string[];
  /** Read from the snapshot archive as of this timestamp: Valid-Until is not enforced (apt's Check-Valid-Until: no). */
  snapshot?: string;
}

/** Which URL serves each configured suite (no network). */
export async function planSuites(config: Config, opts: Pick<SourceOptions, 'env' | 'aptDir'>): Promise<SuiteSpec[]> {
  const needsDiscovery = config.contents.repositories.some((r) => !r.url && !r.snapshot);
  const ctx = { env: opts.env ?? process.env, hostSources: needsDiscovery ? await readHostSources(opts.aptDir) : [] };
  const specs: SuiteSpec[] = [];
  for (const repo of config.contents.repositories) {
    for (const suite of repo.suites) {
      const m = repo.snapshot
        ? snapshotUrl(ctx.env, { url: repo.url, snapshot: repo.snapshot }, suite)
        : repo.url
          ? { url: repo.url, via: 'config' }
          : chooseMirror(suite, ctx);
      specs.push({
        url: m.url,
        via: m.via,
        suite,
        components: repo.components,
        keyringFiles: keyringFor(repo, config),
        ...(repo.snapshot ? { snapshot: repo.snapshot } : {}),
      });
    }
  }
  return specs;
}

function keyringFor(repo: RepositoryConfig, config: Config): string[] {
  return repo.keyring ?? config.contents.keyring;
}

async function keyringOf(files: string[], memo: Map<string, Promise<Keyring>>): Promise<Keyring> {
  const key = files.join('\0');
  let k = memo.get(key);
  if (!k) {
    k = (async () => {
      if (files.length === 0) return loadDefaultKeyring();
      if (files.length === 1) return loadKeyringFile(files[0]!);
      // Several files: check each (errors name the file), then merge their keys.
      files.forEach((f) => loadKeyringFile(f));
      return parseKeyring(
        files.map((f) => readFileSync(f)),
        files.join(', '),
      );
    })();
    memo.set(key, k);
  }
  return k;
}

/** The newest Release date a lock recorded for this suite (a discovered mirror's entry has no URL). */
function lockedFloor(
  spec: SuiteSpec,
  locked: LockedRepository[] | undefined,
): { date: Date; from: string } | undefined {
  let floor: Date | undefined;
  for (const r of locked ?? []) {
    if (r.suite !== spec.suite || !r.inRelease.date) continue;
    if (r.url !== undefined ? r.url !== spec.url : spec.via === 'config') continue;
    const d = new Date(r.inRelease.date);
    if (!Number.isNaN(d.getTime()) && (!floor || d > floor)) floor = d;
  }
  return floor && { date: floor, from: 'the lock file' };
}

/** Fetch and verify every suite's InRelease, in parallel. */
export async function openSources(specs: SuiteSpec[], arch: string, opts: SourceOptions): Promise<OpenedSuite[]> {
  const memo = new Map<string, Promise<Keyring>>();
  return Promise.all(
    specs.map(async (s) =>
      openSuite(
        {
          url: s.url,
          suite: s.suite,
          components: s.components,
          arch,
          keyring: await keyringOf(s.keyringFiles, memo),
          notBefore: lockedFloor(s, opts.lockedRepositories),
          ...(s.snapshot ? { checkValidUntil: false } : {}),
        },
        opts,
      ),
    ),
  );
}
