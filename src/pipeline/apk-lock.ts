/**
 * Lock files for APK images. `pare lock` resolves every architecture,
 * fetches and verifies each package (so the lock pins the file's sha256 as
 * well as the index's C:), and records each repository's index digest and
 * signing key. A locked build reads no index: it fetches the locked files,
 * checks sha256 and C:, and takes each package's record from its own
 * .PKGINFO.
 */
import type { Config } from '../config/index.js';
import { ResolveError } from '../errors.js';
import { checkLockMatches, makeLockfile, type Lockfile } from '../resolve/lock.js';
import { packageFromPkgInfo } from '../sources/apk/pkginfo.js';
import { loadApkKeyring } from '../sources/apk/repository.js';
import { apkArchOf, asPlan, fetchAll, resolveApkArch, type ApkResolved } from './apk.js';
import type { BuildOptions } from './build.js';

export async function lockApk(
  config: Config,
  opts: BuildOptions,
): Promise<{ lock: Lockfile; resolved: ApkResolved[] }> {
  const resolved: ApkResolved[] = [];
  for (const arch of config.archs) {
    const r = await resolveApkArch(config, arch, opts);
    const fetched = await fetchAll(r, opts);
    fetched.forEach((f, i) => {
      r.plan.packages[i]!.record.sha256 = f.sha256;
      r.plan.packages[i]!.record.size = f.bytes.length;
    });
    resolved.push(r);
  }
  const lock = makeLockfile({
    config,
    repositories: resolved.flatMap((r) =>
      r.apk.repos.map((o) => ({
        url: o.url,
        configured: true,
        suite: o.arch,
        components: [],
        inReleaseSha256: o.indexSha256,
        signers: [o.signer],
      })),
    ),
    fingerprints: [...new Set(resolved.flatMap((r) => [...r.apk.keys.keys()]))],
    plans: resolved.map((r) => r.plan),
  });
  return { lock, resolved };
}

/** A plan from the lock alone; the packages' records are completed from their .PKGINFO once fetched. */
export async function resolveLockedApk(
  config: Config,
  arch: string,
  lock: Lockfile,
  file: string,
  opts: BuildOptions,
): Promise<ApkResolved> {
  checkLockMatches(lock, config, file);
  const apkArch = apkArchOf(arch, config);
  const a = lock.archs[arch]!;
  const repoIds = [...new Set(a.packages.map((p) => p.repository))];
  const repos = repoIds.map((id) => {
    const r = lock.repositories[id]!;
    if (!r.url)
      throw new ResolveError('LOCK_MISMATCH', `${file}: an apk repository without a url`, {
        hint: 'run `pare lock` again',
      });
    return {
      url: r.url,
      arch: apkArch,
      indexSha256: r.inRelease.sha256,
      signer: r.signedBy[0] ?? '',
      description: '',
      packages: [],
    };
  });
  const keys = new Map<string, Uint8Array>();
  for (const r of config.contents.repositories) {
    for (const [n, pem] of (await loadApkKeyring(r.keyring ?? config.contents.keyring, opts)).pems) keys.set(n, pem);
  }
  const plan = {
    arch: apkArch,
    excluded: a.excluded,
    packages: a.packages.map((p) => {
      if (!p.checksum)
        throw new ResolveError('LOCK_MISMATCH', `${file}: ${p.name} has no C: checksum`, {
          hint: 'run `pare lock` again',
        });
      const pkg = packageFromPkgInfo(
        new Map([
          ['pkgname', [p.name]],
          ['pkgver', [p.version]],
          ['arch', [p.architecture]],
        ]),
        { checksum: p.checksum, size: p.size },
        file,
      );
      return { pkg, repo: repoIds.indexOf(p.repository), reasons: p.reasons };
    }),
  };
  const asPlanned = asPlan(arch, plan, repos);
  asPlanned.packages.forEach((pp, i) => (pp.record.sha256 = a.packages[i]!.sha256));
  return { arch, specs: [], suites: [], plan: asPlanned, apk: { arch: apkArch, repos, plan, keys, locked: true } };
}
