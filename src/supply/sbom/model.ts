/**
 * The neutral SBOM model both writers (SPDX 2.3, CycloneDX 1.6) render, and
 * the identifiers derived from it: purls, SPDX ids, name-based UUIDs. Pure:
 * the same model gives the same bytes in either format.
 */
import { createHash } from 'node:crypto';
import type { AppComponent } from '../../ecosystems/types.js';

export interface SbomImage {
  /** What the user calls the image, e.g. "pare/base:latest". */
  name: string;
  /** Manifest digest, "sha256:<hex>". */
  digest: string;
  arch: string;
  /** Image creation time (seconds since the epoch): the SBOM's time, never "now". */
  created: number;
}

export interface SbomOs {
  /** os-release ID, e.g. "debian". */
  name: string;
  /** Debian's point release ("12.5") or VERSION_ID ("12"); undefined when the image has neither. */
  version?: string;
  codename?: string;
}

export interface SbomPackage {
  name: string;
  version: string;
  arch: string;
  purl: string;
  /** The Maintainer field, "Name <email>". */
  supplier?: string;
  /** The declared license: an SPDX expression of what the package states in machine-readable form, or "NOASSERTION". */
  license: string;
  /** The concluded license: pare's SPDX expression from the package's license texts; absent means NOASSERTION. */
  licenseConcluded?: string;
  /** How the declared and concluded licenses were found (SPDX licenseComments, a CycloneDX property). */
  licenseComment?: string;
  /** sha256 (hex) of the .deb the package was installed from, when known. */
  sha256?: string;
  source: { name: string; version: string };
  /** Names of installed packages this one depends on (resolved alternatives), sorted. */
  dependencies: string[];
  /** Set when minimization kept only some of the package's files (its md5sums lists them). */
  partial?: { kept: number; shipped: number; reason: string };
}

/** A package minimization removed entirely: no longer installed, recorded with the reason. */
export interface SbomRemoved {
  name: string;
  version: string;
  arch: string;
  reason: string;
}

export interface SbomFile {
  /** Absolute image path. */
  path: string;
  sha256: string;
  sha1: string;
}

/** A LicenseRef-… id used in some package's license, and the text it stands for. */
export interface LicenseRef {
  id: string;
  name: string;
  text: string;
}

export interface SbomModel {
  image: SbomImage;
  os: SbomOs;
  /** Sorted by name. */
  packages: SbomPackage[];
  /** Files the config added (`paths`), sorted by path. */
  files: SbomFile[];
  /** Application components (wheels, npm packages, Go modules, Maven artifacts), sorted. */
  components: AppComponent[];
  /** Sorted by id. */
  licenseRefs: LicenseRef[];
  /** Only for minimized images: packages minimization removed, sorted by name. */
  removed?: SbomRemoved[];
  /** The tool, for creator fields: { name: 'pare', version }. */
  tool: { name: string; version: string };
}

export const NOASSERTION = 'NOASSERTION';

/** purl percent-encoding: everything but unreserved characters (and '+', common in Debian versions). */
function purlEncode(s: string, keep = ''): string {
  let out = '';
  for (const ch of s) {
    if (/[A-Za-z0-9.\-_~+]/.test(ch) || keep.includes(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The distro qualifier: "debian-12.5" (or the codename when there is no version). */
export function distroQualifier(os: SbomOs): string | undefined {
  const v = os.version ?? os.codename;
  return v === undefined ? undefined : `${os.name}-${v}`;
}

/** pkg:deb/debian/NAME@VERSION?arch=ARCH&distro=debian-12 (qualifiers sorted, as purl requires). */
export function debPurl(name: string, version: string, arch: string, os: SbomOs): string {
  const distro = distroQualifier(os);
  const q = [`arch=${purlEncode(arch)}`, ...(distro ? [`distro=${purlEncode(distro)}`] : [])];
  return `pkg:deb/${purlEncode(os.name)}/${purlEncode(name)}@${purlEncode(version)}?${q.join('&')}`;
}

/** pkg:oci/NAME@sha256%3A…?arch=…&repository_url=…&tag=… for the image itself. */
export function ociPurl(image: SbomImage): string {
  const { repo, tag } = splitName(image.name);
  const last = repo.slice(repo.lastIndexOf('/') + 1).toLowerCase() || 'image';
  const q = [`arch=${purlEncode(image.arch)}`];
  if (repo.includes('/')) q.push(`repository_url=${purlEncode(repo, '/:')}`);
  if (tag !== undefined) q.push(`tag=${purlEncode(tag)}`);
  return `pkg:oci/${purlEncode(last)}@${purlEncode(image.digest)}?${q.join('&')}`;
}

export function splitName(name: string): { repo: string; tag?: string } {
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  return colon > slash ? { repo: name.slice(0, colon), tag: name.slice(colon + 1) } : { repo: name };
}

/**
 * An SPDX id element for a Debian name: '+' (the only character Debian names
 * allow that SPDX ids do not) becomes 'P', which Debian names never contain.
 */
export function spdxIdPart(s: string): string {
  return s.replace(/[^A-Za-z0-9.-]/g, (c) => (c === '+' ? 'P' : `X${c.codePointAt(0)!.toString(16)}`));
}

/** pare's namespace for name-based UUIDs (a fixed random UUID). */
const PARE_UUID_NAMESPACE = '9d525ceb-aec0-4ed6-ba38-a07696eb44d2';

/** RFC 9562 version 5 (name-based, SHA-1) UUID: the same name always gives the same UUID. */
export function uuidV5(name: string, namespace = PARE_UUID_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** A document's identity: the format, the image digest and its name; never a random value or the clock. */
export function documentUuid(format: 'spdx' | 'cyclonedx', image: SbomImage): string {
  return uuidV5(`pare-sbom:${format}:${image.digest}:${image.name}`);
}

/** Seconds → "2024-01-02T03:04:05Z" (SPDX wants no fractional seconds). */
export function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** "Name <email>" → { name, email }. */
export function parseMaintainer(m: string): { name: string; email?: string } {
  const match = /^\s*(.*?)\s*<([^>]*)>\s*$/.exec(m);
  return match ? { name: match[1]!, email: match[2] } : { name: m.trim() };
}

/** Sort by a string key, by UTF-16 code units (locale-independent). */
export function byKey<T>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}
