/**
 * Machine-readable debian/copyright files (DEP-5, "copyright format 1.0"):
 * the `License:` short names of the Files paragraphs, mapped to SPDX ids and
 * joined into one expression — the declared license. The concluded license
 * maps further: a name SPDX does not know ("GPL", "BSD-variant") is resolved
 * by detecting the license in its own text (free-text.ts) when that finds
 * exactly one license; otherwise it stays a LicenseRef-… carrying that text.
 * A name with no text anywhere in the file cannot be concluded. Pure.
 */
import { parseDeb822, type Paragraph } from '../../../sources/debian/deb822.js';
import type { LicenseRef } from '../model.js';
import { spdxExceptionForName, spdxIdForName } from './debian-names.js';
import { allOf, debianToSpdx, licenseRefId } from './expression.js';
import { detectLicenses } from './free-text.js';

const DEP5_FORMAT = /^https?:\/\/www\.debian\.org\/doc\/packaging-manuals\/copyright-format\/1\.0\/?$/;

export interface Dep5License {
  declared: string;
  /** undefined when some name has no text to conclude from. */
  concluded?: string;
  refs: LicenseRef[];
  /** Names resolved through their text, e.g. "GPL → GPL-2.0-or-later". */
  resolved: string[];
  /** Names kept as LicenseRef-… (their text is in the SBOM), or not concluded. */
  unresolved: string[];
}

/** Is this copyright file in the machine-readable format? */
export function isDep5(text: string): boolean {
  const first = /^\s*Format:\s*(\S+)/im.exec(text.split(/\n\s*\n/, 1)[0] ?? '');
  return first !== null && DEP5_FORMAT.test(first[1]!);
}

/** The first line of a License field (the short name) and its text (the rest). */
function splitLicense(value: string): { name: string; text: string } {
  const [first, ...rest] = value.split('\n');
  return {
    name: first!.trim(),
    text: rest
      .map((l) => l.replace(/^\s/, ''))
      .map((l) => (l === '.' ? '' : l))
      .join('\n')
      .trim(),
  };
}

/** One term: an SPDX id (with its exception) when the name maps, else undefined. */
function spdxTerm(term: string): string | undefined {
  const w = /^(\S+)\s+with\s+(.+?)(?:\s+exception)?$/i.exec(term);
  const id = spdxIdForName(w ? w[1]! : term);
  if (!id || id.startsWith('LicenseRef-')) return undefined;
  if (!w) return id;
  const exc = spdxExceptionForName(w[2]!);
  return exc ? `${id} WITH ${exc}` : undefined;
}

/** The licenses of a DEP-5 copyright file; undefined when the file is not DEP-5 or names none. */
export function dep5License(text: string, file = 'copyright'): Dep5License | undefined {
  if (!isDep5(text)) return undefined;
  let paragraphs: Paragraph[];
  try {
    paragraphs = parseDeb822(text.replace(/\r\n/g, '\n'), file);
  } catch {
    return undefined;
  }
  const texts = new Map<string, string>();
  const shared = new Map<string, string>();
  const names: string[] = [];
  for (const p of paragraphs) {
    const lic = p.fields.get('license');
    if (lic === undefined) continue;
    const { name, text: body } = splitLicense(lic);
    if (body && !texts.has(name.toLowerCase())) texts.set(name.toLowerCase(), body);
    // The text of "A or B" is kept for A and B when they have none of their own (not used to resolve them).
    if (body)
      for (const key of name.split(/\s*,\s*|\s+(?:and|or)\s+/i))
        if (!shared.has(key.toLowerCase())) shared.set(key.toLowerCase(), body);
    if (p.fields.has('files') && name && !names.includes(name)) names.push(name);
  }
  if (names.length === 0) return undefined;
  const refs = new Map<string, LicenseRef>();
  const resolved = new Set<string>();
  const unresolved = new Set<string>();
  let concludable = true;
  const bodyOf = (t: string): string | undefined =>
    texts.get(t.toLowerCase()) ?? texts.get(t.replace(/\s+with\s+.*$/i, '').toLowerCase());
  const anyText = (t: string): string | undefined => bodyOf(t) ?? shared.get(t.toLowerCase());
  const asRef = (t: string): string => {
    const id = licenseRefId(t);
    if (!refs.has(id)) refs.set(id, { id, name: t, text: anyText(t) ?? t });
    return id;
  };
  const declaredTerm = (t: string): string => spdxTerm(t) ?? asRef(t);
  const concludedTerm = (t: string): string => {
    const id = spdxTerm(t);
    if (id) return id;
    const body = bodyOf(t);
    const found = body === undefined ? [] : detectLicenses(body);
    if (found.length === 1 && !found[0]!.license.startsWith('LicenseRef-')) {
      resolved.add(`${t} → ${found[0]!.license}`);
      return found[0]!.license;
    }
    unresolved.add(t);
    if (anyText(t) === undefined) concludable = false;
    return asRef(t);
  };
  const declared = allOf(names.map((n) => debianToSpdx(n, declaredTerm)))!;
  const concluded = allOf(names.map((n) => debianToSpdx(n, concludedTerm)))!;
  return {
    declared,
    ...(concludable ? { concluded } : {}),
    refs: [...refs.values()],
    resolved: [...resolved],
    unresolved: [...unresolved],
  };
}
