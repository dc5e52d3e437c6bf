/**
 * SBOM model and writers: DEP-5 licenses → SPDX, purls, name-based UUIDs,
 * and SPDX 2.3 / CycloneDX 1.6 documents validated against the official
 * JSON Schemas (test/fixtures/schemas, unchanged copies), byte-determinism,
 * and the purity boundary of the format code.
 */
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../helpers/cli.js';
import { DEP5, schemaValidators } from './sbom-fixtures.js';
import { copyrightLicense, toSpdxExpression } from '../../src/supply/sbom/licenses.js';
import { debPurl, ociPurl, uuidV5, type SbomModel } from '../../src/supply/sbom/model.js';
import { modelFromFiles, parseOsRelease } from '../../src/supply/sbom/from-files.js';
import { makeRecord, recordEntries } from '../../src/supply/sbom/record.js';
import { writeSpdx } from '../../src/supply/sbom/spdx.js';
import { writeCyclonedx } from '../../src/supply/sbom/cyclonedx.js';
import type { TreeEntry } from '../../src/tree/types.js';

const enc = new TextEncoder();
const file = (path: string, text: string): TreeEntry => ({
  path,
  type: 'file',
  mode: 0o644,
  uid: 0,
  gid: 0,
  data: enc.encode(text),
});

function sampleEntries(): TreeEntry[] {
  const status = (name: string, extra: string) =>
    file(`var/lib/dpkg/status.d/${name}`, `Package: ${name}\nStatus: install ok installed\n${extra}`);
  return [
    file('usr/lib/os-release', 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n'),
    { path: 'etc/os-release', type: 'symlink', mode: 0o777, uid: 0, gid: 0, target: '../usr/lib/os-release' },
    status(
      'libc6',
      'Version: 2.36-9+deb12u4\nArchitecture: amd64\nMaintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>\nSource: glibc\n',
    ),
    status(
      'libfoo1',
      'Version: 1:1.2-3\nArchitecture: amd64\nMaintainer: Jane Doe <jane@example.invalid>\nSource: foo (1.2-3)\nDepends: libc6 (>= 2.34), mta | libnope\nProvides: foo-api\n',
    ),
    status('tiny-mta', 'Version: 1.0\nArchitecture: all\nProvides: mta\nPre-Depends: libc6\n'),
    file('var/lib/dpkg/status.d/libc6.md5sums', 'x  usr/lib/libc.so\n'),
    file('usr/share/doc/libfoo1/copyright', DEP5),
    file('usr/share/doc/libc6/copyright', 'This is free-form text, GPL somewhere.\n'),
    file('app/server', 'binary'),
    ...recordEntries(
      makeRecord(
        [
          {
            name: 'libfoo1',
            version: '1:1.2-3',
            architecture: 'amd64',
            sha256: 'a'.repeat(64),
            filename: 'pool/main/f/foo/libfoo1_1.2-3_amd64.deb',
          },
        ],
        ['app/server'],
      ),
    ),
  ];
}

function sampleModel(): SbomModel {
  return modelFromFiles({
    entries: sampleEntries(),
    image: { name: 'pare/demo:latest', digest: `sha256:${'b'.repeat(64)}`, arch: 'amd64', created: 1_700_000_000 },
    tool: { name: 'pare', version: '0.0.0-test' },
  });
}

describe('licenses from machine-readable copyright files', () => {
  it('maps the License short names of Files paragraphs to one SPDX expression', () => {
    const l = copyrightLicense(DEP5);
    assert.equal(
      l.expression,
      'GPL-2.0-or-later AND (LGPL-2.1-or-later OR BSD-3-Clause) AND LicenseRef-Demo-Permissive AND MIT',
    );
    assert.deepEqual(l.refs, [
      {
        id: 'LicenseRef-Demo-Permissive',
        name: 'Demo-Permissive',
        text: 'Permission is granted to do anything.\n\nNo warranty.',
      },
    ]);
  });
  it('gives NOASSERTION for free-form copyright files and missing ones', () => {
    assert.equal(copyrightLicense('Copyright 1999 someone. GPL.\n').expression, 'NOASSERTION');
    assert.equal(copyrightLicense(undefined).expression, 'NOASSERTION');
    assert.equal(
      copyrightLicense('Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n').expression,
      'NOASSERTION',
    );
  });
  it('handles exceptions, and/or precedence and unknown names', () => {
    const refs = new Map();
    assert.equal(
      toSpdxExpression('GPL-3+ with GCC-exception-3.1 exception', refs, new Map()),
      'GPL-3.0-or-later WITH GCC-exception-3.1',
    );
    assert.equal(toSpdxExpression('GPL-2+ or Artistic', refs, new Map()), 'GPL-2.0-or-later OR Artistic-1.0-Perl');
    assert.equal(
      toSpdxExpression('Zlib and MPL-2.0 or Apache-2.0', refs, new Map()),
      '(Zlib AND MPL-2.0) OR Apache-2.0',
    );
    assert.equal(toSpdxExpression('public-domain', refs, new Map()), 'LicenseRef-public-domain');
    assert.equal(
      toSpdxExpression('GPL-2+ with OpenSSL exception', refs, new Map()),
      'LicenseRef-GPL-2-with-OpenSSL-exception',
    );
  });
});

describe('identifiers', () => {
  it("the OS version is Debian's point release from /etc/debian_version, as syft reads it (issue 15)", () => {
    const osRelease = 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n';
    assert.deepEqual(parseOsRelease(osRelease, '12.5\n'), { name: 'debian', version: '12.5', codename: 'bookworm' });
    assert.equal(
      debPurl('a', '1', 'all', parseOsRelease(osRelease, '12.5\n')),
      'pkg:deb/debian/a@1?arch=all&distro=debian-12.5',
    );
    // testing/unstable have no number there: VERSION_ID, else the codename
    assert.equal(parseOsRelease(osRelease, 'trixie/sid\n').version, '12');
    assert.equal(parseOsRelease('ID=debian\nVERSION_CODENAME=trixie\n', 'trixie/sid\n').version, undefined);
    assert.equal(parseOsRelease(undefined, '11.9\n').version, '11.9');
    // only Debian's file counts: a derivative keeps its own VERSION_ID
    assert.equal(parseOsRelease('ID=ubuntu\nVERSION_ID="24.04"\n', 'trixie/sid\n').version, '24.04');
  });

  it('purls: pkg:deb/debian/NAME@VERSION?arch=ARCH&distro=debian-12, epoch encoded', () => {
    const os = { name: 'debian', version: '12' };
    assert.equal(
      debPurl('libc6', '2.36-9+deb12u4', 'amd64', os),
      'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12',
    );
    assert.equal(
      debPurl('libfoo1', '1:1.2-3', 'all', os),
      'pkg:deb/debian/libfoo1@1%3A1.2-3?arch=all&distro=debian-12',
    );
    assert.equal(
      ociPurl({ name: 'pare/demo:1.0', digest: 'sha256:ab', arch: 'arm64', created: 0 }),
      'pkg:oci/demo@sha256%3Aab?arch=arm64&repository_url=pare/demo&tag=1.0',
    );
  });
  it('uuidV5 matches the RFC 9562 example (DNS namespace, www.example.com)', () => {
    assert.equal(
      uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'),
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });
});

describe('SBOM documents', () => {
  it('builds the model from status.d, copyright, os-release and the contents record', () => {
    const m = sampleModel();
    assert.deepEqual(m.os, { name: 'debian', version: '12', codename: 'bookworm' });
    assert.deepEqual(
      m.packages.map((p) => [p.name, p.version, p.source.name, p.source.version, p.dependencies.join(',')]),
      [
        ['libc6', '2.36-9+deb12u4', 'glibc', '2.36-9+deb12u4', ''],
        ['libfoo1', '1:1.2-3', 'foo', '1.2-3', 'libc6,tiny-mta'],
        ['tiny-mta', '1.0', 'tiny-mta', '1.0', 'libc6'],
      ],
    );
    assert.equal(m.packages[1]!.sha256, 'a'.repeat(64));
    assert.equal(m.packages[0]!.sha256, undefined);
    assert.equal(m.packages[0]!.license, 'NOASSERTION');
    assert.deepEqual(
      m.files.map((f) => f.path),
      ['/app/server'],
    );
  });

  it('SPDX 2.3 validates against the official schema and has the relationships', async () => {
    const { spdx } = await schemaValidators();
    const doc = JSON.parse(writeSpdx(sampleModel()).toString()) as Record<string, any>;
    assert.ok(spdx(doc), JSON.stringify(spdx.errors, null, 1));
    assert.equal(doc.creationInfo.created, '2023-11-14T22:13:20Z');
    assert.match(doc.documentNamespace, /^urn:uuid:[0-9a-f-]{36}$/);
    const rel = (doc.relationships as any[]).map(
      (r) => `${r.spdxElementId} ${r.relationshipType} ${r.relatedSpdxElement}`,
    );
    assert.ok(rel.includes('SPDXRef-DOCUMENT DESCRIBES SPDXRef-Image'));
    assert.ok(rel.includes('SPDXRef-Image CONTAINS SPDXRef-Package-deb-libfoo1-amd64'));
    assert.ok(rel.includes('SPDXRef-Package-deb-libfoo1-amd64 DEPENDS_ON SPDXRef-Package-deb-tiny-mta-all'));
    assert.ok(rel.some((r) => r.startsWith('SPDXRef-Image CONTAINS SPDXRef-File-')));
    const foo = (doc.packages as any[]).find((p) => p.name === 'libfoo1');
    assert.equal(foo.supplier, 'Person: Jane Doe (jane@example.invalid)');
    assert.deepEqual(foo.checksums, [{ algorithm: 'SHA256', checksumValue: 'a'.repeat(64) }]);
    assert.equal(doc.hasExtractedLicensingInfos[0].licenseId, 'LicenseRef-Demo-Permissive');
  });

  it('CycloneDX 1.6 validates against the official schema (with spdx and jsf by $id)', async () => {
    const { cyclonedx } = await schemaValidators();
    const bom = JSON.parse(writeCyclonedx(sampleModel()).toString()) as Record<string, any>;
    assert.ok(cyclonedx(bom), JSON.stringify(cyclonedx.errors, null, 1));
    assert.equal(bom.metadata.component.type, 'container');
    assert.match(bom.serialNumber, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const foo = (bom.components as any[]).find((c) => c.name === 'libfoo1');
    assert.equal(foo['bom-ref'], 'pkg:deb/debian/libfoo1@1%3A1.2-3?arch=amd64&distro=debian-12');
    assert.deepEqual(foo.hashes, [{ alg: 'SHA-256', content: 'a'.repeat(64) }]);
    assert.ok((foo.properties as any[]).some((p) => p.name === 'pare:deb:source' && p.value === 'foo'));
    const dep = (bom.dependencies as any[]).find((d) => d.ref === foo['bom-ref']);
    assert.deepEqual(dep.dependsOn, [
      'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12',
      'pkg:deb/debian/tiny-mta@1.0?arch=all&distro=debian-12',
    ]);
  });

  it('concluded licenses with how they were found: free text, and a doc directory shared within a source', async () => {
    const lgpl =
      'The GNU C Library is free software; you can redistribute it and/or modify it under the terms of the GNU Lesser General Public License as published by the Free Software Foundation; either version 2.1 of the License, or (at your option) any later version.\n';
    const entries = sampleEntries().map((e) => (e.path === 'usr/share/doc/libc6/copyright' ? file(e.path, lgpl) : e));
    entries.push(
      file(
        'var/lib/dpkg/status.d/libc-bin',
        'Package: libc-bin\nVersion: 2.36-9+deb12u4\nArchitecture: amd64\nSource: glibc\nDepends: libc6\n',
      ),
    );
    const m = modelFromFiles({ ...{ image: sampleModel().image, tool: sampleModel().tool }, entries });
    const bin = m.packages.find((p) => p.name === 'libc-bin')!;
    assert.equal(bin.license, 'NOASSERTION');
    assert.equal(bin.licenseConcluded, 'LGPL-2.1-or-later');
    assert.match(bin.licenseComment!, /copyright of libc6, built from the same source glibc/);
    const { spdx, cyclonedx } = await schemaValidators();
    const doc = JSON.parse(writeSpdx(m).toString()) as Record<string, any>;
    assert.ok(spdx(doc), JSON.stringify(spdx.errors, null, 1));
    const libc = (doc.packages as any[]).find((p) => p.name === 'libc6');
    assert.equal(libc.licenseConcluded, 'LGPL-2.1-or-later');
    assert.equal(libc.licenseDeclared, 'NOASSERTION');
    assert.match(libc.licenseComments, /LGPL-2\.1-or-later \(license notice\)/);
    const bom = JSON.parse(writeCyclonedx(m).toString()) as Record<string, any>;
    assert.ok(cyclonedx(bom), JSON.stringify(cyclonedx.errors, null, 1));
    const c = (bom.components as any[]).find((x) => x.name === 'libc6');
    assert.deepEqual(c.licenses, [{ expression: 'LGPL-2.1-or-later', acknowledgement: 'concluded' }]);
    assert.ok((c.properties as any[]).some((p) => p.name === 'pare:license:method'));
    const foo = (bom.components as any[]).find((x) => x.name === 'libfoo1');
    assert.equal(foo.licenses[0].acknowledgement, 'concluded');
    assert.ok((foo.properties as any[]).some((p) => p.name === 'pare:license:declared'));
  });

  it('same inputs give byte-identical documents; another digest gives another serial', () => {
    assert.deepEqual(writeSpdx(sampleModel()), writeSpdx(sampleModel()));
    assert.deepEqual(writeCyclonedx(sampleModel()), writeCyclonedx(sampleModel()));
    const other = { ...sampleModel(), image: { ...sampleModel().image, digest: `sha256:${'c'.repeat(64)}` } };
    assert.notEqual(
      JSON.parse(writeCyclonedx(other).toString()).serialNumber,
      JSON.parse(writeCyclonedx(sampleModel()).toString()).serialNumber,
    );
  });

  it('the format code never touches the disk or the network', async () => {
    const dir = join(REPO_ROOT, 'src/supply/sbom');
    const pure = ['model.ts', 'licenses.ts', 'record.ts', 'from-files.ts', 'spdx.ts', 'cyclonedx.ts'];
    assert.ok((await readdir(dir)).includes('spdx.ts'));
    pure.push(...(await readdir(join(dir, 'licenses'))).map((f) => `licenses/${f}`));
    for (const f of pure) {
      const text = await readFile(join(dir, f), 'utf8');
      assert.doesNotMatch(text, /from 'node:(fs|net|http|https)(\/promises)?'|\bfetch\(/, f);
    }
  });
});
