/**
 * What differs between two images: packages added, removed and changed (by
 * version, from their dpkg metadata), with the bytes each package's files
 * take in the image; files added, removed and changed (type, content, mode,
 * owner, link target); image config fields changed; layers shared. Pure:
 * two read images in, one value out. mtimes are not compared (layer writers
 * clamp them).
 */
import type { ImageConfig } from '../oci/index.js';
import { fileSize, sameContent } from '../tree/body.js';
import type { TreeEntry } from '../tree/types.js';
import { installedIn } from './base.js';

/** An image as `pare diff` compares it. */
export interface DiffSide {
  /** What was read, e.g. "oci:out:latest". */
  source: string;
  /** The manifest digest, when known. */
  digest?: string;
  entries: readonly TreeEntry[];
  config: ImageConfig;
  /** Layer digests, in order. */
  layers: string[];
}

export interface PackageInfo {
  name: string;
  version: string;
  /** Bytes of the package's files present in the image (its md5sums list). */
  size: number;
  files: number;
}

export type FileChange = 'type' | 'content' | 'mode' | 'owner' | 'target';

export interface ImageDiff {
  a: { source: string; digest?: string; size: number; files: number; layers: number };
  b: { source: string; digest?: string; size: number; files: number; layers: number };
  packages: {
    added: PackageInfo[];
    removed: PackageInfo[];
    changed: Array<{ name: string; from: string; to: string; sizeFrom: number; sizeTo: number }>;
  };
  files: {
    added: Array<{ path: string; type: string; size: number; package?: string }>;
    removed: Array<{ path: string; type: string; size: number; package?: string }>;
    changed: Array<{ path: string; changes: FileChange[]; sizeFrom: number; sizeTo: number; package?: string }>;
  };
  /** Image config fields whose values differ: architecture, os, created, ..., User, Entrypoint, Cmd, ..., Env.NAME, Labels.KEY. */
  config: Array<{ key: string; a: unknown; b: unknown }>;
  /** Layers with the same digest in both images. */
  sharedLayers: number;
}

const dec = new TextDecoder();

/** Image path → owning package, from the md5sums lists (status.d, or dpkg's info directory). */
export function owners(entries: readonly TreeEntry[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of entries) {
    const m = /^var\/lib\/dpkg\/(?:status\.d|info)\/([^/:]+)(?::[^/]+)?\.md5sums$/.exec(e.path);
    if (!m || e.type !== 'file' || !e.data) continue;
    for (const line of dec.decode(e.data).split('\n')) {
      const path = line.replace(/^[0-9a-f]{32}\s+/, '').replace(/^\.?\//, '');
      if (path && path !== line) out.set(path, m[1]!);
    }
  }
  return out;
}

function packagesOf(
  side: DiffSide,
  byPath: Map<string, string>,
  files: Map<string, TreeEntry>,
): Map<string, PackageInfo> {
  const out = new Map<string, PackageInfo>();
  for (const p of installedIn(side.entries).installed)
    out.set(p.name, { name: p.name, version: p.version, size: 0, files: 0 });
  for (const [path, name] of byPath) {
    const info = out.get(name);
    const e = files.get(path);
    if (!info || !e) continue;
    info.size += fileSize(e);
    info.files++;
  }
  return out;
}

function changesOf(x: TreeEntry, y: TreeEntry): FileChange[] {
  const c: FileChange[] = [];
  if (x.type !== y.type) return ['type'];
  if (x.type === 'file' && !sameContent(x, y)) c.push('content');
  if (x.mode !== y.mode) c.push('mode');
  if (x.uid !== y.uid || x.gid !== y.gid) c.push('owner');
  if ((x.target ?? '') !== (y.target ?? '')) c.push('target');
  return c;
}

/** Config fields by name; Env by variable (Env.NAME) and Labels by key (Labels.KEY), so a change names what changed. */
function configFields(c: ImageConfig): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const k of ['architecture', 'os', 'variant', 'author', 'created'] as const)
    if (c[k] !== undefined) m.set(k, c[k]);
  for (const [k, v] of Object.entries(c.config ?? {})) {
    if (v === undefined) continue;
    if (k === 'Env' && Array.isArray(v))
      for (const kv of v) {
        const eq = kv.indexOf('=');
        m.set(`Env.${eq < 0 ? kv : kv.slice(0, eq)}`, eq < 0 ? '' : kv.slice(eq + 1));
      }
    else if (k === 'Labels')
      for (const [l, lv] of Object.entries(v as Record<string, string>)) m.set(`Labels.${l}`, lv);
    else m.set(k, v);
  }
  return m;
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const byPath = <T extends { path: string }>(a: T, b: T) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

export function diffImages(a: DiffSide, b: DiffSide): ImageDiff {
  const fa = new Map(a.entries.map((e) => [e.path, e]));
  const fb = new Map(b.entries.map((e) => [e.path, e]));
  const oa = owners(a.entries);
  const ob = owners(b.entries);
  const pa = packagesOf(a, oa, fa);
  const pb = packagesOf(b, ob, fb);
  const packages: ImageDiff['packages'] = { added: [], removed: [], changed: [] };
  for (const [name, p] of pb) {
    const q = pa.get(name);
    if (!q) packages.added.push(p);
    else if (q.version !== p.version)
      packages.changed.push({ name, from: q.version, to: p.version, sizeFrom: q.size, sizeTo: p.size });
  }
  for (const [name, q] of pa) if (!pb.has(name)) packages.removed.push(q);
  const files: ImageDiff['files'] = { added: [], removed: [], changed: [] };
  const pkg = (owner: Map<string, string>, path: string) => {
    const n = owner.get(path);
    return n ? { package: n } : {};
  };
  for (const [path, y] of fb) {
    const x = fa.get(path);
    if (!x) files.added.push({ path: `/${path}`, type: y.type, size: fileSize(y), ...pkg(ob, path) });
    else {
      const changes = changesOf(x, y);
      if (changes.length)
        files.changed.push({ path: `/${path}`, changes, sizeFrom: fileSize(x), sizeTo: fileSize(y), ...pkg(ob, path) });
    }
  }
  for (const [path, x] of fa)
    if (!fb.has(path)) files.removed.push({ path: `/${path}`, type: x.type, size: fileSize(x), ...pkg(oa, path) });
  const ca = configFields(a.config);
  const cb = configFields(b.config);
  const config: ImageDiff['config'] = [];
  for (const key of [...new Set([...ca.keys(), ...cb.keys()])].sort()) {
    if (JSON.stringify(ca.get(key)) !== JSON.stringify(cb.get(key)))
      config.push({ key, a: ca.get(key), b: cb.get(key) });
  }
  const la = new Set(a.layers);
  const side = (s: DiffSide, f: Map<string, TreeEntry>) => ({
    source: s.source,
    ...(s.digest ? { digest: s.digest } : {}),
    size: [...f.values()].reduce((n, e) => n + fileSize(e), 0),
    files: [...f.values()].filter((e) => e.type !== 'dir').length,
    layers: s.layers.length,
  });
  return {
    a: side(a, fa),
    b: side(b, fb),
    packages: {
      added: packages.added.sort(byName),
      removed: packages.removed.sort(byName),
      changed: packages.changed.sort(byName),
    },
    files: {
      added: files.added.sort(byPath),
      removed: files.removed.sort(byPath),
      changed: files.changed.sort(byPath),
    },
    config,
    sharedLayers: new Set(b.layers.filter((d) => la.has(d))).size,
  };
}
