/**
 * Whole-image memoization. A finished Debian image is keyed by the digest of
 * everything it depends on (imageKey): pare's version and code, the architecture, the
 * config's content, the files it pulls in (`paths` sources, trace files,
 * keyrings, application lock files), the suites with their verified InRelease
 * digests, the plan (every .deb's sha256) or the lock's entry, the base
 * image's digest and layers, the image time, the debug flag and the limits.
 *
 * The record (a content-addressed cache blob, so a changed byte is a miss)
 * holds what the build produced besides its layer blobs: the image's config
 * options and layer descriptors, the completed plan, the reports, the tree's
 * metadata (no file bodies) and the SBOM model. On a hit the image is made
 * again from its verified cached layer blobs and must have the recorded
 * digest; anything missing, corrupt or different is a miss, and the caller
 * builds as if there were no record. Pure apart from reading the inputs'
 * files and the cache.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/index.js';
import type { BlobCache } from '../fetch/index.js';
import { verifiedPath } from '../fetch/spool.js';
import { makeImage, type Layer, type MakeImageOptions } from '../oci/index.js';
import type { SbomModel } from '../supply/sbom/model.js';
import type { SourceNode } from '../tree/paths.js';
import { FileTree } from '../tree/tree.js';
import type { FileBody, TreeEntry } from '../tree/types.js';
import { VERSION } from '../version.js';
import { fileLayer, type LayerRecord } from './layer-cache.js';
import type { ArchImage, BuildOptions, Resolved } from './types.js';

const FORMAT = 1;

let identity: string | undefined;

/**
 * Which pare is running, beyond its version: the bundle's bytes when bundled
 * (this module is then the whole CLI), else the name, size and mtime of
 * every compiled module, so a rebuilt pare never serves an image an older
 * build of the same version memoized.
 */
function codeIdentity(): string {
  if (identity !== undefined) return identity;
  const h = createHash('sha256');
  try {
    const self = fileURLToPath(import.meta.url);
    if (basename(self) !== 'image-memo.js') h.update(readFileSync(self));
    else {
      const root = dirname(dirname(self));
      const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
      for (const f of files.sort()) {
        const st = statSync(join(root, f));
        h.update(`${f}\0${st.size}\0${st.mtimeMs}\0`);
      }
    }
  } catch {
    h.update(String(Date.now())); // unknown code: no hit
  }
  return (identity = h.digest('hex'));
}

export interface KeyInputs {
  config: Config;
  resolved: Resolved;
  opts: Pick<BuildOptions, 'lock'>;
  /** The `paths` sources as readPathSources read them. */
  sources: ReadonlyMap<string, readonly SourceNode[]>;
  created: number | undefined;
  debug: boolean;
  limits: unknown;
  /** Stands in for pare's version (tests). */
  version?: string;
}

/** Host files the config names whose bytes shape the image (keyrings, traces, application lock files). */
function namedFiles(config: Config): string[] {
  const keyrings = [...config.contents.keyring, ...config.contents.repositories.flatMap((r) => r.keyring ?? [])];
  return [
    ...keyrings.filter((k) => k.startsWith('/')),
    ...(config.minimize?.traces ?? []),
    ...[config.python?.requirements, config.python?.lock, config.node?.lockfile].filter(
      (f): f is string => f !== undefined,
    ),
  ];
}

/** The config without positions, its file name or its raw bytes' digest (comments do not matter). */
function configJson(config: Config): string {
  const { file: _file, digest: _digest, ...rest } = config;
  return JSON.stringify(rest, (k, v: unknown) => (k === 'pos' ? undefined : v));
}

/** The memo key, or undefined when a named file cannot be read (the build then reports it). */
export async function imageKey(i: KeyInputs): Promise<string | undefined> {
  const h = createHash('sha256');
  const put = (label: string, v: unknown): void => {
    h.update(`${label}\0${typeof v === 'string' ? v : JSON.stringify(v ?? null)}\0`);
  };
  const { resolved: r } = i;
  put('format', FORMAT);
  put('pare', i.version ?? VERSION);
  put('code', i.version === undefined ? codeIdentity() : '');
  put('arch', r.arch);
  put('config', configJson(i.config));
  for (const [src, nodes] of [...i.sources].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    put('source', src);
    for (const n of nodes) {
      put('node', [n.rel, n.type, n.executable === true, n.target ?? null, n.data?.byteLength ?? -1]);
      if (n.data) h.update(n.data);
    }
  }
  for (const f of namedFiles(i.config)) {
    const bytes = await readFile(f).catch(() => undefined);
    if (!bytes) return undefined;
    put('file', [f, createHash('sha256').update(bytes).digest('hex')]);
  }
  put(
    'suites',
    r.suites.map((s) => [s.url, s.suite, s.components, s.inReleaseSha256]),
  );
  put('plan', r.plan);
  put('lock', i.opts.lock ? i.opts.lock.lock.archs[r.arch] : null);
  put('base', r.base ? { ref: r.base.ref, pin: r.base.pin, layers: r.base.layers.map((l) => l.digest) } : null);
  put('created', i.created);
  put('debug', i.debug);
  put('limits', i.limits);
  return h.digest('hex');
}

/** A tree entry without its content: what the record keeps of the tree. */
type MetaEntry = Omit<TreeEntry, 'data' | 'body' | 'replaced'> & { size?: number };

export interface ImageRecord {
  format: typeof FORMAT;
  digest: string;
  image: Omit<MakeImageOptions, 'layers'>;
  /** The layers after the base image's, in order (packages, applications, paths, debug). */
  layers: LayerRecord[];
  /** Index into `layers` of the applications layer. */
  applicationsLayer?: number;
  plan: ArchImage['plan'];
  packages: ArchImage['assembled']['packages'];
  newest: number;
  created: number;
  generated: ArchImage['generated'];
  sliced: ArchImage['sliced'];
  minimized?: ArchImage['minimized'];
  applications?: { components: NonNullable<ArchImage['applications']>['components']; warnings: string[] };
  entries: MetaEntry[];
  applicationEntries?: MetaEntry[];
  sbom: SbomModel;
}

const recordKey = (key: string): string => `image:v${FORMAT}:${key}`;

function metaEntries(entries: readonly TreeEntry[]): MetaEntry[] {
  return entries.map(({ data, body, replaced: _replaced, ...meta }) =>
    meta.type === 'file' ? { ...meta, size: data?.byteLength ?? body?.size ?? 0 } : meta,
  );
}

/** A body the memoized tree cannot read: the content is in the layer blobs (sbom.ts's builtEntries reads those). */
function absent(path: string, size: number): FileBody {
  const fail = (): never => {
    throw new Error(`internal: /${path} of a memoized image has no body in the tree; read the image's layers`);
  };
  return { size, id: `memo:${path}`, open: fail, read: fail };
}

function treeOf(entries: readonly MetaEntry[]): FileTree {
  const tree = new FileTree();
  for (const { size, ...meta } of entries)
    tree.add(meta.type === 'file' ? { ...meta, body: absent(meta.path, size ?? 0) } : meta);
  return tree;
}

/** The SBOM model as the record keeps it (JSON); a miss uses this form too, so a hit gives the same bytes. */
export function recordedModel(model: SbomModel): SbomModel {
  return JSON.parse(JSON.stringify(model)) as SbomModel;
}

/** The memoized image for `key`, from verified blobs; undefined on any miss, corruption or mismatch. */
export async function loadImage(cache: BlobCache, key: string, resolved: Resolved): Promise<ArchImage | undefined> {
  const bytes = await cache.getByKey(recordKey(key));
  if (!bytes) return undefined;
  try {
    const rec = JSON.parse(bytes.toString('utf8')) as ImageRecord;
    if (rec.format !== FORMAT || !Array.isArray(rec.layers)) return undefined;
    const own: Layer[] = [];
    for (const l of rec.layers) {
      const blob = await verifiedPath(cache, l.digest.replace(/^sha256:/, ''));
      if (!blob || blob.size !== l.size) return undefined;
      own.push(fileLayer(blob.path, l));
    }
    const image = makeImage({ ...rec.image, layers: [...(resolved.base?.layers ?? []), ...own] });
    if (image.digest !== rec.digest) return undefined;
    const tree = treeOf(rec.entries);
    return {
      ...resolved,
      plan: rec.plan,
      assembled: { tree, packages: rec.packages, newest: rec.newest },
      generated: rec.generated,
      sliced: rec.sliced,
      ...(rec.minimized ? { minimized: rec.minimized } : {}),
      applications:
        rec.applications && rec.applicationsLayer !== undefined
          ? {
              ...rec.applications,
              tree: treeOf(rec.applicationEntries ?? []),
              layer: own[rec.applicationsLayer]!,
            }
          : undefined,
      image,
      created: rec.created,
      sbom: rec.sbom,
      memoized: true,
    };
  } catch {
    return undefined; // a record that does not fit this pare: build again
  }
}

/**
 * Record a built image under `key`. Its own layers must be blobs of the
 * cache already (layer-cache.ts); a layer held in memory (the debug layer)
 * is stored first.
 */
export async function saveImage(
  cache: BlobCache,
  key: string,
  img: ArchImage & { sbom: SbomModel },
  options: Omit<MakeImageOptions, 'layers'>,
): Promise<void> {
  const own = img.image.layers.slice(img.base?.layers.length ?? 0);
  for (const l of own) {
    const bytes = (l as Layer & { bytes?: Buffer }).bytes;
    if (bytes) await cache.put(l.digest.replace(/^sha256:/, ''), bytes, `layer ${l.digest}`);
  }
  const appIndex = img.applications ? own.indexOf(img.applications.layer) : -1;
  const rec: ImageRecord = {
    format: FORMAT,
    digest: img.image.digest,
    image: options,
    layers: own.map((l) => ({ digest: l.digest, diffId: l.diffId, size: l.size })),
    ...(appIndex >= 0 ? { applicationsLayer: appIndex } : {}),
    plan: img.plan,
    packages: img.assembled.packages,
    newest: img.assembled.newest,
    created: img.created,
    generated: img.generated,
    sliced: img.sliced,
    ...(img.minimized ? { minimized: img.minimized } : {}),
    ...(img.applications
      ? {
          applications: { components: img.applications.components, warnings: img.applications.warnings },
          applicationEntries: metaEntries(img.applications.tree.entries()),
        }
      : {}),
    entries: metaEntries(img.assembled.tree.entries()),
    sbom: img.sbom,
  };
  await cache.putByKey(recordKey(key), Buffer.from(JSON.stringify(rec)), `image record ${img.image.digest}`, {
    refs: own.map((l) => l.digest.replace(/^sha256:/, '')),
  });
}
