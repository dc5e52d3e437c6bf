/**
 * Lock files in the pipeline: `lockConfig` resolves every architecture and
 * pins the result; `resolveLocked` turns a lock back into a plan without
 * reading any index, so a locked build installs exactly the locked bytes.
 */
import type { Config } from '../config/index.js';
import { ResolveError } from '../errors.js';
import {
  checkLockMatches,
  makeLockfile,
  type LockedPackage,
  type LockedRepository,
  type Lockfile,
} from '../resolve/lock.js';
import type { Plan } from '../resolve/solver.js';
import { parsePackagesIndex, type PackageRecord } from '../sources/debian/packages-index.js';
import { baseFor, resolveArch } from './resolve.js';
import type { BuildOptions, Resolved } from './types.js';
import { openSources, planSuites, type SuiteSpec } from './sources.js';
import { planFor } from './applications.js';
import { lockedArtifacts } from '../ecosystems/index.js';
import { isApkConfig } from './apk.js';
import { lockApk, resolveLockedApk } from './apk-lock.js';

export async function lockConfig(
  config: Config,
  opts: BuildOptions,
): Promise<{ lock: Lockfile; resolved: Resolved[] }> {
  if (isApkConfig(config)) return lockApk(config, opts);
  const resolved: Resolved[] = [];
  for (const arch of config.archs)
    resolved.push(await resolveArch(config, arch, opts, await baseFor(config, arch, { ...opts, lock: undefined })));
  const first = resolved[0]!;
  const lock = makeLockfile({
    config,
    repositories: first.suites.map((s, i) => ({
      url: s.url,
      configured: first.specs[i]!.via === 'config',
      suite: s.suite,
      components: s.components,
      inReleaseSha256: s.inReleaseSha256,
      date: s.release.date,
      signers: s.signers,
    })),
    fingerprints: first.suites.flatMap((s) => s.keyring),
    plans: resolved.map((r) => r.plan),
  });
  for (const r of resolved) {
    const artifacts = lockedArtifacts(await planFor(config, r, opts));
    if (artifacts.length) lock.archs[r.arch]!.applications = artifacts;
    if (r.base) lock.archs[r.arch]!.base = { ref: r.base.ref, digest: r.base.pin };
  }
  return { lock, resolved };
}

function repoUrl(repo: LockedRepository, specs: SuiteSpec[], file: string): string {
  // A repository the config now pins to a snapshot is read there, whatever URL the lock recorded.
  const snapshot = specs.find((s) => s.snapshot && s.suite === repo.suite);
  if (snapshot) return snapshot.url;
  if (repo.url) return repo.url;
  const spec = specs.find((s) => s.suite === repo.suite);
  if (!spec) {
    throw new ResolveError('LOCK_MISMATCH', `${file}: the locked suite ${repo.suite} is not in the config`, {
      hint: 'run `pare lock` again',
    });
  }
  return spec.url;
}

function lockedRecord(p: LockedPackage, url: string, repo: LockedRepository): PackageRecord {
  return {
    name: p.name,
    version: p.version,
    architecture: p.architecture,
    essential: false,
    depends: [],
    preDepends: [],
    provides: [],
    conflicts: [],
    breaks: [],
    filename: p.filename,
    size: p.size,
    sha256: p.sha256,
    source: p.source,
    fields: {},
    origin: { url, suite: repo.suite, component: repo.components[0] ?? 'main' },
  };
}

/** A plan read from the lock: no InRelease, no index; the sha256 pins each package. */
export async function resolveLocked(
  config: Config,
  arch: string,
  lock: Lockfile,
  lockFile: string,
  opts: BuildOptions,
): Promise<Resolved> {
  if (isApkConfig(config)) return resolveLockedApk(config, arch, lock, lockFile, opts);
  checkLockMatches(lock, config, lockFile);
  const specs = await planSuites(config, opts);
  const a = lock.archs[arch];
  const plan: Plan = {
    arch,
    packages: a!.packages.map((p) => {
      const repo = lock.repositories[p.repository];
      return { record: lockedRecord(p, repoUrl(repo!, specs, lockFile), repo!), reasons: p.reasons };
    }),
    excluded: a!.excluded,
  };
  // The debug layer resolves busybox-static from the live suites.
  const suites =
    (opts.debug ?? config.debug)
      ? await openSources(specs, arch, { ...opts, lockedRepositories: opts.lockedRepositories ?? lock.repositories })
      : [];
  return { arch, specs, suites, plan };
}

/**
 * After fetching, a locked package's full record comes from its own control
 * file (which the sha256 pins) plus the locked location.
 */
export function recordFromControl(control: string, locked: PackageRecord): PackageRecord {
  const text = `${control.trimEnd()}\nFilename: ${locked.filename}\nSize: ${locked.size}\nSHA256: ${locked.sha256}\n`;
  const stub = parsePackagesIndex(text, `${locked.name} control`, locked.origin).stubs[0];
  return stub ? { ...stub.record, origin: locked.origin } : locked;
}
