/**
 * CycloneDX 1.6 JSON from the SBOM model: metadata.component is the image
 * (type container), components are the operating system, the Debian
 * packages (type library, bom-ref = purl) and the config's files; the
 * dependency graph has the image depending on everything it contains and
 * each package on what its dependencies resolved to. serialNumber and
 * timestamp come from the image, never from the clock. Pure.
 */
import {
  documentUuid,
  isoSeconds,
  NOASSERTION,
  ociPurl,
  parseMaintainer,
  type SbomModel,
  type SbomPackage,
} from './model.js';
import { cdxAppComponents } from './apps.js';

export const CYCLONEDX_MEDIA_TYPE = 'application/vnd.cyclonedx+json';

const IMAGE_REF = 'image';
const OS_REF = 'os';
const fileRef = (path: string): string => `file:${path}`;

/**
 * A license expression → CycloneDX licenses: always the expression form (a
 * single id too, so an id newer than the schema's list stays valid), with
 * the acknowledgement saying whether it is declared or concluded.
 */
export function cdxLicenses(
  expression: string,
  acknowledgement: 'declared' | 'concluded' = 'declared',
): unknown[] | undefined {
  if (expression === NOASSERTION) return undefined;
  return [{ expression, acknowledgement }];
}

/** The concluded license when there is one, else the declared (CycloneDX holds one expression per component). */
function componentLicenses(p: SbomPackage): unknown[] | undefined {
  const concluded = p.licenseConcluded ?? NOASSERTION;
  return concluded !== NOASSERTION ? cdxLicenses(concluded, 'concluded') : cdxLicenses(p.license, 'declared');
}

/** The declared license (when the concluded one is shown) and how both were found, as properties. */
function licenseProperties(p: SbomPackage): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  if ((p.licenseConcluded ?? NOASSERTION) !== NOASSERTION && p.license !== NOASSERTION)
    out.push({ name: 'pare:license:declared', value: p.license });
  if (p.licenseComment) out.push({ name: 'pare:license:method', value: p.licenseComment });
  return out;
}

function supplier(maintainer: string | undefined): unknown {
  if (!maintainer) return undefined;
  const m = parseMaintainer(maintainer);
  return { name: m.name, ...(m.email ? { contact: [{ name: m.name, email: m.email }] } : {}) };
}

function component(p: SbomPackage): Record<string, unknown> {
  const licenses = componentLicenses(p);
  const sup = supplier(p.supplier);
  return {
    type: 'library',
    'bom-ref': p.purl,
    ...(sup ? { supplier: sup } : {}),
    name: p.name,
    version: p.version,
    ...(p.sha256 !== undefined ? { hashes: [{ alg: 'SHA-256', content: p.sha256 }] } : {}),
    ...(licenses ? { licenses } : {}),
    purl: p.purl,
    properties: [
      { name: 'pare:deb:architecture', value: p.arch },
      { name: 'pare:deb:source', value: p.source.name },
      { name: 'pare:deb:source-version', value: p.source.version },
      ...licenseProperties(p),
      ...(p.partial
        ? [
            { name: 'pare:minimize:status', value: 'partial' },
            { name: 'pare:minimize:files', value: `${p.partial.kept}/${p.partial.shipped}` },
            { name: 'pare:minimize:reason', value: p.partial.reason },
          ]
        : []),
    ],
  };
}

export function cyclonedxBom(m: SbomModel): Record<string, unknown> {
  const hex = m.image.digest.replace(/^sha256:/, '');
  const os = {
    type: 'operating-system',
    'bom-ref': OS_REF,
    name: m.os.name,
    ...(m.os.version !== undefined ? { version: m.os.version } : {}),
    ...(m.os.codename ? { description: `codename ${m.os.codename}` } : {}),
  };
  const files = m.files.map((f) => ({
    type: 'file',
    'bom-ref': fileRef(f.path),
    name: f.path,
    hashes: [
      { alg: 'SHA-1', content: f.sha1 },
      { alg: 'SHA-256', content: f.sha256 },
    ],
    properties: [{ name: 'pare:origin', value: 'paths' }],
  }));
  const refs = new Map(m.packages.map((p) => [p.name, p.purl]));
  const apps = cdxAppComponents(m, (name) => refs.get(name), cdxLicenses);
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${documentUuid('cyclonedx', m.image)}`,
    version: 1,
    metadata: {
      timestamp: isoSeconds(m.image.created),
      tools: { components: [{ type: 'application', name: m.tool.name, version: m.tool.version }] },
      component: {
        type: 'container',
        'bom-ref': IMAGE_REF,
        name: m.image.name,
        version: m.image.digest,
        hashes: [{ alg: 'SHA-256', content: hex }],
        purl: ociPurl(m.image),
        properties: [
          { name: 'pare:image:architecture', value: m.image.arch },
          ...(m.removed ?? []).map((r) => ({
            name: 'pare:minimize:removed',
            value: `${r.name} ${r.version} (${r.arch}): ${r.reason}`,
          })),
        ],
      },
    },
    components: [os, ...m.packages.map(component), ...files, ...apps.components],
    dependencies: [
      {
        ref: IMAGE_REF,
        dependsOn: [OS_REF, ...m.packages.map((p) => p.purl), ...files.map((f) => f['bom-ref']), ...apps.refs],
      },
      { ref: OS_REF, dependsOn: [] },
      ...m.packages.map((p) => ({
        ref: p.purl,
        dependsOn: p.dependencies.filter((d) => refs.has(d)).map((d) => refs.get(d)!),
      })),
      ...files.map((f) => ({ ref: f['bom-ref'], dependsOn: [] })),
      ...apps.dependencies,
    ],
  };
}

/** The CycloneDX BOM as bytes: two-space JSON and a final newline. */
export function writeCyclonedx(m: SbomModel): Buffer {
  return Buffer.from(JSON.stringify(cyclonedxBom(m), null, 2) + '\n', 'utf8');
}
