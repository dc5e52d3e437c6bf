/**
 * The pipeline for APK repositories (Alpine, Wolfi), a peer of the Debian
 * path in build.ts with the same result shapes: resolve (verified indexes →
 * ApkPlan, presented as a Plan whose records point at the .apk files), then
 * fetch and verify every package, assemble the tree (apk's replaces
 * decide file conflicts), accounts, os-release, slicing, paths, the apk
 * database, and one layer.
 */
import type { Config } from '../config/index.js';
import { ConfigError, VerifyError } from '../errors.js';
import { packageFromPkgInfo } from '../sources/apk/pkginfo.js';
import { silentProgress } from '../fetch/index.js';
import { makeImage, type Layer } from '../oci/index.js';
import { ApkUniverse } from '../resolve/apk/universe.js';
import { resolveApk, type ApkPlan } from '../resolve/apk/solver.js';
import type { Plan } from '../resolve/solver.js';
import { apkFileName } from '../sources/apk/apkindex.js';
import {
  APK_ARCH,
  fetchApk,
  loadApkKeyring,
  openApkRepo,
  type FetchedApk,
  type OpenedApkRepo,
} from '../sources/apk/repository.js';
import type { PackageRecord } from '../sources/debian/packages-index.js';
import { accountsFor } from '../distroless/accounts.js';
import { addApkAccounts, addApkMetadata } from '../distroless/apk.js';
import { addOsRelease } from '../distroless/os-release.js';
import { slice } from '../tree/slice.js';
import { applyPaths } from '../tree/paths.js';
import { addRecord, recordFor } from '../supply/sbom/record.js';
import { imageEnv, readPathSources, sliceRulesFor } from './content.js';
import { cachedLayer } from './layer-cache.js';
import { layerGroups } from './layering.js';
import { Budget } from './budget.js';
import { addApkPackage } from './apk-assemble.js';
import { FileTree } from '../tree/tree.js';
import { fileBytes } from '../tree/body.js';
import type { ArchImage, BuildOptions, Resolved } from './types.js';
import { mapLimit } from '../util/concurrency.js';

export interface ApkResolved extends Resolved {
  apk: {
    arch: string;
    repos: OpenedApkRepo[];
    plan: ApkPlan;
    keys: Map<string, Uint8Array>;
    /** From a lock: records are completed from each package's .PKGINFO, and sha256 is checked. */
    locked?: boolean;
  };
}

export function isApkConfig(config: Config): boolean {
  return config.contents.repositories.some((r) => r.type === 'apk');
}

export function isApkResolved(r: Resolved): r is ApkResolved {
  return (r as Partial<ApkResolved>).apk !== undefined;
}

export function apkArchOf(arch: string, config: Config): string {
  const a = APK_ARCH[arch];
  if (!a)
    throw new ConfigError('CONFIG_SCHEMA', `${config.file}: archs: ${arch} has no apk architecture`, {
      hint: `use one of ${Object.keys(APK_ARCH).join(', ')}`,
    });
  return a;
}

/** The APK plan as a Plan: records name the .apk file; sha256 is filled in once fetched. */
export function asPlan(arch: string, plan: ApkPlan, repos: OpenedApkRepo[]): Plan {
  return {
    arch,
    excluded: plan.excluded,
    packages: plan.packages.map(({ pkg, repo, reasons }) => {
      const record: PackageRecord = {
        name: pkg.name,
        version: pkg.version,
        architecture: pkg.arch,
        essential: false,
        depends: [],
        preDepends: [],
        provides: [],
        conflicts: [],
        breaks: [],
        filename: `${repos[repo]!.arch}/${apkFileName(pkg)}`,
        size: pkg.size,
        sha256: '',
        source: { name: pkg.origin, version: pkg.version },
        maintainer: pkg.maintainer,
        homepage: pkg.url || undefined,
        description: pkg.description,
        installedSize: pkg.installedSize,
        fields: { C: pkg.checksum },
        origin: { url: repos[repo]!.url, suite: repos[repo]!.arch, component: '' },
      };
      return { record, reasons };
    }),
  };
}

export async function resolveApkArch(config: Config, arch: string, opts: BuildOptions): Promise<ApkResolved> {
  const progress = opts.progress ?? silentProgress;
  const apkArch = apkArchOf(arch, config);
  const repos = config.contents.repositories;
  progress.phase(`verifying repositories (${arch})`, repos.length);
  const memo = new Map<string, ReturnType<typeof loadApkKeyring>>();
  const opened = await Promise.all(
    repos.map(async (r) => {
      const refs = r.keyring ?? config.contents.keyring;
      const id = refs.join('\0');
      if (!memo.has(id)) memo.set(id, loadApkKeyring(refs, opts));
      const { keyring } = await memo.get(id)!;
      return openApkRepo(r.url!, apkArch, keyring, opts);
    }),
  );
  const keys = new Map<string, Uint8Array>();
  for (const k of memo.values()) for (const [n, pem] of (await k).pems) keys.set(n, pem);
  const universe = new ApkUniverse(apkArch);
  opened.forEach((o, i) => universe.addRepository(o.packages, i));
  const plan = resolveApk(universe, { packages: config.contents.packages, exclude: config.contents.exclude });
  return {
    arch,
    specs: [],
    suites: [],
    plan: asPlan(arch, plan, opened),
    apk: { arch: apkArch, repos: opened, plan, keys },
  };
}

export async function fetchAll(r: ApkResolved, opts: BuildOptions, maxDataBytes?: number): Promise<FetchedApk[]> {
  const progress = opts.progress ?? silentProgress;
  const list = r.apk.plan.packages;
  return mapLimit(list, 8, async (p) => {
    const f = await fetchApk(r.apk.repos[p.repo]!.url, r.apk.arch, p.pkg, {
      ...opts,
      ...(maxDataBytes !== undefined ? { maxDataBytes } : {}),
    });
    progress.done(`${p.pkg.name}-${p.pkg.version}.apk`);
    return f;
  });
}

function sourceDateEpoch(opts: BuildOptions): number | undefined {
  if (opts.sourceDateEpoch !== undefined) return opts.sourceDateEpoch;
  const v = (opts.env ?? process.env).SOURCE_DATE_EPOCH;
  return v && /^\d+$/.test(v) ? Number(v) : undefined;
}

export async function buildApkArch(config: Config, r: ApkResolved, opts: BuildOptions): Promise<ArchImage> {
  if (opts.debug ?? config.debug) {
    throw new ConfigError(
      'CONFIG_SCHEMA',
      `${config.file}: debug: the busybox debug layer is built from Debian packages; it is not available for apk repositories`,
      {
        hint: 'remove debug: true, or add busybox to contents.packages',
      },
    );
  }
  const progress = opts.progress ?? silentProgress;
  const sources = await readPathSources(config);
  const planned = r.apk.plan.packages;
  progress.phase(
    `fetching packages (${r.arch})`,
    planned.length,
    planned.reduce((n, p) => n + p.pkg.size, 0),
  );
  // The same limits as for .deb: per package (checked while inflating), per image and file count.
  const budget = new Budget({ ...config.limits, ...opts.limits });
  const fetched = await fetchAll(r, opts, budget.limits.packageBytes); // every package verified before assembly
  progress.phase(`assembling (${r.arch})`, 1);
  const tree = new FileTree();
  const installed = new Map<string, (typeof planned)[number]['pkg']>();
  let newest = 0;
  const dirs = new Map<string, string[]>();
  const newestOf = new Map<string, number>();
  planned.forEach((p, i) => {
    const f = fetched[i]!;
    const label = `${p.pkg.name}-${p.pkg.version}.apk`;
    budget.package(label)(f.contents.data.reduce((n, e) => n + e.data.byteLength, 0));
    budget.files(f.contents.data.length, label);
    if (r.apk.locked) {
      const want = r.plan.packages[i]!.record.sha256;
      if (f.sha256 !== want) {
        throw new VerifyError(
          'HASH_MISMATCH',
          `${p.pkg.name}-${p.pkg.version}.apk: sha256 ${f.sha256} is not the locked ${want}`,
          {
            hint: 'the repository serves other bytes than when the lock was made; run `pare lock` again if that is expected',
          },
        );
      }
      p.pkg = packageFromPkgInfo(
        f.contents.pkginfo,
        { checksum: p.pkg.checksum, size: p.pkg.size },
        `${p.pkg.name} .PKGINFO`,
      );
    }
    r.plan.packages[i]!.record.sha256 = f.sha256;
    r.plan.packages[i]!.record.size = f.bytes.length;
    const added = addApkPackage(tree, p.pkg, f.contents.data, installed);
    newest = Math.max(newest, added.newest);
    newestOf.set(p.pkg.name, added.newest);
    dirs.set(p.pkg.name, added.dirs);
    installed.set(p.pkg.name, p.pkg);
  });
  const accounts = accountsFor(config);
  addApkAccounts(tree, accounts);
  const osRelease = addOsRelease(tree);
  const sliced = slice(tree, sliceRulesFor(config));
  applyPaths(tree, config.paths ?? [], sources);
  addApkMetadata(tree, {
    packages: planned.map((p) => p.pkg),
    dirs,
    world: config.contents.packages,
    repositories: r.apk.repos.map((o) => o.url),
    arch: r.apk.arch,
    keys: r.apk.keys,
  });
  const records = r.plan.packages.map((p) => p.record);
  addRecord(tree, recordFor(r.plan.packages, tree.entries()));
  const bundle = tree.resolve('etc/ssl/certs/ca-certificates.crt');
  const certificates =
    bundle?.type === 'file'
      ? (new TextDecoder().decode(fileBytes(bundle)).match(/-----BEGIN CERTIFICATE-----/g) ?? []).length
      : 0;
  const created = sourceDateEpoch(opts) ?? newest;
  const packages = records.map((record) => ({
    record,
    control: { control: '' },
    newest: newestOf.get(record.name) ?? 0,
  }));
  // Layering as for Debian: one layer, or one per origin (apk's source package) plus a generated and a paths layer.
  const layers: Array<{ layer: Layer; history: string }> = [];
  for (const g of layerGroups(tree.entries(), packages, config.layering, created)) {
    const history =
      g.kind === 'all'
        ? `pare: ${records.length} APK packages (${records.map((x) => x.name).join(' ')})`
        : `pare: ${g.name}`;
    layers.push({ layer: await cachedLayer(g.entries, g.mtime, opts.cache), history });
  }
  progress.done('layer');
  const image = makeImage({
    layers: layers.map((l) => l.layer),
    history: layers.map((l) => l.history),
    config: {
      architecture: r.arch,
      created,
      entrypoint: config.entrypoint,
      cmd: config.cmd,
      env: imageEnv(config, { caBundle: certificates > 0 }),
      workingDir: config.workDir,
      user: accounts.user,
      labels: config.annotations,
    },
    annotations: config.annotations,
  });
  return {
    ...r,
    assembled: { tree, packages, newest },
    generated: { certificates, osRelease },
    sliced,
    image,
    created,
  };
}
