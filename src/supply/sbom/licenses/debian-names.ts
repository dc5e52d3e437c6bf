/**
 * Debian's license short names (DEP-5 `License:` names, the files in
 * /usr/share/common-licenses, and the names other sources use, such as APK's
 * `L:` and Python classifiers' words) → SPDX license and exception ids.
 * Debian's convention: `GPL-2` is version 2 only, `GPL-2+` is version 2 or any
 * later version. A name already on the SPDX list maps to its canonical
 * spelling. Pure.
 */
import { canonicalExceptionId, canonicalLicenseId } from './spdx-list.js';

/** Names (lowercased) that are neither GNU names nor SPDX ids. */
const NAMES: Record<string, string> = {
  'bsd-0-clause': '0BSD',
  'bsd-2': 'BSD-2-Clause',
  'bsd-3': 'BSD-3-Clause',
  'bsd-4': 'BSD-4-Clause',
  bsd: 'BSD-3-Clause', // /usr/share/common-licenses/BSD: the Regents' 3-clause text
  expat: 'MIT',
  'mit/expat': 'MIT',
  'apache-2': 'Apache-2.0',
  'apache 2.0': 'Apache-2.0',
  'mpl-2': 'MPL-2.0',
  'zlib/libpng': 'Zlib',
  artistic: 'Artistic-1.0-Perl', // base-files: common-licenses/Artistic is Perl's
  'artistic-1': 'Artistic-1.0',
  'artistic-2': 'Artistic-2.0',
  'psf-2': 'PSF-2.0',
  psf: 'PSF-2.0',
  python: 'Python-2.0',
  'python-2': 'Python-2.0',
  cc0: 'CC0-1.0',
  'boost-1.0': 'BSL-1.0',
  'bsl-1': 'BSL-1.0',
  'fsf-ap': 'FSFAP',
  'fsf-all-permissive': 'FSFAP',
  'permissive-fsf': 'FSFAP',
  'fsf-unlimited': 'FSFUL',
};

/** "with X exception" names (lowercased) → SPDX exception ids. */
const EXCEPTIONS: Record<string, string> = {
  'gcc-3.1': 'GCC-exception-3.1',
  'gcc-exception': 'GCC-exception-3.1',
  autoconf: 'Autoconf-exception-2.0',
  'autoconf-3.0': 'Autoconf-exception-3.0',
  classpath: 'Classpath-exception-2.0',
  'classpath-2.0': 'Classpath-exception-2.0',
  font: 'Font-exception-2.0',
  libtool: 'Libtool-exception',
  bison: 'Bison-exception-2.2',
};

const GNU = /^(agpl|lgpl|gpl|gfdl|fdl)[- ]?v?(\d)(?:\.(\d))?(\+|-or-later|-only)?$/;

/** GPL/LGPL/AGPL/GFDL with a version → the SPDX id, or undefined for versions that do not exist. */
export function gnuId(family: 'GPL' | 'LGPL' | 'AGPL' | 'GFDL', version: string, orLater: boolean): string | undefined {
  const [major, minor] = version.split('.');
  const v = `${major}.${minor ?? '0'}`;
  const valid: Record<string, string[]> = {
    GPL: ['1.0', '2.0', '3.0'],
    LGPL: ['2.0', '2.1', '3.0'],
    AGPL: ['1.0', '3.0'],
    GFDL: ['1.1', '1.2', '1.3'],
  };
  if (!valid[family]!.includes(v)) return undefined;
  return `${family}-${v}-${orLater ? 'or-later' : 'only'}`;
}

/** One Debian (or SPDX) license name → an SPDX license id; undefined when it is neither. */
export function spdxIdForName(name: string): string | undefined {
  const n = name.trim().toLowerCase();
  if (NAMES[n]) return NAMES[n];
  const g = GNU.exec(n);
  if (g) {
    const family = g[1] === 'fdl' ? 'GFDL' : (g[1]!.toUpperCase() as 'GPL' | 'LGPL' | 'AGPL' | 'GFDL');
    return gnuId(family, g[3] !== undefined ? `${g[2]}.${g[3]}` : g[2]!, g[4] === '+' || g[4] === '-or-later');
  }
  const direct = canonicalLicenseId(n);
  if (direct) return direct;
  // Debian's spellings of listed ids: "BSD-3-clause", "Apache-2", "MPL-1.1", "CC-BY-SA-3.0".
  const dotted = /^(.*?)-(\d)$/.exec(n);
  return dotted ? canonicalLicenseId(`${dotted[1]}-${dotted[2]}.0`) : undefined;
}

/** An exception name as Debian writes it ("GCC-exception-3.1", "OpenSSL") → an SPDX exception id. */
export function spdxExceptionForName(name: string): string | undefined {
  const n = name
    .trim()
    .toLowerCase()
    .replace(/\s+exception$/, '');
  const mapped = EXCEPTIONS[n];
  return (mapped && canonicalExceptionId(mapped)) ?? canonicalExceptionId(n) ?? canonicalExceptionId(`${n}-exception`);
}
