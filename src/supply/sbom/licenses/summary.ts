/**
 * A license summary of an image's packages, for `pare check --json` and
 * reports: how many packages have a concluded license, how many licenses
 * say nothing (NOASSERTION), the packages under each license (concluded,
 * else declared), and copyleft flagged — strong (GPL, AGPL, …: the whole
 * combined work) or weak (LGPL, MPL, EPL, …: the library itself). A license
 * with an exception (GPL-3.0-or-later WITH GCC-exception-3.1) is counted
 * under the whole "ID WITH EXCEPTION" term, flagged weak: the exception lifts
 * the obligation on the program linking it. Pure.
 */
import { NOASSERTION } from '../model.js';

export type Copyleft = 'strong' | 'weak';

export interface LicenseCount {
  license: string;
  packages: string[];
  copyleft?: Copyleft;
}

export interface LicenseSummary {
  packages: number;
  concluded: number;
  declared: number;
  noassertion: number;
  licenses: LicenseCount[];
  copyleft: { strong: string[]; weak: string[] };
}

const STRONG = /^(GPL|AGPL|OSL|EUPL|SSPL|CC-BY-SA|GFDL|Sleepycat|RPL|QPL)-/;
const WEAK = /^(LGPL|MPL|EPL|CDDL|CPL|MS-RL|APSL|Artistic-1\.0|OFL|CECILL-C|IPL|NPL|ErlPL)-?/;

/** Copyleft kind of one term ("GPL-2.0-or-later", "LGPL-2.1-only", "GPL-3.0-or-later WITH GCC-exception-3.1"). */
export function copyleftOf(term: string): Copyleft | undefined {
  const [id, exception] = term.split(' WITH ');
  if (STRONG.test(id!)) return exception ? 'weak' : 'strong';
  if (WEAK.test(id!)) return 'weak';
  return undefined;
}

/** The terms of an expression: license ids, "ID WITH EXCEPTION" kept whole. */
export function licenseTerms(expression: string): string[] {
  const terms = expression
    .replace(/[()]/g, ' ')
    .split(/\s+(?:AND|OR)\s+/)
    .map((t) => t.trim().replace(/\s+/g, ' '))
    .filter((t) => t && t !== NOASSERTION && t !== 'NONE');
  return [...new Set(terms)];
}

export function licenseSummary(
  packages: readonly { name: string; license: string; licenseConcluded?: string }[],
): LicenseSummary {
  const by = new Map<string, Set<string>>();
  let concluded = 0;
  let declared = 0;
  let noassertion = 0;
  for (const p of packages) {
    const c = p.licenseConcluded ?? NOASSERTION;
    if (c !== NOASSERTION) concluded++;
    if (p.license !== NOASSERTION) declared++;
    const expr = c !== NOASSERTION ? c : p.license;
    if (expr === NOASSERTION) noassertion++;
    for (const t of licenseTerms(expr)) by.set(t, (by.get(t) ?? new Set()).add(p.name));
  }
  const licenses = [...by]
    .map(([license, names]) => {
      const copyleft = copyleftOf(license);
      return { license, packages: [...names].sort(), ...(copyleft ? { copyleft } : {}) };
    })
    .sort((a, b) => b.packages.length - a.packages.length || (a.license < b.license ? -1 : 1));
  const pkgs = (kind: Copyleft) =>
    [...new Set(licenses.filter((l) => l.copyleft === kind).flatMap((l) => l.packages))].sort();
  return {
    packages: packages.length,
    concluded,
    declared,
    noassertion,
    licenses,
    copyleft: { strong: pkgs('strong'), weak: pkgs('weak') },
  };
}
