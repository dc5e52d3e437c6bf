/** Go build info from an ELF and Maven coordinates from a JAR, as SBOM components. Pure. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goComponents, readGoBuildInfo } from '../../src/ecosystems/go/buildinfo.js';
import { jarComponents } from '../../src/ecosystems/maven/jar.js';
import { scanFile } from '../../src/ecosystems/scan.js';
import { makeZip } from '../helpers/apps.js';

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) (out.push((n & 0x7f) | 0x80), (n = Math.floor(n / 128)));
  out.push(n);
  return Buffer.from(out);
}

/** A minimal ELF whose data holds a Go 1.18+ build info blob at a 16-byte boundary. */
export function fakeGoBinary(modinfo: string, goVersion = 'go1.22.1'): Buffer {
  const sentinel = Buffer.alloc(16, 0x30);
  const mod = Buffer.concat([sentinel, Buffer.from(modinfo), Buffer.from('\n'), sentinel]);
  const header = Buffer.alloc(32);
  Buffer.from('\xff Go buildinf:', 'latin1').copy(header);
  header[14] = 8;
  header[15] = 2;
  const v = Buffer.from(goVersion);
  const elf = Buffer.alloc(64);
  Buffer.from('\x7fELF', 'latin1').copy(elf);
  return Buffer.concat([elf, Buffer.alloc(64), header, varint(v.length), v, varint(mod.length), mod, Buffer.alloc(32)]);
}

describe('Go build info', () => {
  const modinfo = [
    'path\texample.com/hello',
    'mod\texample.com/hello\t(devel)\t',
    'dep\tgithub.com/google/uuid\tv1.6.0\th1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=',
    'dep\tgolang.org/x/text\tv0.3.0\th1:old=',
    '=>\tgolang.org/x/text\tv0.14.0\th1:new=',
    'build\t-compiler=gc',
    'build\tGOARCH=amd64',
  ].join('\n');

  it('reads the Go version, main module, dependencies (with replacements) and build settings', () => {
    const info = readGoBuildInfo(fakeGoBinary(modinfo))!;
    assert.equal(info.goVersion, 'go1.22.1');
    assert.equal(info.path, 'example.com/hello');
    assert.deepEqual(
      info.deps.map((d) => `${d.path}@${d.version}`),
      ['github.com/google/uuid@v1.6.0', 'golang.org/x/text@v0.14.0'],
    );
    assert.deepEqual(info.settings, [
      ['-compiler', 'gc'],
      ['GOARCH', 'amd64'],
    ]);
    assert.equal(readGoBuildInfo(Buffer.from('\x7fELF not go'.padEnd(100, '\0'))), undefined);
  });

  it('gives pkg:golang components with their h1: sums', () => {
    const c = goComponents('usr/bin/hello', fakeGoBinary(modinfo));
    assert.deepEqual(
      c.map((x) => x.purl),
      [
        'pkg:golang/example.com/hello',
        'pkg:golang/github.com/google/uuid@v1.6.0',
        'pkg:golang/golang.org/x/text@v0.14.0',
        'pkg:golang/stdlib@1.22.1',
      ],
    );
    assert.deepEqual(c[1]!.properties, [['pare:go:sum', 'h1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=']]);
    assert.deepEqual(c[0]!.properties, [
      ['pare:go:version', 'go1.22.1'],
      ['pare:go:package', 'example.com/hello'],
      ['pare:go:build:-compiler', 'gc'],
      ['pare:go:build:GOARCH', 'amd64'],
    ]);
  });
});

describe('JAR coordinates', () => {
  const pom = (g: string, a: string, v: string, lic?: string) =>
    makeZip([
      { name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\n' },
      {
        name: `META-INF/maven/${g}/${a}/pom.properties`,
        data: `#Generated\ngroupId=${g}\nartifactId=${a}\nversion=${v}\n`,
      },
      ...(lic
        ? [
            {
              name: `META-INF/maven/${g}/${a}/pom.xml`,
              data: `<project><licenses><license><name>${lic}</name></license></licenses></project>`,
            },
          ]
        : []),
    ]);

  it('reads pom.properties (and a nested lib JAR) as pkg:maven with licence and sha256', () => {
    const lib = pom('org.example', 'lib', '2.0', 'The Apache Software License, Version 2.0');
    const app = makeZip([
      { name: 'META-INF/maven/com.acme/app/pom.properties', data: 'groupId=com.acme\nartifactId=app\nversion=1.0.0\n' },
      { name: 'BOOT-INF/lib/lib-2.0.jar', data: lib },
    ]);
    const c = jarComponents('app/app.jar', app);
    assert.deepEqual(
      c.map((x) => [x.purl, x.license, x.path]),
      [
        ['pkg:maven/com.acme/app@1.0.0', 'NOASSERTION', 'app/app.jar'],
        ['pkg:maven/org.example/lib@2.0', 'Apache-2.0', 'app/app.jar!/BOOT-INF/lib/lib-2.0.jar'],
      ],
    );
    assert.match(c[0]!.sha256!, /^[0-9a-f]{64}$/);
    assert.deepEqual(scanFile('x/notes.txt', Buffer.from('PK nope')), []);
    assert.deepEqual(scanFile('x/broken.jar', Buffer.from('PK\x03\x04 broken')), []);
  });
});

describe('package.json added with paths', () => {
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));

  it('reports the npm package it names, as syft does (issue 15); anything else reports nothing', () => {
    const c = scanFile('app/package.json', json({ name: '@acme/server', version: '1.2.0', license: 'MIT' }));
    assert.deepEqual(
      c.map((x) => [x.ecosystem, x.purl, x.license, x.path]),
      [['npm', 'pkg:npm/%40acme/server@1.2.0', 'MIT', 'app/package.json']],
    );
    assert.equal(scanFile('package.json', json({ name: 'top', version: '0.1.0' }))[0]!.license, 'NOASSERTION');
    for (const [path, data] of [
      ['app/package.json', json({ name: 'no-version' })],
      ['app/package.json', json({ version: '1.0.0' })],
      ['app/package.json', json(['a', 'b'])],
      ['app/package.json', Buffer.from('{ not json')],
      ['app/other.json', json({ name: 'x', version: '1.0.0' })],
    ] as const)
      assert.deepEqual(scanFile(path, data), [], `${path}: ${data.toString()}`);
  });
});
