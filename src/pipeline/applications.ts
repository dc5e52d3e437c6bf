/**
 * The application stage: each ecosystem's plan for the config (python
 * wheels, npm tarballs) is fetched verified, installed into its own tree and
 * written as its own layer after the OS layer, with a record of every
 * component (/var/lib/pare/applications.json) so an SBOM read back from the
 * image lists them with their digests. Paths go through the OS tree's
 * directory symlinks, and directories the OS already has keep its metadata.
 */
import type { Config } from '../config/index.js';
import {
  fetchArtifacts,
  lockedArtifacts,
  planApplications,
  type AppComponent,
  type AppPlan,
  type LockedArtifact,
} from '../ecosystems/index.js';
import { ResolveError } from '../errors.js';
import { nodeHttp, silentProgress, type BlobCache, type Http, type Progress } from '../fetch/index.js';
import type { Layer } from '../oci/index.js';
import { parentOf } from '../tree/path.js';
import { FileTree } from '../tree/tree.js';
import type { TreeEntry } from '../tree/types.js';
import { appRecordEntries } from '../supply/sbom/app-record.js';
import { cachedLayer } from './layer-cache.js';

export interface Applications {
  components: AppComponent[];
  warnings: string[];
  tree: FileTree;
  layer: Layer;
}

export interface ApplicationOptions {
  cache: BlobCache;
  http?: Http;
  offline?: boolean;
  env?: NodeJS.ProcessEnv;
  progress?: Progress;
  /** A locked build: the artifacts the lock file pins for this architecture, and the lock's name. */
  locked?: { artifacts: LockedArtifact[] | undefined; file: string };
}

type ResolvedLike = { arch: string; plan: { packages: Array<{ record: { name: string; version: string } }> } };

/** Every ecosystem's plan for one resolved architecture. */
export function planFor(config: Config, resolved: ResolvedLike, opts: ApplicationOptions): Promise<AppPlan[]> {
  return planApplications({
    config,
    runtime: {
      arch: resolved.arch,
      packages: new Map(resolved.plan.packages.map((p) => [p.record.name, p.record.version])),
    },
    http: opts.http ?? nodeHttp,
    cache: opts.cache,
    offline: opts.offline,
    env: opts.env ?? process.env,
  });
}

function checkLocked(plans: AppPlan[], locked: NonNullable<ApplicationOptions['locked']>, arch: string): void {
  const key = (a: LockedArtifact) => `${a.ecosystem} ${a.file} ${a.sha256 ?? ''} ${a.integrity ?? ''}`;
  const want = new Set((locked.artifacts ?? []).map(key));
  const got = new Set(lockedArtifacts(plans).map(key));
  const extra = [...got].filter((k) => !want.has(k));
  const gone = [...want].filter((k) => !got.has(k));
  if (extra.length || gone.length)
    throw new ResolveError(
      'LOCK_MISMATCH',
      `${locked.file} (${arch}) pins other application artifacts than the build would install: ${[...extra.map((k) => `+${k.split(' ')[1]}`), ...gone.map((k) => `-${k.split(' ')[1]}`)].slice(0, 6).join(', ')}`,
      { hint: 'the requirements or package-lock.json changed since the lock was written: run `pare lock` again' },
    );
}

/** The app tree's entry at the real path the OS tree gives its parent directory. */
function placed(os: FileTree, e: TreeEntry, memo: Map<string, string>): TreeEntry {
  const dir = parentOf(e.path);
  if (dir === '') return e;
  let real = memo.get(dir);
  if (real === undefined) memo.set(dir, (real = os.realpath(dir) ?? dir));
  const path = real === dir ? e.path : `${real}/${e.path.slice(dir.length + 1)}`;
  const old = e.type === 'dir' ? os.get(path) : undefined;
  const meta = old?.type === 'dir' ? { mode: old.mode, uid: old.uid, gid: old.gid } : {};
  return { ...e, path, ...meta };
}

/** Plan, fetch and install every application dependency; undefined when the config has none. */
export async function buildApplications(
  config: Config,
  resolved: ResolvedLike,
  os: FileTree,
  created: number,
  opts: ApplicationOptions,
): Promise<Applications | undefined> {
  const http = opts.http ?? nodeHttp;
  const plans = await planFor(config, resolved, opts);
  if (opts.locked) checkLocked(plans, opts.locked, resolved.arch);
  if (plans.length === 0) return undefined;
  const progress = opts.progress ?? silentProgress;
  const artifacts = plans.flatMap((p) => p.artifacts);
  progress.phase(`fetching application packages (${resolved.arch})`, artifacts.length);
  const bodies = await fetchArtifacts(artifacts, { cache: opts.cache, http, offline: opts.offline, progress });
  const tree = new FileTree();
  const components: AppComponent[] = [];
  const warnings: string[] = [];
  const memo = new Map<string, string>();
  let at = 0;
  for (const plan of plans) {
    const result = plan.install(bodies.slice(at, (at += plan.artifacts.length)));
    for (const e of result.entries) tree.add(placed(os, e, memo));
    components.push(...result.components);
    warnings.push(...result.warnings);
  }
  for (const e of appRecordEntries(components))
    if (!(e.type === 'dir' && tree.has(e.path))) tree.add(placed(os, e, memo));
  const layer = await cachedLayer(
    tree.entries().map((e) => (e.type === 'dir' ? placed(os, e, memo) : e)),
    created,
    opts.cache,
  );
  return { components, warnings, tree, layer };
}
