/**
 * Wheel metadata files: METADATA (RFC 822 style headers, PEP 566), WHEEL,
 * entry_points.txt (INI) and RECORD (CSV), and the declared licence as an
 * SPDX expression (License-Expression, else a trove classifier or a
 * License field that is a plain SPDX id). Pure.
 */

/** Header name (lowercase) → values, for METADATA and WHEEL. Stops at the first blank line (the body). */
export function parseHeaders(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let last: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    if (/^[ \t]/.test(line) && last) {
      last[last.length - 1] += `\n${line.trim()}`;
      continue;
    }
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const k = line.slice(0, i).trim().toLowerCase();
    const list = out.get(k) ?? [];
    list.push(line.slice(i + 1).trim());
    out.set(k, list);
    last = list;
  }
  return out;
}

/** INI sections of entry_points.txt: section → name → "module:attr". */
export function parseEntryPoints(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let section: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const s = /^\[(.+)\]$/.exec(line);
    if (s) {
      section = new Map();
      out.set(s[1]!.trim(), section);
    } else if (section) {
      const i = line.indexOf('=');
      if (i > 0) section.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
    }
  }
  return out;
}

/** RECORD rows: path, hash ("sha256=<urlsafe b64>"), size; quoted CSV fields are unquoted. */
export function parseRecord(text: string): Array<{ path: string; hash: string; size: string }> {
  const rows: Array<{ path: string; hash: string; size: string }> = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const fields: string[] = [];
    for (const m of line.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g))
      fields.push(m[1]?.replace(/""/g, '"') ?? m[2] ?? '');
    rows.push({ path: fields[0] ?? '', hash: fields[1] ?? '', size: fields[2] ?? '' });
  }
  return rows;
}

export function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const CLASSIFIERS: Record<string, string> = {
  'MIT License': 'MIT',
  'Apache Software License': 'Apache-2.0',
  'BSD License': 'BSD-3-Clause',
  'ISC License (ISCL)': 'ISC',
  'Mozilla Public License 2.0 (MPL 2.0)': 'MPL-2.0',
  'Python Software Foundation License': 'PSF-2.0',
  'GNU General Public License v2 (GPLv2)': 'GPL-2.0-only',
  'GNU General Public License v3 (GPLv3)': 'GPL-3.0-only',
  'GNU Lesser General Public License v3 (LGPLv3)': 'LGPL-3.0-only',
  'The Unlicense (Unlicense)': 'Unlicense',
};

const SPDX_ID = /^[A-Za-z0-9.+-]+( (AND|OR|WITH) [A-Za-z0-9.+-]+)*$/;
const COMMON_IDS = new Set([
  'MIT',
  'Apache-2.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'ISC',
  'MPL-2.0',
  'PSF-2.0',
  'Unlicense',
  '0BSD',
]);

/** The declared licence of a distribution as an SPDX expression, or NOASSERTION. */
export function pythonLicense(headers: Map<string, string[]>): string {
  const expr = headers.get('license-expression')?.[0];
  if (expr && SPDX_ID.test(expr)) return expr;
  const ids = (headers.get('classifier') ?? [])
    .filter((c) => c.startsWith('License :: '))
    .map((c) => CLASSIFIERS[c.split(' :: ').pop()!])
    .filter((x): x is string => x !== undefined);
  if (ids.length) return [...new Set(ids)].join(' OR ');
  const lic = headers.get('license')?.[0]?.trim();
  if (lic && COMMON_IDS.has(lic)) return lic;
  return 'NOASSERTION';
}
