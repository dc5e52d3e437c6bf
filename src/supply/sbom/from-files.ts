/**
 * The SBOM model from an image's root filesystem: what dpkg's status.d says
 * (Package, Version, Architecture, Maintainer, Source, Depends, Provides),
 * the machine-readable copyright files, /etc/os-release, and pare's record
 * (.deb digests, config-added files; record.ts), and apk's installed
 * database for Alpine and Wolfi images (apk.ts). `pare build` and `pare sbom`
 * both call this, so the SBOM written at build time and the one read back
 * from the image are the same bytes. Pure.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { parseDeb822 } from '../../sources/debian/deb822.js';
import { parseProvides, parseRelations, type Relation } from '../../sources/debian/relations.js';
import type { TreeEntry } from '../../tree/types.js';
import { walk } from '../../tree/walk.js';
import { VERSION } from '../../version.js';
import { copyrightLicense, LicenseRefs, licenseSummary, type LicenseSummary } from './licenses.js';
import {
  byKey,
  debPurl,
  type SbomFile,
  type SbomImage,
  type SbomModel,
  type SbomOs,
  type SbomPackage,
} from './model.js';
import { parseRecord, RECORD_PATH, type RecordedMinimized } from './record.js';
import { APP_RECORD_PATH, parseAppRecord, sortComponents } from './app-record.js';
import { scanFile } from '../../ecosystems/scan.js';
import type { AppComponent } from '../../ecosystems/types.js';
import { apkSbomPackages, INSTALLED_DB } from './apk.js';
import { fileBytes } from '../../tree/body.js';

const STATUS_DIR = 'var/lib/dpkg/status.d/';
const dec = new TextDecoder();

export interface FilesInput {
  /** The merged root filesystem (paths without a leading '/'). */
  entries: readonly TreeEntry[];
  image: SbomImage;
  tool: { name: string; version: string };
}

interface Installed {
  name: string;
  version: string;
  arch: string;
  maintainer?: string;
  source: { name: string; version: string };
  depends: Relation[][];
  provides: string[];
}

/** A file's bytes by image path, following symlinks (chroot semantics) and hard links. */
function reader(entries: readonly TreeEntry[]): (path: string) => Uint8Array | undefined {
  const map = new Map(entries.map((e) => [e.path, e]));
  return (path) => {
    const real = walk(map, path, undefined, true);
    let e = real === undefined ? undefined : map.get(real);
    for (let hops = 0; e?.type === 'hardlink' && hops < 8; hops++) e = map.get(e.target!);
    return e?.type === 'file' ? fileBytes(e) : undefined;
  };
}

function parseStatus(text: string, file: string): Installed | undefined {
  const p = parseDeb822(text, file)[0];
  const f = (k: string): string | undefined => p?.fields.get(k);
  const name = f('package');
  const version = f('version');
  if (!p || !name || !version) return undefined;
  const src = /^(\S+)(?:\s*\(([^)]+)\))?/.exec(f('source') ?? '');
  const ctx = { file };
  return {
    name,
    version,
    arch: f('architecture') ?? 'all',
    maintainer: f('maintainer'),
    source: { name: src?.[1] ?? name, version: src?.[2]?.trim() ?? version },
    depends: [...parseRelations(f('pre-depends') ?? '', ctx), ...parseRelations(f('depends') ?? '', ctx)],
    provides: parseProvides(f('provides') ?? '', ctx).map((r) => r.name),
  };
}

/**
 * /etc/os-release → { name, version, codename }. On Debian the version is the
 * point release of /etc/debian_version ("12.5") when that file holds one, as
 * syft and Trivy report it (scanners match on the major version either way);
 * else VERSION_ID ("12"), else debian_version's leading number.
 */
export function parseOsRelease(text: string | undefined, debianVersion?: string): SbomOs {
  const vars = new Map<string, string>();
  for (const line of (text ?? '').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) vars.set(m[1]!, m[2]!.replace(/^(["'])(.*)\1$/, '$2'));
  }
  const os: SbomOs = { name: vars.get('ID') ?? 'debian' };
  const point = os.name === 'debian' ? /^\d+(?:\.\d+)?$/.exec(debianVersion?.trim() ?? '')?.[0] : undefined;
  const version = point ?? vars.get('VERSION_ID') ?? /^(\d+)/.exec(debianVersion ?? '')?.[1];
  if (version !== undefined) os.version = version;
  const codename = vars.get('VERSION_CODENAME');
  if (codename) os.codename = codename;
  return os;
}

/** Each dependency group → the installed package that satisfies it (the first alternative that is installed, by name or Provides). */
function resolveDeps(pkg: Installed, byName: Map<string, Installed>, providers: Map<string, string[]>): string[] {
  const out = new Set<string>();
  for (const group of pkg.depends) {
    for (const alt of group) {
      const hit = byName.has(alt.name) ? alt.name : providers.get(alt.name)?.[0];
      if (hit !== undefined) {
        if (hit !== pkg.name) out.add(hit);
        break;
      }
    }
  }
  return [...out].sort();
}

/**
 * A package's copyright file. Debian policy (12.5) lets /usr/share/doc/PKG be
 * a symlink to the doc directory of a package built from the same source
 * that PKG depends on (libgcc-s1 → gcc-12-base); slicing drops such links, so
 * the copyright of an installed package of the same source stands in,
 * preferring one PKG depends on.
 */
function copyrightFile(
  p: Installed,
  byName: Map<string, Installed>,
  text: (path: string) => string | undefined,
): { text: string; file: string; via?: string } | undefined {
  const own = text(`usr/share/doc/${p.name}/copyright`);
  if (own !== undefined) return { text: own, file: `/usr/share/doc/${p.name}/copyright` };
  const deps = new Set(p.depends.flat().map((r) => r.name));
  const siblings = [...byName.values()]
    .filter((q) => q.name !== p.name && q.source.name === p.source.name)
    .sort((a, b) => Number(deps.has(b.name)) - Number(deps.has(a.name)) || (a.name < b.name ? -1 : 1));
  for (const q of siblings) {
    const t = text(`usr/share/doc/${q.name}/copyright`);
    if (t !== undefined)
      return {
        text: t,
        file: `/usr/share/doc/${q.name}/copyright`,
        via: `the copyright of ${q.name}, built from the same source ${p.source.name}`,
      };
  }
  return undefined;
}

export function modelFromFiles(input: FilesInput): SbomModel {
  const read = reader(input.entries);
  const text = (p: string): string | undefined => {
    const b = read(p);
    return b && dec.decode(b);
  };
  const installed: Installed[] = [];
  for (const e of input.entries) {
    if (
      e.type !== 'file' ||
      !e.path.startsWith(STATUS_DIR) ||
      e.path.endsWith('.md5sums') ||
      e.path.slice(STATUS_DIR.length).includes('/')
    )
      continue;
    const p = parseStatus(dec.decode(fileBytes(e)), `/${e.path}`);
    if (p) installed.push(p);
  }
  installed.sort(byKey((p) => `${p.name}\0${p.arch}`));
  const byName = new Map(installed.map((p) => [p.name, p]));
  const providers = new Map<string, string[]>();
  for (const p of installed) for (const v of p.provides) providers.set(v, [...(providers.get(v) ?? []), p.name].sort());

  const os = parseOsRelease(text('etc/os-release') ?? text('usr/lib/os-release'), text('etc/debian_version'));
  const record = parseRecord(read(RECORD_PATH));
  const debs = new Map((record?.packages ?? []).map((d) => [`${d.name}\0${d.version}\0${d.architecture}`, d.sha256]));
  const minimized = new Map((record?.minimized ?? []).map((m) => [`${m.name}\0${m.architecture}`, m]));
  const refs = new LicenseRefs();
  const packages: SbomPackage[] = installed.map((p) => {
    const c = copyrightFile(p, byName, text);
    const lic = copyrightLicense(c?.text, c?.file);
    const rename = refs.add(lic.refs);
    const sha256 = debs.get(`${p.name}\0${p.version}\0${p.arch}`);
    return {
      name: p.name,
      version: p.version,
      arch: p.arch,
      purl: debPurl(p.name, p.version, p.arch, os),
      ...(p.maintainer !== undefined ? { supplier: p.maintainer } : {}),
      license: rename(lic.declared),
      licenseConcluded: rename(lic.concluded),
      licenseComment: c?.via ? `${lic.comment} (${c.via})` : lic.comment,
      ...(sha256 !== undefined ? { sha256 } : {}),
      source: p.source,
      dependencies: resolveDeps(p, byName, providers),
      ...partialOf(minimized.get(`${p.name}\0${p.arch}`)),
    };
  });
  packages.push(...apkSbomPackages(text(INSTALLED_DB), os, (n, v, a) => debs.get(`${n}\0${v}\0${a}`)));
  packages.sort(byKey((p) => `${p.name}\0${p.arch}`));
  const files: SbomFile[] = [];
  const components: AppComponent[] = parseAppRecord(read(APP_RECORD_PATH));
  const jre = installed.find((p) => /^openjdk-\d+-jre(-headless)?$/.test(p.name))?.name;
  for (const path of record?.files ?? []) {
    const data = read(path);
    if (!data) continue; // removed by a later layer
    for (const c of scanFile(path, data)) components.push(c.ecosystem === 'maven' && jre ? { ...c, runtime: jre } : c);
    files.push({
      path: `/${path}`,
      sha256: createHash('sha256').update(data).digest('hex'),
      sha1: createHash('sha1').update(data).digest('hex'),
    });
  }
  return {
    image: input.image,
    os,
    packages,
    files: files.sort(byKey((f) => f.path)),
    components: sortComponents(components),
    licenseRefs: refs.list(),
    ...(record?.minimized
      ? {
          removed: record.minimized
            .filter((m) => m.status === 'removed' && !byName.has(m.name))
            .map((m) => ({ name: m.name, version: m.version, arch: m.architecture, reason: m.reason })),
        }
      : {}),
    tool: input.tool,
  };
}

function partialOf(m: RecordedMinimized | undefined): Pick<SbomPackage, 'partial'> {
  return m?.status === 'partial' ? { partial: { kept: m.kept, shipped: m.shipped, reason: m.reason } } : {};
}

/** pare, as the tool an SBOM names. */
export const PARE_TOOL = { name: 'pare', version: VERSION } as const;

/** The image's time in seconds, from the config's RFC 3339 `created`. */
export function createdSeconds(created: string | undefined): number {
  const ms = created ? Date.parse(created) : NaN;
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
}

/** The license summary of an image's root filesystem (what `pare check --json` reports). */
export function licenseSummaryOf(entries: readonly TreeEntry[]): LicenseSummary {
  const m = modelFromFiles({
    entries,
    image: { name: '', digest: '', arch: '', created: 0 },
    tool: { name: 'pare', version: '' },
  });
  return licenseSummary(m.packages);
}

/** The name an SBOM gives a layout's image: "DIRNAME:TAG" (`pare build -o DIR` and `pare sbom DIR:TAG` alike). */
export function layoutImageName(dir: string, tag: string | undefined): string {
  const base = path.basename(path.resolve(dir));
  return tag === undefined ? base : `${base}:${tag}`;
}
