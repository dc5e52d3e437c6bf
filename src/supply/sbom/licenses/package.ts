/**
 * A Debian package's licenses from its copyright file, declared and
 * concluded, with a sentence saying how each was found (it becomes the SPDX
 * package's licenseComments and a CycloneDX property):
 *  - DEP-5: declared = the License fields; concluded = the same names, those
 *    SPDX does not list resolved through their text (dep5.ts).
 *  - free text: nothing is declared in a machine-readable way (NOASSERTION);
 *    concluded = every license pare detects (free-text.ts), joined with AND,
 *    or NOASSERTION when it detects none.
 * Pure.
 */
import { NOASSERTION, type LicenseRef } from '../model.js';
import { dep5License } from './dep5.js';
import { allOf } from './expression.js';
import { detectLicenses } from './free-text.js';

export interface PackageLicense {
  /** What the package states in machine-readable form, or NOASSERTION. */
  declared: string;
  /** What pare concluded, or NOASSERTION. */
  concluded: string;
  /** How both were found. */
  comment: string;
  /** Every LicenseRef-… either expression uses, with its text. */
  refs: LicenseRef[];
  /** The declared expression (the name older callers used). */
  expression: string;
}

const result = (declared: string, concluded: string, comment: string, refs: LicenseRef[]): PackageLicense => ({
  declared,
  concluded,
  comment,
  refs,
  expression: declared,
});

/** The license of a package from its /usr/share/doc/PKG/copyright text. */
export function copyrightLicense(text: string | undefined, file = 'copyright'): PackageLicense {
  if (text === undefined) return result(NOASSERTION, NOASSERTION, 'no copyright file in the image', []);
  const dep5 = dep5License(text, file);
  if (dep5) {
    const how = [
      `declared: the License fields of the machine-readable ${file}`,
      dep5.concluded === undefined
        ? `concluded: NOASSERTION (no text for ${dep5.unresolved.join(', ')})`
        : `concluded: ${dep5.resolved.length ? `those names, resolved by their text: ${dep5.resolved.join('; ')}` : 'the same names'}`,
      ...(dep5.unresolved.length && dep5.concluded !== undefined
        ? [`kept as LicenseRef with their text: ${dep5.unresolved.join(', ')}`]
        : []),
    ];
    return result(dep5.declared, dep5.concluded ?? NOASSERTION, how.join('; '), dep5.refs);
  }
  const found = detectLicenses(text, { unknown: true });
  if (found.length === 0) return result(NOASSERTION, NOASSERTION, `no license detected in the free-text ${file}`, []);
  const refs = [...new Map(found.filter((f) => f.ref).map((f) => [f.ref!.id, f.ref!])).values()];
  return result(
    NOASSERTION,
    allOf(found.map((f) => f.license))!,
    `declared: none (${file} is free text); concluded by detection in ${file}: ${found
      .map((f) => `${f.license} (${f.how})`)
      .join(', ')}`,
    refs,
  );
}
