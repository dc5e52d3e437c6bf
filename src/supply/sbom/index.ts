/** supply/sbom: the SBOM model, SPDX 2.3 and CycloneDX 1.6 writers, licenses, build wiring. */
export {
  debPurl,
  ociPurl,
  documentUuid,
  uuidV5,
  NOASSERTION,
  type SbomModel,
  type SbomImage,
  type SbomOs,
  type SbomPackage,
  type SbomFile,
  type LicenseRef,
} from './model.js';
export {
  copyrightLicense,
  toSpdxExpression,
  isDep5,
  licenseRefId,
  detectLicenses,
  spdxIdForName,
  allOf,
  licenseIds,
  LicenseRefs,
  declaredLicense,
  canonicalExpression,
  licenseSummary,
  copyleftOf,
  type LicenseSummary,
  type PackageLicense,
  type Finding,
} from './licenses.js';
export {
  RECORD_PATH,
  makeRecord,
  recordEntries,
  parseRecord,
  addRecord,
  recordFor,
  type ContentsRecord,
  type RecordedDeb,
} from './record.js';
export { modelFromFiles, parseOsRelease, licenseSummaryOf, type FilesInput } from './from-files.js';
export { spdxDocument, writeSpdx, spdxPackageId, spdxSupplier, SPDX_MEDIA_TYPE } from './spdx.js';
export { cyclonedxBom, writeCyclonedx, cdxLicenses, CYCLONEDX_MEDIA_TYPE } from './cyclonedx.js';
export { buildSbomModel, buildProvenance, builtEntries, createdSeconds, PARE_TOOL } from './from-build.js';
export { signAndAttest, type ImageAttestations, type AttachResult } from './attach.js';
