/**
 * The resolve stage for one architecture: the suites to read, verified, and
 * the plan the solver makes from their indexes (memoized in the cache by the
 * exact inputs). APK configs are resolved by apk.ts.
 */
import type { Config } from '../config/index.js';
import { ResolveError } from '../errors.js';
import { sha256Hex, silentProgress } from '../fetch/index.js';
import { resolve, type Plan } from '../resolve/solver.js';
import { Universe } from '../resolve/universe.js';
import { loadIndexes, type OpenedSuite } from '../sources/debian/repository.js';
import { VERSION } from '../version.js';
import { isApkConfig, resolveApkArch } from './apk.js';
import { openSources, planSuites } from './sources.js';
import { loadBase, type BaseImage } from './base.js';
import type { BuildOptions, Resolved } from './types.js';

/**
 * Resolve the config's packages for one architecture. Resolution is a pure
 * function of the request and the verified InRelease files, so its result is
 * memoized in the cache under a key made of exactly those inputs: a rebuild
 * whose suites did not change skips reading the (large) Packages indexes.
 */
export async function resolveArch(
  config: Config,
  arch: string,
  opts: BuildOptions,
  base?: BaseImage,
): Promise<Resolved> {
  if (isApkConfig(config)) return resolveApkArch(config, arch, opts);
  const progress = opts.progress ?? silentProgress;
  const specs = await planSuites(config, opts);
  progress.phase(`verifying repositories (${arch})`, specs.length);
  const suites = await openSources(specs, arch, opts);
  const request = {
    packages: config.contents.packages,
    exclude: config.contents.exclude,
    ...(base ? { installed: base.installed } : {}),
  };
  const keep = opts.keep?.[arch];
  const key = `plan:${sha256Hex(JSON.stringify({ pare: VERSION, arch, request, ...(keep ? { keep } : {}), suites: suites.map((s) => [s.url, s.suite, s.components, s.inReleaseSha256]) }))}`;
  let universe: Universe | undefined; // read only on a miss; kept for the debug layer
  const plan = await opts.cache.memo(
    key,
    'resolved plan',
    (bytes) => JSON.parse(bytes.toString('utf8')) as Plan,
    async () => {
      progress.phase(`reading indexes (${arch})`, suites.length);
      universe = await loadUniverse(arch, suites, opts, keep);
      const value = resolve(universe, request);
      return { bytes: Buffer.from(JSON.stringify(value)), value };
    },
  );
  return { arch, base, specs, suites, plan, ...(universe ? { universe } : {}) };
}

/** Every package of the suites' indexes (each verified against its InRelease), for the solver; `keep` as Universe takes it. */
export async function loadUniverse(
  arch: string,
  suites: readonly OpenedSuite[],
  opts: Pick<BuildOptions, 'cache' | 'http' | 'offline' | 'now'>,
  keep?: Record<string, string>,
): Promise<Universe> {
  const universe = new Universe(arch, keep ? new Map(Object.entries(keep)) : undefined);
  const indexes = await Promise.all(suites.map((s) => loadIndexes(s, opts)));
  for (const list of indexes) for (const idx of list) universe.addIndex(idx);
  return universe;
}

/** The base image of one architecture: the config's `base:`, checked against the lock's pin. */
export async function baseFor(config: Config, arch: string, opts: BuildOptions): Promise<BaseImage | undefined> {
  const pin = opts.lock?.lock.archs[arch]?.base;
  if (opts.lock && (config.base !== undefined) !== (pin !== undefined)) {
    throw new ResolveError(
      'LOCK_MISMATCH',
      config.base
        ? `${opts.lock.file} pins no base image, but the config builds on ${config.base}`
        : `${opts.lock.file} pins base ${pin!.ref}, but the config has no base:`,
      { hint: 'run `pare lock` again' },
    );
  }
  if (config.base === undefined) return undefined;
  return loadBase(config.base, arch, {
    cache: opts.cache,
    registry: opts.registry,
    offline: opts.offline,
    ...(pin ? { expect: pin.digest } : {}),
  });
}
