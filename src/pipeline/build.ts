/**
 * The build pipeline as one library call per stage:
 *   planSuites → openSources → resolve (resolve.ts) → fetch → assemble → layer → image.
 * The CLI's `pare build` and `pare resolve` call these; nothing here writes
 * outputs (outputs.ts does).
 */
import type { Config } from '../config/index.js';
import { accountsFor } from '../distroless/accounts.js';
import { addAccounts, addBaseFiles } from '../distroless/base.js';
import { truthfulMd5sums } from '../distroless/minimized.js';
import { FetchError, hasCode } from '../errors.js';
import { fetchBlob, silentProgress } from '../fetch/index.js';
import { makeImage, makeIndex, type Image, type ImageIndex, type Layer } from '../oci/index.js';
import type { PackageRecord } from '../sources/debian/packages-index.js';
import { addRecord, recordFor } from '../supply/sbom/record.js';
import { applyPaths } from '../tree/paths.js';
import { slice } from '../tree/slice.js';
import { buildApkArch, isApkResolved } from './apk.js';
import { buildApplications } from './applications.js';
import { assemble } from './assemble.js';
import { imageEnv, readPathSources, sliceRulesFor } from './content.js';
import { debugLayer } from './debug.js';
import { baseAnnotations, baseHistory, createdSeconds, inherit, withBaseRecord } from './inherit.js';
import { cachedLayer } from './layer-cache.js';
import { imageKey, loadImage, recordedModel, saveImage } from './image-memo.js';
import { buildSbomModel } from './sbom.js';
import { layerGroups } from './layering.js';
import { minimizeTree, readTraces } from './minimize.js';
import { recordFromControl, resolveLocked } from './locked.js';
import { baseFor, resolveArch } from './resolve.js';
import type { ArchImage, BuildOptions, Resolved } from './types.js';

export { baseFor, resolveArch, type ArchImage, type BuildOptions, type Resolved };

export interface BuildResult {
  config: Config;
  images: ArchImage[];
  /** What an output holds: the image itself for one architecture, else an index. */
  root: Image | ImageIndex;
}

function sourceDateEpoch(opts: BuildOptions): number | undefined {
  if (opts.sourceDateEpoch !== undefined) return opts.sourceDateEpoch;
  const v = (opts.env ?? process.env).SOURCE_DATE_EPOCH;
  return v && /^\d+$/.test(v) ? Number(v) : undefined;
}

export async function buildArch(config: Config, resolved: Resolved, opts: BuildOptions): Promise<ArchImage> {
  if (isApkResolved(resolved)) return buildApkArch(config, resolved, opts);
  const progress = opts.progress ?? silentProgress;
  const sources = await readPathSources(config); // before any download: a bad source fails fast
  const traced = await readTraces(config);
  const withDebug = (opts.debug ?? config.debug) === true;
  const limits = { ...config.limits, ...opts.limits }; // both hold only the limits that were set
  const key = await imageKey({
    config,
    resolved,
    opts,
    sources,
    created: sourceDateEpoch(opts),
    debug: withDebug,
    limits,
  });
  const hit = key === undefined ? undefined : await loadImage(opts.cache, key, resolved);
  if (hit) return hit;
  const records = resolved.plan.packages.map((p) => p.record);
  const bytes = records.reduce((n, r) => n + r.size, 0);
  progress.phase(`fetching and unpacking packages (${resolved.arch})`, records.length, bytes);
  const fetchDeb = (r: PackageRecord): Promise<Uint8Array> =>
    fetchBlob(
      {
        url: `${r.origin!.url}/${r.filename}`,
        sha256: r.sha256,
        size: r.size,
        label: `${r.name}_${r.version}_${r.architecture}.deb`,
      },
      { cache: opts.cache, http: opts.http, offline: opts.offline, progress },
    ).catch((e: unknown) => {
      if (opts.lock && hasCode(e, 'FETCH_HTTP')) {
        throw new FetchError('FETCH_HTTP', `a package locked in ${opts.lock.file} cannot be fetched: ${e.message}`, {
          hint: 'the mirror no longer serves that version: add `snapshot: YYYYMMDDTHHMMSSZ` (a time after the lock was made) to the repository and set $PARE_SNAPSHOT_MIRROR, or run `pare lock` again',
          cause: e,
        });
      }
      throw e;
    });
  const assembled = await assemble(records, {
    cache: opts.cache,
    deb: (i) => fetchDeb(records[i]!),
    limits,
    onPackage: (r) => progress.done(`${r.name}_${r.version}_${r.architecture}.deb`),
    base: resolved.base?.entries,
  });
  // Locked plans carry only what the lock pins; the rest comes from each package's own control file.
  // The result carries that completed plan; the caller's `resolved` is not changed.
  let plan = resolved.plan;
  if (opts.lock) {
    for (const p of assembled.packages) p.record = recordFromControl(p.control.control, p.record);
    plan = {
      ...plan,
      packages: plan.packages.map((p, i) => ({ ...p, record: assembled.packages[i]!.record })),
    };
  }
  const accounts = accountsFor(config);
  addAccounts(assembled.tree, accounts);
  const generated = addBaseFiles(assembled.tree, assembled.packages);
  const sliced = slice(assembled.tree, sliceRulesFor(config));
  applyPaths(assembled.tree, config.paths ?? [], sources);
  truthfulMd5sums(assembled.tree, assembled.packages);
  const base = resolved.base;
  const created = sourceDateEpoch(opts) ?? Math.max(assembled.newest, base ? createdSeconds(base.config.created) : 0);
  const applications = await buildApplications(config, resolved, assembled.tree, created, {
    ...opts,
    progress,
    locked: opts.lock && { artifacts: opts.lock.lock.archs[resolved.arch]?.applications, file: opts.lock.file },
  });
  const env = imageEnv(config, { caBundle: generated.certificates > 0 });
  const minimized = traced
    ? minimizeTree(config, assembled.tree, assembled.packages, {
        arch: resolved.arch,
        traced,
        env,
        ...(applications ? { extra: applications.tree.entries() } : {}),
      })
    : undefined;
  // .deb digests + added files, for SBOMs read from the image (a base's record included)
  const record = recordFor(assembled.packages, assembled.tree.entries(), minimized?.packages);
  addRecord(assembled.tree, withBaseRecord(record, base));
  const groups = layerGroups(assembled.tree.entries(), assembled.packages, config.layering, created);
  const layers: Array<{ kind: string; layer: Layer; history: string }> = [];
  for (const g of groups) {
    const history =
      g.kind === 'all'
        ? `pare: ${records.length} Debian packages (${records.map((r) => r.name).join(' ')})`
        : `pare: ${g.name}`;
    layers.push({ kind: g.kind, layer: await cachedLayer(g.entries, g.mtime, opts.cache), history });
  }
  const os = layers.filter((l) => l.kind !== 'application');
  const app = layers.filter((l) => l.kind === 'application');
  progress.done('layer');
  const debug = withDebug ? await debugLayer(resolved, created, { ...opts, progress }) : undefined;
  const options = {
    history: [
      ...baseHistory(base),
      ...os.map(({ history }) => history),
      ...(applications ? [`pare: ${applications.components.length} application packages`] : []),
      ...app.map(({ history }) => history),
      ...(debug ? [`pare: debug layer, ${debug.record.name} ${debug.record.version} under ${debug.path}`] : []),
    ],
    config: inherit(base, config, {
      architecture: resolved.arch,
      created,
      entrypoint: debug ? debug.entrypoint : config.entrypoint,
      cmd: debug ? undefined : config.cmd,
      env: imageEnv(config, { caBundle: generated.certificates > 0, debugPath: debug?.path }),
      workingDir: config.workDir,
      user: accounts.user,
      labels: config.annotations,
    }),
    annotations: { ...config.annotations, ...baseAnnotations(base) },
  };
  const image = makeImage({
    // The base's layers, OS layers, then the ecosystem dependencies, then the config's paths (what changes most goes last).
    layers: [
      ...(base?.layers ?? []),
      ...os.map(({ layer }) => layer),
      ...(applications ? [applications.layer] : []),
      ...app.map(({ layer }) => layer),
      ...(debug ? [debug.layer] : []),
    ],
    ...options,
  });
  const built: ArchImage = {
    ...resolved,
    plan,
    assembled,
    generated,
    sliced,
    ...(minimized ? { minimized } : {}),
    applications,
    image,
    created,
  };
  // The SBOM model in the form the memo keeps, so a hit writes the same SBOM bytes as this build.
  const sbom = recordedModel(await buildSbomModel(built, { name: '' }));
  if (key !== undefined) await saveImage(opts.cache, key, { ...built, sbom }, options);
  return { ...built, sbom };
}

/** The config's base image for one architecture, checked against the lock's pin on a locked build. */

export async function build(config: Config, opts: BuildOptions): Promise<BuildResult> {
  const images: ArchImage[] = [];
  for (const arch of config.archs) {
    const base = await baseFor(config, arch, opts);
    const resolved = opts.lock
      ? { ...(await resolveLocked(config, arch, opts.lock.lock, opts.lock.file, opts)), base }
      : await resolveArch(config, arch, opts, base);
    images.push(await buildArch(config, resolved, opts));
  }
  (opts.progress ?? silentProgress).end();
  const root =
    images.length === 1
      ? images[0]!.image
      : makeIndex({ manifests: images.map((i) => i.image), annotations: config.annotations });
  return { config, images, root };
}
