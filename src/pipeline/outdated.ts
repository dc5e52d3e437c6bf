/**
 * `pare outdated`: every locked package compared with the newest candidate
 * in the configured suites (verified as for a build, never older than the
 * lock's Release dates). For each newer candidate: the suite it is in,
 * whether that is a security suite, and — from the candidate's own Debian
 * changelog, fetched and verified like any package — the uploads since the
 * locked version with their urgency and the CVE IDs they name. No
 * vulnerability feed: the archive's signed packages are the source.
 */
import type { Config } from '../config/index.js';
import { ResolveError, UsageError } from '../errors.js';
import { silentProgress } from '../fetch/index.js';
import type { LockedPackage, Lockfile } from '../resolve/lock.js';
import { isSecuritySuite } from '../sources/debian/apt-sources.js';
import { changesSince, type ChangelogEntry } from '../sources/debian/changelog.js';
import type { PackageRecord, PackageStub } from '../sources/debian/packages-index.js';
import { loadIndexes, type OpenedSuite } from '../sources/debian/repository.js';
import { compareVersions } from '../sources/debian/version.js';
import { mapLimit } from '../util/concurrency.js';
import { isApkConfig } from './apk.js';
import { readChangelog } from './changelog.js';
import { openSources, planSuites } from './sources.js';
import type { BuildOptions } from './types.js';

export interface OutdatedPackage {
  arch: string;
  name: string;
  /** The locked version. */
  locked: string;
  /** The newest version the configured suites offer. */
  candidate: string;
  /** The suite the candidate comes from (a security suite when it is in one). */
  suite: string;
  /** The candidate is in a security suite (its name, Suite or Codename ends in -security). */
  security: boolean;
  /** The highest urgency of the changelog entries since the locked version. */
  urgency?: string;
  /** CVE IDs those entries name, sorted. */
  cves: string[];
  /** The changelog entries newer than the locked source version, newest first. */
  changes: Array<Pick<ChangelogEntry, 'version' | 'distributions' | 'urgency' | 'cves'>>;
  /** Where the changelog was read (image path in the candidate, or a sibling's); absent when it has none. */
  changelog?: string;
}

export interface OutdatedReport {
  /** Locked packages compared, over all architectures. */
  checked: number;
  /** Sorted by architecture (config order), then name. */
  packages: OutdatedPackage[];
}

export interface OutdatedOptions extends BuildOptions {
  /** Read changelogs for CVE IDs and urgency (default true). */
  changelogs?: boolean;
}

/** A suite of the security archive: bookworm-security (Codename), stable-security (Suite). */
export function fromSecuritySuite(s: OpenedSuite): boolean {
  return [s.suite, s.release.suite, s.release.codename].some((n) => n !== undefined && isSecuritySuite(n));
}

interface Offer {
  stub: PackageStub;
  suite: OpenedSuite;
}

export async function outdated(
  config: Config,
  lock: Lockfile,
  lockFile: string,
  opts: OutdatedOptions,
): Promise<OutdatedReport> {
  if (isApkConfig(config))
    throw new UsageError('USAGE', `pare outdated reads Debian repositories; ${config.file} uses APK repositories`, {
      hint: 'use a config with Debian repositories',
    });
  // The lock need not match the config: comparing a lock made before a suite was added is the point.
  for (const arch of config.archs)
    if (!lock.archs[arch])
      throw new ResolveError('LOCK_MISMATCH', `${lockFile} has no packages for architecture ${arch}`, {
        hint: `run \`pare lock ${config.file}\``,
      });
  const progress = opts.progress ?? silentProgress;
  const specs = await planSuites(config, opts);
  const report: OutdatedReport = { checked: 0, packages: [] };
  for (const arch of config.archs) {
    const locked = lock.archs[arch]!.packages;
    report.checked += locked.length;
    progress.phase(`verifying repositories (${arch})`, specs.length);
    const suites = await openSources(specs, arch, { ...opts, lockedRepositories: lock.repositories });
    progress.phase(`reading indexes (${arch})`, suites.length);
    const offers = new Map<string, Offer[]>();
    for (const [i, list] of (await Promise.all(suites.map((s) => loadIndexes(s, opts)))).entries()) {
      for (const idx of list) {
        for (const stub of idx.stubs) {
          if (stub.architecture !== arch && stub.architecture !== 'all') continue;
          const o = offers.get(stub.name);
          if (o) o.push({ stub, suite: suites[i]! });
          else offers.set(stub.name, [{ stub, suite: suites[i]! }]);
        }
      }
    }
    const newer = locked.flatMap((p) => {
      const best = newest(offers.get(p.name) ?? []);
      return best && compareVersions(best[0]!.stub.version, p.version) > 0 ? [{ p, best }] : [];
    });
    progress.phase(`reading changelogs (${arch})`, newer.length);
    const rows = await mapLimit(newer, 4, async ({ p, best }) => {
      const row = await describe(arch, p, best, offers, opts);
      progress.done(p.name);
      return row;
    });
    report.packages.push(...rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  }
  return report;
}

/** The offers of the highest version (one per suite that has it), or undefined. */
function newest(list: Offer[]): Offer[] | undefined {
  let best: Offer[] | undefined;
  for (const o of list) {
    const c = best ? compareVersions(o.stub.version, best[0]!.stub.version) : 1;
    if (c > 0) best = [o];
    else if (c === 0) best!.push(o);
  }
  return best;
}

async function describe(
  arch: string,
  p: LockedPackage,
  best: Offer[],
  offers: Map<string, Offer[]>,
  opts: OutdatedOptions,
): Promise<OutdatedPackage> {
  const sec = best.find((o) => fromSecuritySuite(o.suite));
  const pick = sec ?? best[0]!;
  const record = pick.stub.record;
  const row: OutdatedPackage = {
    arch,
    name: p.name,
    locked: p.version,
    candidate: record.version,
    suite: pick.suite.suite,
    security: sec !== undefined,
    cves: [],
    changes: [],
  };
  if (opts.changelogs === false) return row;
  const sibling = (name: string): PackageRecord | undefined =>
    (offers.get(name) ?? [])
      .map((o) => o.stub.record)
      .find((r) => r.source.name === record.source.name && r.source.version === record.source.version);
  const log = await readChangelog(record, sibling, opts);
  if (!log) return row;
  const since = changesSince(log.entries, p.source?.version ?? p.version);
  return {
    ...row,
    ...(since.urgency !== undefined ? { urgency: since.urgency } : {}),
    cves: since.cves,
    changes: since.entries.map(({ version, distributions, urgency, cves }) => ({
      version,
      distributions,
      urgency,
      cves,
    })),
    changelog: log.file,
  };
}
