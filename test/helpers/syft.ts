/**
 * Test helper: the Debian packages syft catalogs in an OCI layout, and the
 * comparison with what pare says it installed — its lock file, its SPDX 2.3
 * and its CycloneDX 1.6 SBOM — by name, version, architecture and purl.
 */
import assert from 'node:assert/strict';
import { tool } from './go-tools.js';

export interface SyftPackage {
  name: string;
  version: string;
  arch: string;
  /** The source package's name when it differs from the binary's, else ''. */
  source: string;
  purl: string;
}

interface SyftJson {
  artifacts: {
    name: string;
    version: string;
    type: string;
    purl: string;
    locations?: { path: string }[];
    metadata?: { architecture?: string; source?: string; files?: { path: string }[] };
  }[];
}

export interface OtherPackage {
  type: string;
  name: string;
  version: string;
  purl: string;
  locations: string[];
}

export interface SyftScan {
  /** Debian packages, sorted by name. */
  debs: SyftPackage[];
  /** What syft found in other ecosystems. */
  others: OtherPackage[];
  /** Every path the Debian packages own (their md5sums). */
  debFiles: Set<string>;
}

/** `syft scan oci-dir:DIR` (syft's JSON), split by ecosystem. */
export async function syftScan(layout: string): Promise<SyftScan> {
  const out = await tool('syft', ['scan', `oci-dir:${layout}`, '-o', 'syft-json', '-q'], {
    env: { SYFT_CHECK_FOR_APP_UPDATE: 'false' },
    timeoutMs: 600_000,
  });
  const doc = JSON.parse(out) as SyftJson;
  const debFiles = new Set<string>();
  const debs: SyftPackage[] = [];
  const others: OtherPackage[] = [];
  for (const a of doc.artifacts) {
    if (a.type !== 'deb') {
      others.push({
        type: a.type,
        name: a.name,
        version: a.version,
        purl: a.purl,
        locations: (a.locations ?? []).map((l) => l.path),
      });
      continue;
    }
    for (const f of a.metadata?.files ?? []) debFiles.add(f.path);
    debs.push({
      name: a.name,
      version: a.version,
      arch: a.metadata?.architecture ?? '',
      source: a.metadata?.source ?? '',
      purl: a.purl,
    });
  }
  debs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { debs, others, debFiles };
}

/** syft's Debian packages in an OCI layout, sorted by name. */
export async function syftPackages(layout: string): Promise<SyftPackage[]> {
  return (await syftScan(layout)).debs;
}

export interface PackageSets {
  syft: SyftPackage[];
  /** pare.lock.json */
  lock: { archs: Record<string, { packages: { name: string; version: string; architecture: string }[] }> };
  spdx: { packages: { name: string; versionInfo?: string; externalRefs?: { referenceLocator: string }[] }[] };
  cyclonedx: { components?: { name: string; version?: string; purl?: string }[] };
}

const isDebPurl = (p: string | undefined): p is string => p !== undefined && p.startsWith('pkg:deb/');

/** Assert that syft, the lock and both SBOMs list the same packages (one architecture). */
export function comparePackages(s: PackageSets, arch = 'amd64'): void {
  const syft = s.syft.map((p) => `${p.name} ${p.version} ${p.arch}`).sort();
  const lock = (s.lock.archs[arch]?.packages ?? []).map((p) => `${p.name} ${p.version} ${p.architecture}`).sort();
  assert.deepEqual(syft, lock, 'syft (name version arch) vs pare.lock.json');
  const spdx = s.spdx.packages
    .map((p) => ({
      name: p.name,
      version: p.versionInfo,
      purl: p.externalRefs?.map((r) => r.referenceLocator).find(isDebPurl),
    }))
    .filter((p) => p.purl !== undefined);
  const cdx = (s.cyclonedx.components ?? []).filter((c) => isDebPurl(c.purl));
  const byName = (xs: { name: string; version?: string }[]) => xs.map((p) => `${p.name} ${p.version}`).sort();
  const syftNv = s.syft.map((p) => `${p.name} ${p.version}`).sort();
  assert.deepEqual(byName(spdx), syftNv, 'syft vs the SPDX SBOM');
  assert.deepEqual(byName(cdx), syftNv, 'syft vs the CycloneDX SBOM');
  // The purls: what a vulnerability scanner matches on, compared decoded (pare
  // percent-encodes the epoch's ':', syft does not; both are valid purls) and
  // without syft's `upstream` qualifier (the source package, which pare's SBOMs
  // record as a relationship instead).
  const syftPurls = s.syft.map((p) => normalPurl(p.purl)).sort();
  assert.deepEqual(spdx.map((p) => normalPurl(p.purl!)).sort(), syftPurls, 'purls: syft vs the SPDX SBOM');
  assert.deepEqual(cdx.map((p) => normalPurl(p.purl!)).sort(), syftPurls, 'purls: syft vs the CycloneDX SBOM');
}

/**
 * The application packages: syft's findings outside the Debian packages'
 * files, and the non-deb, non-image purls of pare's SPDX and CycloneDX SBOMs,
 * each as sorted, normalized purls.
 */
export function applicationPurls(
  scan: SyftScan,
  spdx: PackageSets['spdx'],
  cyclonedx: PackageSets['cyclonedx'],
): { syft: string[]; spdx: string[]; cyclonedx: string[] } {
  const app = (p: string | undefined): p is string =>
    p !== undefined && p.startsWith('pkg:') && !p.startsWith('pkg:deb/') && !p.startsWith('pkg:oci/');
  const owned = (p: OtherPackage) => p.locations.length > 0 && p.locations.every((l) => scan.debFiles.has(l));
  return {
    syft: scan.others
      .filter((p) => !owned(p) && app(p.purl))
      .map((p) => normalPurl(p.purl))
      .sort(),
    spdx: spdx.packages
      .flatMap((p) => (p.externalRefs ?? []).map((r) => r.referenceLocator))
      .filter(app)
      .map(normalPurl)
      .sort(),
    cyclonedx: (cyclonedx.components ?? [])
      .map((c) => c.purl)
      .filter(app)
      .map(normalPurl)
      .sort(),
  };
}

/** A purl decoded, its qualifiers sorted, syft's `upstream` dropped. */
export function normalPurl(purl: string): string {
  const [base, query = ''] = purl.split('?');
  const q = query
    .split('&')
    .filter((kv) => kv && !kv.startsWith('upstream='))
    .map(decodeURIComponent)
    .sort();
  return `${decodeURIComponent(base!)}${q.length ? `?${q.join('&')}` : ''}`;
}
