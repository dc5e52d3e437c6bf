/**
 * License detection: free-text copyright files (GNU notices, license texts,
 * common-licenses references, short-name statements), DEP-5 names resolved
 * by their text, other sources' declared licenses, the summary, and — over
 * every copyright file of the catalog's packages (test/fixtures/copyright) —
 * that every expression parses with an SPDX expression parser, every
 * LicenseRef-… has its text, and pare agrees with Debian's licensecheck
 * except where test/fixtures/copyright/licensecheck-disagreements.json says
 * why not.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  canonicalExpression,
  copyleftOf,
  copyrightLicense,
  declaredLicense,
  licenseIds,
  licenseSummary,
} from '../../src/supply/sbom/licenses.js';
import { COPYRIGHT_FIXTURES, disagreements, fixtureFiles } from './licensecheck.js';

const parse = createRequire(import.meta.url)('spdx-expression-parse') as (e: string) => unknown;
const fixture = (f: string) => readFile(join(COPYRIGHT_FIXTURES, f), 'utf8');
const terms = (e: string) => e.split(/ AND | OR /).map((t) => t.replace(/[()]/g, ''));

describe('free-text copyright files', () => {
  it('glibc: LGPL-2.1-or-later from its notice, with GPL, BSD and ISC parts; nothing declared', async () => {
    const l = copyrightLicense(await fixture('bookworm/libc6'), '/usr/share/doc/libc6/copyright');
    assert.equal(l.declared, 'NOASSERTION');
    for (const id of ['LGPL-2.1-or-later', 'GPL-2.0-or-later', 'BSD-3-Clause', 'ISC'])
      assert.ok(terms(l.concluded).includes(id), `${id} in ${l.concluded}`);
    assert.ok(!terms(l.concluded).includes('LGPL-2.1-only'), 'the common-licenses path does not add an -only');
    assert.match(l.comment, /LGPL-2\.1-or-later \(license notice\)/);
  });
  it('Python: PSF-2.0 from the license text', async () => {
    for (const f of ['bookworm/libpython3.11-minimal', 'bookworm/libpython3-stdlib', 'trixie/libpython3.13-minimal'])
      assert.ok(terms(copyrightLicense(await fixture(f)).concluded).includes('PSF-2.0'), f);
  });
  it('GCC: GPL-3.0-or-later WITH GCC-exception-3.1 for the runtime libraries', async () => {
    for (const f of ['bookworm/gcc-12-base', 'trixie/gcc-14-base'])
      assert.ok(
        terms(copyrightLicense(await fixture(f)).concluded).includes('GPL-3.0-or-later WITH GCC-exception-3.1'),
        f,
      );
  });
  it('base-files: GPL-2.0-or-later, not the Artistic license it mentions', async () => {
    assert.equal(copyrightLicense(await fixture('bookworm/base-files')).concluded, 'GPL-2.0-or-later');
  });
  it('short-name statements and public domain (libxcrypt)', async () => {
    const c = terms(copyrightLicense(await fixture('bookworm/libcrypt1')).concluded);
    for (const id of ['LGPL-2.1-or-later', 'BSD-3-Clause', '0BSD', 'BSD-2-Clause', 'FSFAP', 'LicenseRef-public-domain'])
      assert.ok(c.includes(id), id);
  });
  it('nothing detected → NOASSERTION, said so', () => {
    const l = copyrightLicense('Copyright 1999 someone. All rights reserved.\n', 'x');
    assert.equal(l.concluded, 'NOASSERTION');
    assert.match(l.comment, /no license detected/);
  });
  it('notice variants: backward order, abbreviations, "only"', () => {
    const c = (t: string) => copyrightLicense(t).concluded;
    assert.equal(c('under the terms of version 2 of the GNU General Public License.'), 'GPL-2.0-only');
    assert.equal(c('Licensed under the GNU GPL v3+.'), 'GPL-3.0-or-later');
    assert.equal(c('License: LGPL (v2.1 or later)'), 'LGPL-2.1-or-later');
    assert.equal(c('the GNU Library General Public License, version 2, or any later version'), 'LGPL-2.0-or-later');
    assert.equal(c('See section 7 of the GNU General Public License, version 3.'), 'NOASSERTION');
  });
});

describe('DEP-5 copyright files', () => {
  const dep5 = (license: string) =>
    `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nCopyright: 2020 X\nLicense: ${license}\n`;
  it('an unversioned name is resolved by its own text (concluded), declared stays the name', () => {
    const l = copyrightLicense(
      dep5(
        'GPL\n This program is free software; you can redistribute it and/or modify it under the terms of the GNU General Public License as published by the Free Software Foundation; either version 2 of the License, or (at your option) any later version.',
      ),
    );
    assert.equal(l.declared, 'LicenseRef-GPL');
    assert.equal(l.concluded, 'GPL-2.0-or-later');
    assert.match(l.comment, /GPL → GPL-2\.0-or-later/);
  });
  it('a name with no text anywhere cannot be concluded', () => {
    const l = copyrightLicense(dep5('Custom-Thing'));
    assert.equal(l.declared, 'LicenseRef-Custom-Thing');
    assert.equal(l.concluded, 'NOASSERTION');
  });
  it('an unknown name with a text it does not match stays a LicenseRef with that text', () => {
    const l = copyrightLicense(dep5('Odd\n You may do anything with this file.'));
    assert.equal(l.concluded, 'LicenseRef-Odd');
    assert.deepEqual(l.refs, [{ id: 'LicenseRef-Odd', name: 'Odd', text: 'You may do anything with this file.' }]);
  });
});

describe('licenses other sources declare', () => {
  it('SPDX expressions are kept in canonical spelling; names map; unknown names are LicenseRefs', () => {
    assert.equal(canonicalExpression('mit OR apache-2.0'), 'MIT OR Apache-2.0');
    assert.equal(canonicalExpression('(MIT'), undefined);
    assert.equal(declaredLicense(['MIT'], { source: 'package.json license' }).concluded, 'MIT');
    assert.equal(
      declaredLicense(['License :: OSI Approved :: Apache Software License'], { source: 'wheel classifiers' }).declared,
      'Apache-2.0',
    );
    assert.equal(declaredLicense(['GPL-2+'], { source: 'APK L:' }).declared, 'GPL-2.0-or-later');
    assert.equal(
      declaredLicense(['MIT', 'Apache-2.0'], { source: 'POM licenses', alternatives: true }).declared,
      'MIT OR Apache-2.0',
    );
    const odd = declaredLicense(['Acme Corp Licence'], { source: 'POM licenses' });
    assert.equal(odd.concluded, 'NOASSERTION');
    assert.equal(odd.refs[0]!.text, 'Acme Corp Licence');
    assert.equal(declaredLicense([], { source: 'APK L:' }).declared, 'NOASSERTION');
  });
});

describe('license summary', () => {
  it('counts packages by license and flags copyleft', () => {
    const s = licenseSummary([
      { name: 'a', license: 'NOASSERTION', licenseConcluded: 'GPL-2.0-or-later AND MIT' },
      { name: 'b', license: 'MIT', licenseConcluded: 'MIT' },
      { name: 'c', license: 'NOASSERTION' },
      { name: 'd', license: 'NOASSERTION', licenseConcluded: 'GPL-3.0-or-later WITH GCC-exception-3.1' },
    ]);
    assert.equal(s.concluded, 3);
    assert.equal(s.noassertion, 1);
    assert.deepEqual(s.licenses[0], { license: 'MIT', packages: ['a', 'b'] });
    assert.deepEqual(s.copyleft, { strong: ['a'], weak: ['d'] });
    assert.equal(copyleftOf('LGPL-2.1-or-later'), 'weak');
    assert.equal(copyleftOf('BSD-3-Clause'), undefined);
  });
});

describe('every copyright file of the catalog (test/fixtures/copyright)', () => {
  it('every expression parses and every LicenseRef-… has its text', async () => {
    const files = await fixtureFiles();
    assert.ok(files.length > 50, `${files.length} fixture files`);
    for (const f of files) {
      const l = copyrightLicense(await fixture(f), f);
      for (const e of [l.declared, l.concluded]) {
        if (e === 'NOASSERTION') continue;
        assert.doesNotThrow(() => parse(e), `${f}: ${e}`);
        for (const id of licenseIds(e).filter((i) => i.startsWith('LicenseRef-'))) {
          const ref = l.refs.find((r) => r.id === id);
          assert.ok(ref && ref.text.trim().length > 0, `${f}: ${id} has no text`);
        }
      }
    }
  });

  it("agrees with Debian's licensecheck, except where the disagreements fixture says why", async () => {
    const expected = JSON.parse(await fixture('licensecheck-disagreements.json')) as {
      reasons: Record<string, string>;
      files: Record<string, { pare: Record<string, string>; licensecheck: Record<string, string> }>;
    };
    const actual = await disagreements();
    const listed = Object.fromEntries(
      Object.entries(expected.files).map(([f, d]) => [
        f,
        { pare: Object.keys(d.pare).sort(), licensecheck: Object.keys(d.licensecheck).sort() },
      ]),
    );
    assert.deepEqual(actual, listed, 'a new disagreement (fix it or list it with a reason) or a fixed one (unlist it)');
    for (const [f, d] of Object.entries(expected.files))
      for (const reason of [...Object.values(d.pare), ...Object.values(d.licensecheck)])
        assert.ok(expected.reasons[reason], `${f}: unknown reason "${reason}"`);
  });
});
