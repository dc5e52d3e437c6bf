/**
 * One image's report (model.ts) from what was read of it: the merged root
 * filesystem, the config, the layers and what each holds, and the supply
 * chain found beside it. Packages, licences and dependencies come from the
 * same reading of status.d and pare's contents record that `pare sbom`
 * uses (supply/sbom/from-files.ts); a package's bytes are its md5sums-listed
 * files present in the image; `pare check` runs over the same entries. Pure.
 */
import { checkImage } from '../distroless/check.js';
import type { ImageConfig } from '../oci/config.js';
import type { LayerContent } from '../oci/read-image.js';
import { owners } from '../pipeline/image-diff.js';
import { parseDeb822 } from '../sources/debian/deb822.js';
import { licenseSummary, modelFromFiles, PARE_TOOL } from '../supply/sbom/index.js';
import { INSTALLED_DB } from '../supply/sbom/apk.js';
import { parseRecord, RECORD_PATH } from '../supply/sbom/record.js';
import { fileBytes, fileSize } from '../tree/body.js';
import type { TreeEntry } from '../tree/types.js';
import type { DirBytes, GroupReport, ImageReport, LayerReport, PackageReport, SupplyReport } from './model.js';
import { whyPaths } from './why.js';

export interface ImageInput {
  source: string;
  digest?: string;
  configDigest: string;
  entries: readonly TreeEntry[];
  config: ImageConfig;
  layers: ReadonlyArray<{ digest: string; diffId: string; mediaType: string; size: number }>;
  layerContents: readonly LayerContent[];
  supply: SupplyReport;
}

/** Directories kept per package or group in the treemap; the rest is "(other)". */
export const DIRS_SHOWN = 8;
const dec = new TextDecoder();
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const dirOf = (path: string): string => `/${path.slice(0, Math.max(0, path.lastIndexOf('/')))}`;

class Tally {
  bytes = 0;
  files = 0;
  readonly dirs = new Map<string, { bytes: number; files: number }>();
  add(path: string, size: number): void {
    this.bytes += size;
    this.files++;
    const d = this.dirs.get(dirOf(path)) ?? { bytes: 0, files: 0 };
    d.bytes += size;
    d.files++;
    this.dirs.set(dirOf(path), d);
  }
  top(): DirBytes[] {
    const all = [...this.dirs]
      .map(([dir, v]) => ({ dir, ...v }))
      .sort((a, b) => b.bytes - a.bytes || cmp(a.dir, b.dir));
    if (all.length <= DIRS_SHOWN) return all;
    const rest = all.slice(DIRS_SHOWN - 1);
    const other = rest.reduce((o, d) => ({ ...o, bytes: o.bytes + d.bytes, files: o.files + d.files }), {
      dir: '(other)',
      bytes: 0,
      files: 0,
    });
    return [...all.slice(0, DIRS_SHOWN - 1), other];
  }
}

/** Unowned files: what group they fall in. */
function groupOf(path: string, configPaths: ReadonlySet<string>): { name: string; description: string } {
  if (configPaths.has(path)) return { name: '(config) paths', description: "files the config's paths: added" };
  if (/^(var\/lib\/(dpkg|pare)|usr\/lib\/apk\/db|lib\/apk\/db|etc)\//.test(path))
    return {
      name: '(pare) generated',
      description:
        'files pare generated: accounts, CA bundle, os-release, scanner metadata (status.d, contents record)',
    };
  const top = path.split('/')[0]!;
  return { name: `(other) /${top}`, description: `files under /${top} that no package lists` };
}

/** Image path → owning package from apk's installed database (F: directory, R: file lines). */
function apkOwners(entries: readonly TreeEntry[]): Map<string, string> {
  const out = new Map<string, string>();
  const db = entries.find((e) => e.path === INSTALLED_DB && e.type === 'file');
  if (!db) return out;
  let pkg = '';
  let dir = '';
  for (const line of dec.decode(fileBytes(db)).split('\n')) {
    if (line === '') [pkg, dir] = ['', ''];
    else if (line.startsWith('P:')) pkg = line.slice(2);
    else if (line.startsWith('F:')) dir = line.slice(2).replace(/^\/+|\/+$/g, '');
    else if (line.startsWith('R:') && pkg) out.set(dir ? `${dir}/${line.slice(2)}` : line.slice(2), pkg);
  }
  return out;
}

function statusLines(entries: readonly TreeEntry[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of entries) {
    const m = /^var\/lib\/dpkg\/status\.d\/([^/]+)$/.exec(e.path);
    if (!m || e.type !== 'file' || m[1]!.endsWith('.md5sums')) continue;
    const p = parseDeb822(dec.decode(fileBytes(e)), `/${e.path}`)[0];
    const name = p?.fields.get('package');
    if (name) out.set(name, p?.fields.get('status') ?? '(no Status field)');
  }
  return out;
}

function layerReports(input: ImageInput, owner: ReadonlyMap<string, string>): LayerReport[] {
  const history = (input.config.history ?? []).filter((h) => !h.empty_layer);
  return input.layers.map((l, index) => {
    const content = input.layerContents[index];
    const packages = new Set<string>();
    let files = 0;
    let bytes = 0;
    for (const e of content?.entries ?? []) {
      const name = e.path.slice(e.path.lastIndexOf('/') + 1);
      if (name.startsWith('.wh.')) continue;
      const o = owner.get(e.path);
      if (o) packages.add(o);
      if (e.type !== 'dir') files++;
      bytes += e.size;
    }
    const createdBy = history[index]?.created_by;
    return {
      index,
      digest: l.digest,
      diffId: l.diffId,
      mediaType: l.mediaType,
      compressed: l.size,
      uncompressed: content?.tarSize ?? 0,
      files,
      bytes,
      packages: [...packages].sort(cmp),
      ...(createdBy ? { createdBy } : {}),
    };
  });
}

export function imageReport(input: ImageInput): ImageReport {
  const model = modelFromFiles({
    entries: input.entries,
    image: { name: input.source, digest: input.digest ?? '', arch: input.config.architecture, created: 0 },
    tool: PARE_TOOL,
  });
  const owner = new Map([...apkOwners(input.entries), ...owners(input.entries)]);
  const recordEntry = input.entries.find((e) => e.path === RECORD_PATH && e.type === 'file');
  const record = parseRecord(recordEntry ? fileBytes(recordEntry) : undefined);
  const configPaths = new Set(record?.files ?? []);
  const minimized = new Map((record?.minimized ?? []).map((m) => [m.name, m]));
  const status = statusLines(input.entries);
  const tallies = new Map<string, Tally>();
  const groups = new Map<string, { description: string; tally: Tally }>();
  let files = 0;
  let bytes = 0;
  for (const e of input.entries) {
    if (e.type === 'dir') continue;
    files++;
    const size = fileSize(e);
    bytes += size;
    const o = owner.get(e.path);
    if (o !== undefined) {
      const t = tallies.get(o) ?? new Tally();
      t.add(e.path, size);
      tallies.set(o, t);
    } else if (e.type === 'file') {
      const g = groupOf(e.path, configPaths);
      const slot = groups.get(g.name) ?? { description: g.description, tally: new Tally() };
      slot.tally.add(e.path, size);
      groups.set(g.name, slot);
    }
  }
  const layers = layerReports(input, owner);
  const { why, dependents } = whyPaths(model.packages);
  const packages: PackageReport[] = model.packages.map((p) => {
    const t = tallies.get(p.name) ?? new Tally();
    const m = minimized.get(p.name);
    return {
      name: p.name,
      version: p.version,
      arch: p.arch,
      source: p.source,
      purl: p.purl,
      license: p.license,
      ...(p.licenseConcluded !== undefined ? { licenseConcluded: p.licenseConcluded } : {}),
      ...(p.sha256 !== undefined ? { sha256: p.sha256 } : {}),
      status:
        status.get(p.name) ?? (p.purl.startsWith('pkg:apk/') ? 'installed (apk database)' : '(no status.d entry)'),
      bytes: t.bytes,
      files: t.files,
      dirs: t.top(),
      dependencies: p.dependencies,
      dependents: dependents.get(p.name) ?? [],
      why: why.get(p.name) ?? [p.name],
      layers: layers.filter((l) => l.packages.includes(p.name)).map((l) => l.index),
      ...(m ? { minimized: { status: m.status, shipped: m.shipped, kept: m.kept, reason: m.reason } } : {}),
    };
  });
  const c = input.config.config ?? {};
  const check = checkImage(input.entries, c, input.layers.length);
  return {
    source: input.source,
    ...(input.digest ? { digest: input.digest } : {}),
    configDigest: input.configDigest,
    ...(input.config.created ? { created: input.config.created } : {}),
    arch: input.config.architecture,
    os: model.os,
    config: {
      ...(c.User !== undefined ? { user: c.User } : {}),
      ...(c.Entrypoint ? { entrypoint: c.Entrypoint } : {}),
      ...(c.Cmd ? { cmd: c.Cmd } : {}),
      ...(c.WorkingDir ? { workingDir: c.WorkingDir } : {}),
      env: c.Env ?? [],
      labels: c.Labels ?? {},
    },
    totals: {
      files,
      bytes,
      compressed: input.layers.reduce((n, l) => n + l.size, 0),
      layers: input.layers.length,
      packages: packages.length,
    },
    packages,
    groups: [...groups]
      .map(([name, g]): GroupReport => ({
        name,
        description: g.description,
        bytes: g.tally.bytes,
        files: g.tally.files,
        dirs: g.tally.top(),
      }))
      .sort((a, b) => cmp(a.name, b.name)),
    removed: model.removed ?? [],
    components: model.components.map((x) => ({
      ecosystem: x.ecosystem,
      name: x.name,
      version: x.version,
      license: x.license,
      ...(x.path !== undefined ? { path: x.path } : {}),
    })),
    layers,
    check: { ok: check.ok, findings: check.findings },
    licenses: licenseSummary(model.packages),
    supply: input.supply,
  };
}
