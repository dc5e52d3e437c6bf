/**
 * Licenses from machine-readable debian/copyright files (DEP-5, "copyright
 * format 1.0"): the `License:` short names of the Files paragraphs, mapped to
 * SPDX identifiers and joined into one SPDX expression. A name SPDX does not
 * know becomes a LicenseRef-… with the copyright file's text for it; a file
 * that is not DEP-5 gives NOASSERTION (free-form text is not guessed at). Pure.
 */
import { parseDeb822, type Paragraph } from '../../sources/debian/deb822.js';
import { NOASSERTION, type LicenseRef } from './model.js';

/** Debian short names (lowercased) → SPDX license ids. */
const SPDX: Record<string, string> = {
  'gpl-1': 'GPL-1.0-only',
  'gpl-1+': 'GPL-1.0-or-later',
  'gpl-2': 'GPL-2.0-only',
  'gpl-2+': 'GPL-2.0-or-later',
  'gpl-2.0': 'GPL-2.0-only',
  'gpl-2.0+': 'GPL-2.0-or-later',
  'gpl-3': 'GPL-3.0-only',
  'gpl-3+': 'GPL-3.0-or-later',
  'gpl-3.0': 'GPL-3.0-only',
  'gpl-3.0+': 'GPL-3.0-or-later',
  'lgpl-2': 'LGPL-2.0-only',
  'lgpl-2+': 'LGPL-2.0-or-later',
  'lgpl-2.0': 'LGPL-2.0-only',
  'lgpl-2.0+': 'LGPL-2.0-or-later',
  'lgpl-2.1': 'LGPL-2.1-only',
  'lgpl-2.1+': 'LGPL-2.1-or-later',
  'lgpl-3': 'LGPL-3.0-only',
  'lgpl-3+': 'LGPL-3.0-or-later',
  'lgpl-3.0': 'LGPL-3.0-only',
  'lgpl-3.0+': 'LGPL-3.0-or-later',
  'agpl-3': 'AGPL-3.0-only',
  'agpl-3+': 'AGPL-3.0-or-later',
  'gfdl-1.2': 'GFDL-1.2-only',
  'gfdl-1.2+': 'GFDL-1.2-or-later',
  'gfdl-1.3': 'GFDL-1.3-only',
  'gfdl-1.3+': 'GFDL-1.3-or-later',
  'bsd-2-clause': 'BSD-2-Clause',
  'bsd-3-clause': 'BSD-3-Clause',
  'bsd-4-clause': 'BSD-4-Clause',
  'bsd-0-clause': '0BSD',
  expat: 'MIT',
  mit: 'MIT',
  isc: 'ISC',
  x11: 'X11',
  'apache-2': 'Apache-2.0',
  'apache-2.0': 'Apache-2.0',
  'apache-1.1': 'Apache-1.1',
  'mpl-1.1': 'MPL-1.1',
  'mpl-2': 'MPL-2.0',
  'mpl-2.0': 'MPL-2.0',
  zlib: 'Zlib',
  'zlib/libpng': 'Zlib',
  libpng: 'Libpng',
  'libpng-2.0': 'libpng-2.0',
  artistic: 'Artistic-1.0-Perl',
  'artistic-1': 'Artistic-1.0',
  'artistic-1.0': 'Artistic-1.0',
  'artistic-2': 'Artistic-2.0',
  'artistic-2.0': 'Artistic-2.0',
  'psf-2': 'PSF-2.0',
  'python-2.0': 'Python-2.0',
  openssl: 'OpenSSL',
  curl: 'curl',
  ftl: 'FTL',
  cc0: 'CC0-1.0',
  'cc0-1.0': 'CC0-1.0',
  'cc-by-3.0': 'CC-BY-3.0',
  'cc-by-4.0': 'CC-BY-4.0',
  'cc-by-sa-3.0': 'CC-BY-SA-3.0',
  'cc-by-sa-4.0': 'CC-BY-SA-4.0',
  'bsl-1.0': 'BSL-1.0',
  'boost-1.0': 'BSL-1.0',
  unlicense: 'Unlicense',
  wtfpl: 'WTFPL',
  'unicode-dfs-2016': 'Unicode-DFS-2016',
  sleepycat: 'Sleepycat',
  'oldap-2.8': 'OLDAP-2.8',
  'bzip2-1.0.6': 'bzip2-1.0.6',
  'epl-1.0': 'EPL-1.0',
  'epl-2.0': 'EPL-2.0',
  'ofl-1.1': 'OFL-1.1',
  tcl: 'TCL',
  vim: 'Vim',
  ruby: 'Ruby',
  postgresql: 'PostgreSQL',
  ncsa: 'NCSA',
};

/** The SPDX license ids this mapping produces (all on the SPDX license list). */
export const KNOWN_SPDX_IDS: ReadonlySet<string> = new Set(Object.values(SPDX));

/** "with X exception" → SPDX exception ids. */
const EXCEPTIONS: Record<string, string> = {
  'gcc-exception-3.1': 'GCC-exception-3.1',
  'gcc-exception-2.0': 'GCC-exception-2.0',
  'gcc-3.1': 'GCC-exception-3.1',
  autoconf: 'Autoconf-exception-2.0',
  'autoconf-3.0': 'Autoconf-exception-3.0',
  classpath: 'Classpath-exception-2.0',
  font: 'Font-exception-2.0',
  libtool: 'Libtool-exception',
  bison: 'Bison-exception-2.2',
};

const DEP5_FORMAT = /^https?:\/\/www\.debian\.org\/doc\/packaging-manuals\/copyright-format\/1\.0\/?$/;

export interface PackageLicense {
  /** SPDX expression, or NOASSERTION. */
  expression: string;
  refs: LicenseRef[];
}

/** Is this copyright file in the machine-readable format? */
export function isDep5(text: string): boolean {
  const first = /^\s*Format:\s*(\S+)/im.exec(text.split(/\n\s*\n/, 1)[0] ?? '');
  return first !== null && DEP5_FORMAT.test(first[1]!);
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

/** One Debian license short-name expression ("GPL-2+ or Artistic", "LGPL-2.1+ with GCC-exception-3.1 exception") → SPDX. */
export function toSpdxExpression(debian: string, refs: Map<string, LicenseRef>, texts: Map<string, string>): string {
  // Precedence in DEP-5: "and" binds tighter than "or"; a comma splits at the lowest level ("A or B, and C").
  const commaParts = debian
    .split(/\s*,\s*/)
    .map((p) => p.replace(/^(and|or)\s+/i, ''))
    .filter(Boolean);
  const commaOps = [...debian.matchAll(/,\s*(and|or)\b/gi)].map((m) => m[1]!.toUpperCase());
  const rendered = commaParts.map((part) => {
    const ors = part.split(/\s+or\s+/i).map((alt) => {
      const ands = alt.split(/\s+and\s+/i).map((term) => one(term, refs, texts));
      return ands.length > 1 ? ands.join(' AND ') : ands[0];
    });
    return ors.length > 1 ? ors.map((o) => (o!.includes(' AND ') ? `(${o})` : o)).join(' OR ') : ors[0];
  });
  if (rendered.length === 1) return rendered[0]!;
  const op = commaOps.includes('AND') ? ' AND ' : ' OR ';
  return rendered.map((r) => (/ (AND|OR) /.test(r!) ? `(${r})` : r)).join(op);
}

function one(term: string, refs: Map<string, LicenseRef>, texts: Map<string, string>): string {
  const t = term.trim().replace(/^\(|\)$/g, '');
  const w = /^(\S+)\s+with\s+(.+?)\s+exception$/i.exec(t);
  const base = w ? w[1] : t;
  const id = SPDX[base!.toLowerCase()];
  const exception = w ? EXCEPTIONS[w[2]!.toLowerCase()] : undefined;
  if (id && (!w || exception)) return exception ? `${id} WITH ${exception}` : id;
  const refId = licenseRefId(t);
  if (!refs.has(refId))
    refs.set(refId, { id: refId, name: t, text: texts.get(t.toLowerCase()) ?? texts.get(base!.toLowerCase()) ?? t });
  return refId;
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

/** The license of a package from its /usr/share/doc/PKG/copyright text. */
export function copyrightLicense(text: string | undefined, file = 'copyright'): PackageLicense {
  if (text === undefined || !isDep5(text)) return { expression: NOASSERTION, refs: [] };
  let paragraphs: Paragraph[];
  try {
    paragraphs = parseDeb822(text.replace(/\r\n/g, '\n'), file);
  } catch {
    return { expression: NOASSERTION, refs: [] };
  }
  const texts = new Map<string, string>();
  const names: string[] = [];
  for (const p of paragraphs) {
    const lic = p.fields.get('license');
    if (lic === undefined) continue;
    const { name, text: body } = splitLicense(lic);
    if (body) texts.set(name.toLowerCase(), body);
    if (p.fields.has('files') && name && !names.includes(name)) names.push(name);
  }
  if (names.length === 0) return { expression: NOASSERTION, refs: [] };
  const refs = new Map<string, LicenseRef>();
  const exprs = [...new Set(names.map((n) => toSpdxExpression(n, refs, texts)))].sort();
  const expression =
    exprs.length === 1 ? exprs[0] : exprs.map((e) => (/ (AND|OR) /.test(e) ? `(${e})` : e)).join(' AND ');
  return { expression: expression!, refs: [...refs.values()] };
}
