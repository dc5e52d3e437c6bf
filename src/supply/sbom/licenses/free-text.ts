/**
 * License detection in free text (a copyright file that is not DEP-5, or the
 * text of a DEP-5 `License:` paragraph): GNU notices (gnu.ts), license texts
 * and statements (texts.ts), /usr/share/common-licenses references, and
 * public-domain statements. Deterministic: the same text gives the same
 * findings, in order of first appearance. A common-licenses reference only
 * counts when no notice already names that license version (the notice
 * says whether later versions apply; the path does not). Pure.
 */
import type { LicenseRef } from '../model.js';
import { spdxIdForName } from './debian-names.js';
import { gnuNotices } from './gnu.js';
import { normalize } from './normalize.js';
import { PUBLIC_DOMAIN, TEXT_RULES, type How } from './texts.js';
import { unknownGrants, type Span } from './unknown.js';

export interface Finding {
  /** SPDX id ("… WITH exception" possibly) or a LicenseRef-… id. */
  license: string;
  how: How;
  /** Offset in the original text of the first place it was found. */
  at: number;
  /** For LicenseRef-… findings: the text it stands for. */
  ref?: LicenseRef;
}

const COMMON_LICENSES = /\/usr\/share\/common-licenses\/([a-z0-9][a-z0-9.+_-]*[a-z0-9+])/g;

export const PUBLIC_DOMAIN_REF: LicenseRef = {
  id: 'LicenseRef-public-domain',
  name: 'public-domain',
  text: 'The copyright holder dedicated the work to the public domain; no license applies. The package names the files it concerns.',
};

/** "GPL-2.0-or-later WITH X" → "GPL-2.0": the license version without its later/only qualifier. */
const versionKey = (id: string): string => id.replace(/ WITH .*$/, '').replace(/-(only|or-later)$/, '');

/**
 * Every license in the text. With `unknown`, paragraphs that grant a license
 * no rule recognized are added as LicenseRef-unrecognized-… (unknown.ts).
 */
export function detectLicenses(original: string, opts: { unknown?: boolean } = {}): Finding[] {
  const { text, offsets } = normalize(original);
  const at = (i: number): number => offsets[Math.min(i, offsets.length - 1)] ?? 0;
  const found: Finding[] = [];
  const covered: Span[] = [];
  const cover = (start: number, end: number) => covered.push({ start: at(start), end: at(end) + 1 });
  for (const n of gnuNotices(text)) {
    found.push({ license: n.license, how: 'license notice', at: at(n.at) });
    cover(n.at, n.end);
  }
  for (const rule of TEXT_RULES) {
    for (const m of text.matchAll(rule.re)) {
      const start = m.index!;
      const rest = text.slice(start, start + 4000);
      const end = rule.end?.exec(rest);
      const block = end ? rest.slice(0, end.index + end[0].length) : rest.slice(0, 1500);
      const license = typeof rule.license === 'string' ? rule.license : rule.license(block);
      found.push({ license, how: rule.how, at: at(start) });
      const back = rule.start ? text.slice(Math.max(0, start - 1000), start) : '';
      const first = rule.start ? [...back.matchAll(new RegExp(rule.start, 'g'))].pop() : undefined;
      const from = first ? start - back.length + first.index! : start;
      cover(from, start + (rule.how === 'license text' ? block.length : m[0].length));
    }
  }
  for (const m of text.matchAll(PUBLIC_DOMAIN)) {
    found.push({ license: PUBLIC_DOMAIN_REF.id, how: 'license notice', at: at(m.index!), ref: PUBLIC_DOMAIN_REF });
    cover(m.index!, m.index! + m[0].length);
  }
  const noticed = new Set(found.map((f) => versionKey(f.license)));
  for (const m of text.matchAll(COMMON_LICENSES)) {
    const id = spdxIdForName(m[1]!.replace(/\.(txt)?$/, ''));
    if (id && !noticed.has(versionKey(id)))
      found.push({ license: id, how: 'common-licenses reference', at: at(m.index!) });
    cover(m.index!, m.index! + m[0].length);
  }
  if (opts.unknown)
    for (const u of unknownGrants(original, covered))
      found.push({ license: u.ref.id, how: 'unrecognized license text', at: u.at, ref: u.ref });
  found.sort((a, b) => a.at - b.at);
  const seen = new Set<string>();
  return found.filter((f) => !seen.has(f.license) && seen.add(f.license));
}
