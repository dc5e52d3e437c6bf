/**
 * Licenses for the SBOM: the public face of licenses/ — DEP-5 and free-text
 * copyright files (declared and concluded, with how each was found), Debian
 * short names → SPDX, license names from other sources (normalize), and the
 * summary `pare check` prints. Pure.
 */
import type { LicenseRef } from './model.js';
import { spdxExceptionForName, spdxIdForName } from './licenses/debian-names.js';
import { debianToSpdx, licenseRefId } from './licenses/expression.js';

export { copyrightLicense, type PackageLicense } from './licenses/package.js';
export { isDep5 } from './licenses/dep5.js';
export { detectLicenses, type Finding } from './licenses/free-text.js';
export { spdxIdForName, spdxExceptionForName } from './licenses/debian-names.js';
export { allOf, licenseIds, licenseRefId } from './licenses/expression.js';
export { isSpdxLicenseId, isSpdxExceptionId } from './licenses/spdx-list.js';
export { LicenseRefs } from './licenses/refs.js';
export { declaredLicense, canonicalExpression } from './licenses/declared.js';
export {
  licenseSummary,
  licenseTerms,
  copyleftOf,
  type LicenseSummary,
  type LicenseCount,
  type Copyleft,
} from './licenses/summary.js';

/** One Debian license short-name expression → SPDX; names SPDX does not list become LicenseRef-… with their text. */
export function toSpdxExpression(debian: string, refs: Map<string, LicenseRef>, texts: Map<string, string>): string {
  return debianToSpdx(debian, (t) => {
    const w = /^(\S+)\s+with\s+(.+?)(?:\s+exception)?$/i.exec(t);
    const id = spdxIdForName(w ? w[1]! : t);
    const exc = w ? spdxExceptionForName(w[2]!) : undefined;
    if (id && (!w || exc)) return exc ? `${id} WITH ${exc}` : id;
    const refId = licenseRefId(t);
    const base = w ? w[1]! : t;
    if (!refs.has(refId))
      refs.set(refId, { id: refId, name: t, text: texts.get(t.toLowerCase()) ?? texts.get(base.toLowerCase()) ?? t });
    return refId;
  });
}
