/**
 * Debian license expressions ("GPL-2+ or Artistic", "LGPL-2.1+ with
 * GCC-exception-3.1 exception", "A or B, and C") → SPDX expressions, with
 * each term mapped by a caller's function; and the small helpers for
 * building expressions (AND of several, LicenseRef ids). Pure.
 */

/** Map one term ("GPL-2+", "GPL-2+ with OpenSSL exception") to an SPDX term. */
export type TermMapper = (term: string) => string;

const compound = (e: string): boolean => / (AND|OR) /.test(e);
const paren = (e: string): string => (compound(e) ? `(${e})` : e);

/** DEP-5 precedence: "and" binds tighter than "or"; a comma splits at the lowest level. */
export function debianToSpdx(debian: string, term: TermMapper): string {
  const commaParts = debian
    .split(/\s*,\s*/)
    .map((p) => p.replace(/^(and|or)\s+/i, ''))
    .filter(Boolean);
  const commaOps = [...debian.matchAll(/,\s*(and|or)\b/gi)].map((m) => m[1]!.toUpperCase());
  const rendered = commaParts.map((part) => {
    const ors = part.split(/\s+or\s+/i).map((alt) => {
      const ands = alt.split(/\s+and\s+/i).map((t) => term(t.trim().replace(/^\(|\)$/g, '')));
      return ands.length > 1 ? ands.map(paren).join(' AND ') : ands[0]!;
    });
    const alts = [...new Set(ors)];
    return alts.length > 1 ? alts.map((o) => (o.includes(' AND ') ? `(${o})` : o)).join(' OR ') : alts[0]!;
  });
  if (rendered.length === 1) return rendered[0]!;
  return rendered.map(paren).join(commaOps.includes('AND') ? ' AND ' : ' OR ');
}

/** Several expressions that all apply: deduplicated, sorted, joined with AND. */
export function allOf(exprs: readonly string[]): string | undefined {
  const unique = [...new Set(exprs)].sort();
  if (unique.length === 0) return undefined;
  return unique.length === 1 ? unique[0]! : unique.map(paren).join(' AND ');
}

/** An SPDX LicenseRef id for a name SPDX does not list. */
export function licenseRefId(name: string): string {
  return `LicenseRef-${
    name
      .replace(/\+$/, '-or-later')
      .replace(/[^A-Za-z0-9.-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'unknown'
  }`;
}

/** The license and LicenseRef ids an SPDX expression mentions (exceptions excluded). */
export function licenseIds(expression: string): string[] {
  return [...new Set(expression.replace(/\bWITH\s+\S+/g, '').match(/[A-Za-z0-9.+:-]+/g) ?? [])].filter(
    (t) => t !== 'AND' && t !== 'OR' && t !== 'NOASSERTION' && t !== 'NONE',
  );
}
