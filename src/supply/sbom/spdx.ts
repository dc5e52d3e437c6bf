/**
 * SPDX 2.3 JSON from the SBOM model. The document DESCRIBES the image
 * (a CONTAINER package); the image CONTAINS the operating system, every
 * Debian package and every file the config added; packages DEPENDS_ON what
 * their dependencies resolved to. documentNamespace and created come from
 * the image (digest, name, creation time), so the bytes never depend on when
 * or where this runs. Pure.
 */
import {
  documentUuid,
  isoSeconds,
  NOASSERTION,
  ociPurl,
  parseMaintainer,
  spdxIdPart,
  type SbomModel,
  type SbomPackage,
} from './model.js';
import { spdxAppPackages } from './apps.js';

export const SPDX_MEDIA_TYPE = 'application/spdx+json';

const IMAGE_ID = 'SPDXRef-Image';
const OS_ID = 'SPDXRef-OperatingSystem';

export const spdxPackageId = (p: Pick<SbomPackage, 'name' | 'arch'>): string =>
  `SPDXRef-Package-deb-${spdxIdPart(p.name)}-${spdxIdPart(p.arch)}`;
const fileId = (path: string): string => `SPDXRef-File-${spdxIdPart(path.replace(/^\//, ''))}`;

/** "Name <email>" → "Person: Name (email)"; teams and lists are organizations. */
export function spdxSupplier(maintainer: string | undefined): string {
  if (!maintainer) return NOASSERTION;
  const m = parseMaintainer(maintainer);
  const kind =
    /\b(maintainers|team|project|developers|packagers)\b/i.test(m.name) || /@lists\./.test(m.email ?? '')
      ? 'Organization'
      : 'Person';
  return `${kind}: ${m.name}${m.email ? ` (${m.email})` : ''}`;
}

function relationship(
  a: string,
  type: string,
  b: string,
): { spdxElementId: string; relationshipType: string; relatedSpdxElement: string } {
  return { spdxElementId: a, relationshipType: type, relatedSpdxElement: b };
}

export function spdxDocument(m: SbomModel): Record<string, unknown> {
  const hex = m.image.digest.replace(/^sha256:/, '');
  const image = {
    name: m.image.name,
    SPDXID: IMAGE_ID,
    versionInfo: m.image.digest,
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    checksums: [{ algorithm: 'SHA256', checksumValue: hex }],
    licenseConcluded: NOASSERTION,
    licenseDeclared: NOASSERTION,
    copyrightText: NOASSERTION,
    externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: ociPurl(m.image) }],
    primaryPackagePurpose: 'CONTAINER',
    releaseDate: isoSeconds(m.image.created),
    ...(m.removed?.length
      ? {
          annotations: m.removed.map((r) => ({
            annotationDate: isoSeconds(m.image.created),
            annotationType: 'OTHER',
            annotator: `Tool: ${m.tool.name}-${m.tool.version}`,
            comment: `removed package ${r.name} ${r.version} (${r.arch}): ${r.reason}`,
          })),
        }
      : {}),
  };
  const os = {
    name: m.os.name,
    SPDXID: OS_ID,
    ...(m.os.version !== undefined ? { versionInfo: m.os.version } : {}),
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    licenseConcluded: NOASSERTION,
    licenseDeclared: NOASSERTION,
    copyrightText: NOASSERTION,
    ...(m.os.codename ? { comment: `codename ${m.os.codename}` } : {}),
    primaryPackagePurpose: 'OPERATING_SYSTEM',
  };
  const packages = m.packages.map((p) => ({
    name: p.name,
    SPDXID: spdxPackageId(p),
    versionInfo: p.version,
    supplier: spdxSupplier(p.supplier),
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    ...(p.sha256 !== undefined ? { checksums: [{ algorithm: 'SHA256', checksumValue: p.sha256 }] } : {}),
    sourceInfo: `built from Debian source package ${p.source.name} ${p.source.version}`,
    licenseConcluded: p.licenseConcluded ?? NOASSERTION,
    licenseDeclared: p.license,
    ...(p.licenseComment ? { licenseComments: p.licenseComment } : {}),
    copyrightText: NOASSERTION,
    externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl }],
    ...(p.partial ? { comment: `partial: ${p.partial.reason}` } : {}),
  }));
  const files = m.files.map((f) => ({
    fileName: `.${f.path}`,
    SPDXID: fileId(f.path),
    checksums: [
      { algorithm: 'SHA1', checksumValue: f.sha1 },
      { algorithm: 'SHA256', checksumValue: f.sha256 },
    ],
    licenseConcluded: NOASSERTION,
    copyrightText: NOASSERTION,
    comment: 'added by the image configuration (paths)',
  }));
  const ids = new Map(m.packages.map((p) => [p.name, spdxPackageId(p)]));
  const apps = spdxAppPackages(m, (name) => ids.get(name));
  const relationships = [
    relationship('SPDXRef-DOCUMENT', 'DESCRIBES', IMAGE_ID),
    relationship(IMAGE_ID, 'CONTAINS', OS_ID),
    ...m.packages.map((p) => relationship(IMAGE_ID, 'CONTAINS', spdxPackageId(p))),
    ...files.map((f) => relationship(IMAGE_ID, 'CONTAINS', f.SPDXID)),
    ...apps.ids.map((id) => relationship(IMAGE_ID, 'CONTAINS', id)),
    ...apps.depends,
    ...m.packages.flatMap((p) =>
      p.dependencies.filter((d) => ids.has(d)).map((d) => relationship(spdxPackageId(p), 'DEPENDS_ON', ids.get(d)!)),
    ),
  ];
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: m.image.name,
    documentNamespace: `urn:uuid:${documentUuid('spdx', m.image)}`,
    creationInfo: {
      created: isoSeconds(m.image.created),
      creators: [`Tool: ${m.tool.name}-${m.tool.version}`],
      comment: `SBOM of the ${m.image.arch} image ${m.image.digest}`,
    },
    ...(m.licenseRefs.length
      ? {
          hasExtractedLicensingInfos: m.licenseRefs.map((r) => ({
            licenseId: r.id,
            name: r.name,
            extractedText: r.text || r.name,
          })),
        }
      : {}),
    packages: [image, os, ...packages, ...apps.packages],
    ...(files.length ? { files } : {}),
    relationships,
  };
}

/** The SPDX document as bytes: two-space JSON and a final newline. */
export function writeSpdx(m: SbomModel): Buffer {
  return Buffer.from(JSON.stringify(spdxDocument(m), null, 2) + '\n', 'utf8');
}
