/**
 * pare.lock.json: everything a build resolved, pinned so a rebuild months later
 * installs exactly the same bytes. Pure: values in, values out.
 *
 * A repository found by mirror discovery is recorded without its URL, so the
 * lock stays portable: a locked build discovers the mirror again, and the
 * sha256 of every package makes the mirror irrelevant to what is installed.
 */
import { createHash } from 'node:crypto';
import type { Config } from '../config/index.js';
import { ResolveError } from '../errors.js';
import type { Plan } from './solver.js';
import type { LockedArtifact } from '../ecosystems/types.js';

export const LOCKFILE_VERSION = 1;

export interface LockedRepository {
  /** Set when the config names the URL; absent for a discovered Debian mirror. */
  url?: string;
  suite: string;
  components: string[];
  inRelease: { sha256: string; date?: string };
  signedBy: string[];
}

export interface LockedPackage {
  name: string;
  version: string;
  architecture: string;
  sha256: string;
  size: number;
  /** Path relative to the repository URL (the index's Filename). */
  filename: string;
  /** Index into `repositories`. */
  repository: number;
  source: { name: string; version: string };
  /** APK packages: the index's C: (Q1 + base64 SHA-1 of the control section), checked on every build. */
  checksum?: string;
  reasons: string[];
}

export interface Lockfile {
  lockfileVersion: number;
  /** Digest of what the lock depends on in the config (contents + archs). */
  config: { digest: string; file: string };
  keyring: { fingerprints: string[] };
  repositories: LockedRepository[];
  archs: Record<
    string,
    {
      packages: LockedPackage[];
      excluded: Plan['excluded'];
      /** Application artifacts (wheels, npm tarballs) with their digests. */
      applications?: LockedArtifact[];
      /** The `base:` image: the reference and the manifest digest it resolved to (an archive without one: its config digest). */
      base?: { ref: string; digest: string };
    }
  >;
}

/**
 * The part of a config a lock pins: changing the entrypoint does not
 * invalidate a lock, changing a package list or a repository does.
 */
export function lockedConfigDigest(config: Config): string {
  const c = config.contents;
  const canonical = {
    repositories: c.repositories.map((r) => ({
      url: r.url ?? null,
      suites: r.suites,
      components: r.components,
      keyring: r.keyring ?? null,
    })),
    keyring: c.keyring,
    packages: c.packages,
    exclude: c.exclude,
    archs: config.archs,
  };
  return `sha256:${createHash('sha256').update(JSON.stringify(canonical)).digest('hex')}`;
}

export interface LockInput {
  config: Config;
  repositories: Array<{
    url: string;
    configured: boolean;
    suite: string;
    components: string[];
    inReleaseSha256: string;
    date?: Date;
    signers: string[];
  }>;
  fingerprints: string[];
  plans: Plan[];
}

export function makeLockfile(input: LockInput): Lockfile {
  const repoIndex = new Map(input.repositories.map((r, i) => [`${r.url}\0${r.suite}`, i]));
  const archs: Lockfile['archs'] = {};
  for (const plan of input.plans) {
    archs[plan.arch] = {
      packages: plan.packages.map(({ record, reasons }) => {
        const o = record.origin!;
        const repository = repoIndex.get(`${o.url}\0${o.suite}`);
        if (repository === undefined)
          throw new ResolveError(
            'LOCK_MISMATCH',
            `${record.name}: its repository ${o.url} ${o.suite} is not among the locked ones`,
          );
        return {
          name: record.name,
          version: record.version,
          architecture: record.architecture,
          sha256: record.sha256,
          size: record.size,
          filename: record.filename,
          repository,
          source: record.source,
          ...(record.fields.C ? { checksum: record.fields.C } : {}),
          reasons,
        };
      }),
      excluded: plan.excluded,
    };
  }
  return {
    lockfileVersion: LOCKFILE_VERSION,
    config: { digest: lockedConfigDigest(input.config), file: input.config.file.split('/').pop()! },
    keyring: { fingerprints: [...new Set(input.fingerprints)].sort() },
    repositories: input.repositories.map((r) => ({
      ...(r.configured ? { url: r.url } : {}),
      suite: r.suite,
      components: r.components,
      inRelease: { sha256: r.inReleaseSha256, ...(r.date ? { date: r.date.toISOString() } : {}) },
      signedBy: [...r.signers].sort(),
    })),
    archs,
  };
}

export function serializeLockfile(lock: Lockfile): string {
  return JSON.stringify(lock, null, 2) + '\n';
}

const HEX = /^[0-9a-f]{64}$/;

/** Parse and check a lock file's shape; errors name the file. */
export function parseLockfile(text: string, file: string): Lockfile {
  const bad = (why: string): never => {
    throw new ResolveError('LOCK_MISMATCH', `${file}: not a valid pare lock file: ${why}`, {
      hint: 'regenerate it with `pare lock CONFIG`',
    });
  };
  let lock: Lockfile;
  try {
    lock = JSON.parse(text) as Lockfile;
  } catch (e) {
    return bad((e as Error).message);
  }
  if (lock?.lockfileVersion !== LOCKFILE_VERSION)
    bad(`lockfileVersion ${String(lock?.lockfileVersion)} (this pare reads ${LOCKFILE_VERSION})`);
  if (!Array.isArray(lock.repositories) || typeof lock.archs !== 'object' || typeof lock.config?.digest !== 'string')
    bad('missing repositories, archs or config');
  for (const [arch, a] of Object.entries(lock.archs)) {
    for (const p of a.packages ?? bad(`archs.${arch}.packages is missing`)) {
      if (
        typeof p.name !== 'string' ||
        !HEX.test(p.sha256) ||
        !Number.isInteger(p.size) ||
        typeof p.filename !== 'string' ||
        !lock.repositories[p.repository]
      ) {
        bad(`archs.${arch}: package entry ${JSON.stringify(p.name)} is incomplete`);
      }
      if (p.filename.startsWith('/') || p.filename.split('/').includes('..'))
        bad(`archs.${arch}: ${p.name} has a hostile filename ${p.filename}`);
    }
    if (a.base !== undefined && (typeof a.base.ref !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(a.base.digest)))
      bad(`archs.${arch}.base needs a ref and a sha256 digest`);
  }
  return lock;
}

/** Fail unless the lock was made from this config (for the parts a lock pins). */
export function checkLockMatches(lock: Lockfile, config: Config, file: string): void {
  const want = lockedConfigDigest(config);
  if (lock.config.digest !== want) {
    throw new ResolveError(
      'LOCK_MISMATCH',
      `${file} was made from a different ${config.file}: its contents or archs changed since the lock was written`,
      {
        hint: `run \`pare lock ${config.file}\` to update the lock, or revert the config change`,
        detail: { lock: lock.config.digest, config: want },
      },
    );
  }
  for (const arch of config.archs) {
    if (!lock.archs[arch])
      throw new ResolveError('LOCK_MISMATCH', `${file} has no packages for architecture ${arch}`, {
        hint: `run \`pare lock ${config.file}\``,
      });
  }
}
