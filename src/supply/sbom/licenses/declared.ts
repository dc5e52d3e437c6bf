/**
 * Licenses that other sources declare — APK's `L:`, a wheel's METADATA
 * (`License-Expression`, `License:`, "License :: OSI Approved :: …"
 * classifiers), package.json `license`, a POM's <license><name> — turned into
 * the same declared/concluded pair Debian packages get. A valid SPDX
 * expression is kept (ids in their canonical spelling); a known name (Debian
 * short names, "MIT License", "Apache Software License", GNU notices) maps to
 * its SPDX id; anything else becomes a LicenseRef-… whose text is the value
 * as declared, and then nothing is concluded. Several values all apply (AND)
 * unless the caller says they are alternatives (OR). Pure.
 */
import { NOASSERTION, type LicenseRef } from '../model.js';
import { spdxIdForName } from './debian-names.js';
import { licenseRefId } from './expression.js';
import { detectLicenses } from './free-text.js';
import type { PackageLicense } from './package.js';
import { canonicalExceptionId, canonicalLicenseId } from './spdx-list.js';

/** Long names and classifier words → SPDX ids (lowercased, "license" and punctuation trimmed). */
const LONG_NAMES: Record<string, string> = {
  mit: 'MIT',
  'apache software': 'Apache-2.0',
  'apache 2.0': 'Apache-2.0',
  'apache version 2.0': 'Apache-2.0',
  'the apache software version 2.0': 'Apache-2.0',
  'the apache version 2.0': 'Apache-2.0',
  'python software foundation': 'PSF-2.0',
  isc: 'ISC',
  'isc (iscl)': 'ISC',
  'mozilla public 2.0 (mpl 2.0)': 'MPL-2.0',
  'eclipse public 2.0': 'EPL-2.0',
  'eclipse public 1.0': 'EPL-1.0',
  'the unlicense (unlicense)': 'Unlicense',
  'zlib/libpng': 'Zlib',
  'boost software 1.0 (bsl-1.0)': 'BSL-1.0',
  'the 2-clause bsd': 'BSD-2-Clause',
  'the 3-clause bsd': 'BSD-3-Clause',
  'new bsd': 'BSD-3-Clause',
  'simplified bsd': 'BSD-2-Clause',
};

/** A valid SPDX expression in canonical spelling, or undefined. */
export function canonicalExpression(value: string): string | undefined {
  const tokens = value.match(/\(|\)|[^\s()]+/g) ?? [];
  let depth = 0;
  let expectTerm = true;
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const up = t.toUpperCase();
    if (t === '(' && expectTerm) depth++;
    else if (t === ')' && !expectTerm && depth > 0) depth--;
    else if ((up === 'AND' || up === 'OR') && !expectTerm) expectTerm = true;
    else if (up === 'WITH' && !expectTerm) {
      const exc = canonicalExceptionId(tokens[++i] ?? '');
      if (!exc) return undefined;
      out.push('WITH', exc);
      continue;
    } else if (expectTerm && t !== '(' && t !== ')') {
      const plus = t.endsWith('+') && !/^LicenseRef-/.test(t);
      const id = /^LicenseRef-[A-Za-z0-9.-]+$/.test(t) ? t : canonicalLicenseId(plus ? t.slice(0, -1) : t);
      if (!id) return undefined;
      out.push(plus ? `${id}+` : id);
      expectTerm = false;
      continue;
    } else return undefined;
    out.push(t === '(' || t === ')' ? t : up);
  }
  if (depth !== 0 || expectTerm) return undefined;
  return out.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')');
}

function nameToSpdx(value: string): string | undefined {
  const v = value.replace(/^license ::\s*(?:osi approved ::\s*)?/i, '').trim();
  const key = v
    .toLowerCase()
    .replace(/\blicen[cs]e\b/g, '')
    .replace(/[,\s]+/g, ' ')
    .trim();
  const id = LONG_NAMES[key] ?? spdxIdForName(v) ?? spdxIdForName(key.replace(/ /g, '-'));
  if (id) return id;
  const found = detectLicenses(v);
  return found.length === 1 && !found[0]!.license.startsWith('LicenseRef-') ? found[0]!.license : undefined;
}

/** The license a non-Debian package declares; `source` names where it came from ("APK L:", "wheel METADATA"). */
export function declaredLicense(
  values: readonly string[],
  opts: { source: string; alternatives?: boolean },
): PackageLicense {
  const vals = values.map((v) => v.trim()).filter((v) => v && !/^(unknown|none|noassertion|see license)$/i.test(v));
  if (vals.length === 0)
    return {
      declared: NOASSERTION,
      concluded: NOASSERTION,
      comment: `no license in ${opts.source}`,
      refs: [],
      expression: NOASSERTION,
    };
  const refs: LicenseRef[] = [];
  let concludable = true;
  const terms = vals.map((v) => {
    const expr = canonicalExpression(v) ?? nameToSpdx(v);
    if (expr) return expr;
    concludable = false;
    const id = licenseRefId(v.slice(0, 64));
    if (!refs.some((r) => r.id === id)) refs.push({ id, name: v, text: v });
    return id;
  });
  const unique = [...new Set(terms)];
  const paren = (e: string) => (/ (AND|OR) /.test(e) ? `(${e})` : e);
  const declared = unique.length === 1 ? unique[0]! : unique.map(paren).join(opts.alternatives ? ' OR ' : ' AND ');
  return {
    declared,
    concluded: concludable ? declared : NOASSERTION,
    comment: `declared: ${opts.source}${concludable ? '; concluded: the same (SPDX ids)' : '; concluded: NOASSERTION (a name SPDX does not list, kept as LicenseRef)'}`,
    refs,
    expression: declared,
  };
}
