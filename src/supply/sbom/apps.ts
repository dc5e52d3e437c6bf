/**
 * Application components (pkg:pypi, pkg:npm, pkg:golang, pkg:maven) in both
 * SBOM formats: the image CONTAINS each, each DEPENDS_ON the Debian package
 * that runs it (python3, nodejs, a JRE) when the image has it; hashes are
 * the installed artifact's. Identifiers stay unique when one name and
 * version is installed at two paths (npm). Pure.
 */
import type { AppComponent } from '../../ecosystems/types.js';
import { NOASSERTION, spdxIdPart, type SbomModel } from './model.js';

/** A declared licence that is a well-formed SPDX expression, else NOASSERTION. */
export function appLicense(c: AppComponent): string {
  const l = c.license.trim();
  return /^\(?[A-Za-z0-9.+-]+(\s+(AND|OR|WITH)\s+\(?[A-Za-z0-9.+-]+\)?)*\)?$/.test(l) && !/^(UNLICENSED|SEE)/i.test(l)
    ? l
    : NOASSERTION;
}

/** Stable unique keys per component: the purl, plus the install path when the purl repeats. */
export function appKeys(components: readonly AppComponent[]): string[] {
  const count = new Map<string, number>();
  for (const c of components) count.set(c.purl, (count.get(c.purl) ?? 0) + 1);
  return components.map((c) => (count.get(c.purl)! > 1 ? `${c.purl}#/${c.path ?? ''}` : c.purl));
}

/** Extra facts (Go sums, version, build settings) for SPDX, which has no properties: "; key=value …". */
function facts(c: AppComponent): string {
  const p = c.properties ?? [];
  return p.length ? `; ${p.map(([k, v]) => `${k.replace(/^pare:/, '')}=${v}`).join(' ')}` : '';
}

export function spdxAppPackages(m: SbomModel, debId: (name: string) => string | undefined) {
  const keys = appKeys(m.components);
  const ids = keys.map(
    (k, i) => `SPDXRef-App-${m.components[i]!.ecosystem}-${spdxIdPart(k.replace(/^pkg:[a-z]+\//, ''))}`,
  );
  const packages = m.components.map((c, i) => ({
    name: c.name,
    SPDXID: ids[i]!,
    versionInfo: c.version,
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    ...(c.sha256 || c.sha512
      ? {
          checksums: [
            ...(c.sha256 ? [{ algorithm: 'SHA256', checksumValue: c.sha256 }] : []),
            ...(c.sha512 ? [{ algorithm: 'SHA512', checksumValue: c.sha512 }] : []),
          ],
        }
      : {}),
    licenseConcluded: NOASSERTION,
    licenseDeclared: appLicense(c),
    copyrightText: NOASSERTION,
    externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: c.purl }],
    primaryPackagePurpose: 'LIBRARY',
    ...(c.path
      ? {
          comment: `${c.ecosystem} component at /${c.path}${c.file && !c.file.startsWith('/') ? ` from ${c.file}` : ''}${facts(c)}`,
        }
      : {}),
  }));
  const depends = m.components.flatMap((c, i) => {
    const rt = c.runtime === undefined ? undefined : debId(c.runtime);
    return rt ? [{ spdxElementId: ids[i]!, relationshipType: 'DEPENDS_ON', relatedSpdxElement: rt }] : [];
  });
  return { packages, ids, depends };
}

export function cdxAppComponents(
  m: SbomModel,
  debRef: (name: string) => string | undefined,
  cdxLicenses: (expression: string) => unknown[] | undefined,
) {
  const keys = appKeys(m.components);
  const components = m.components.map((c, i) => {
    const licenses = cdxLicenses(appLicense(c));
    const hashes = [
      ...(c.sha256 ? [{ alg: 'SHA-256', content: c.sha256 }] : []),
      ...(c.sha512 ? [{ alg: 'SHA-512', content: c.sha512 }] : []),
    ];
    return {
      type: 'library',
      'bom-ref': keys[i]!,
      name: c.name,
      version: c.version,
      ...(hashes.length ? { hashes } : {}),
      ...(licenses ? { licenses } : {}),
      purl: c.purl,
      properties: [
        { name: 'pare:ecosystem', value: c.ecosystem },
        ...(c.path ? [{ name: 'pare:path', value: `/${c.path}` }] : []),
        ...(c.file ? [{ name: 'pare:file', value: c.file }] : []),
        ...(c.properties ?? []).map(([name, value]) => ({ name, value })),
      ],
    };
  });
  const dependencies = m.components.map((c, i) => {
    const rt = c.runtime === undefined ? undefined : debRef(c.runtime);
    return { ref: keys[i]!, dependsOn: rt ? [rt] : [] };
  });
  return { components, refs: keys, dependencies };
}
