/**
 * Writes the committed seed corpora (test/fuzz/corpus/TARGET/): small valid
 * inputs of every format, made with the same helpers the tests use, plus a
 * few real files (Debian's InRelease fixture, the archive keyring, APK test
 * vectors). Regenerate with `npm run build && node dist/test/fuzz/seeds.js`.
 */
import { gzipSync } from 'node:zlib';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeZip, makeWheel } from '../helpers/apps.js';
import { ar, compress, makeDeb, tar } from '../helpers/debfile.js';
import { makeApk, makeApkIndex, makeApkKey } from '../helpers/apk-repo.js';
import { createSigningKey } from '../helpers/gpg.js';
import { apkVectorsDir } from '../helpers/apk-vectors.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const OUT = path.join(ROOT, 'test/fuzz/corpus');
const PKG =
  'Package: hello\nVersion: 1:2.10-3+b1~bpo\nArchitecture: amd64\nDepends: libc6 (>= 2.34), foo | bar [amd64] <!nocheck>\nProvides: hi (= 1)\nSHA256: ' +
  'ab'.repeat(32) +
  '\nSize: 10\nFilename: pool/h/hello.deb\n';
const RELEASE = `Origin: Debian\nSuite: stable\nCodename: bookworm\nDate: Sat, 01 Jun 2024 00:00:00 UTC\nValid-Until: Sat, 08 Jun 2024 00:00:00 UTC\nArchitectures: amd64\nComponents: main\nSHA256:\n ${'cd'.repeat(32)} 1234 main/binary-amd64/Packages.xz\n`;
const digest = (c: string) => `sha256:${c.repeat(64)}`;

async function seeds(): Promise<Record<string, Array<string | Uint8Array>>> {
  const key = await createSigningKey({ type: 'ed25519', subkey: true });
  const rsa = await createSigningKey({ type: 'rsa2048' });
  const clear = await key.clearsign(RELEASE);
  const detached = await rsa.detachSign('data', { armor: false });
  const armoredDetached = await key.detachSign('data');
  const armoredKey = await key.exportPublic({ armor: true });
  const keyring = Buffer.concat([key.keyring, rsa.keyring]);
  await Promise.all([key.cleanup(), rsa.cleanup()]);
  const files = [
    { path: './usr/bin/hello', data: 'hi', mode: 0o755 },
    { path: './usr/lib/x'.padEnd(120, 'x'), data: 'long name: a PAX or GNU header' },
    { path: './usr/bin/hi', type: 'symlink' as const, target: 'hello' },
  ];
  const deb = (compression: 'gz' | 'xz' | 'zst' | 'none') =>
    makeDeb({ name: 'hello', version: '1.0', arch: 'amd64', files, compression, depends: 'libc6' });
  const apkKey = makeApkKey();
  const apk = makeApk(
    { name: 'hello', version: '1.0-r0', files: [{ path: 'usr/bin/hello', data: 'hi' }] },
    apkKey,
    'x86_64',
  );
  const wheel = makeWheel({
    name: 'fuzz',
    version: '1.0',
    files: [{ name: 'fuzz/__init__.py', data: 'x = 1\n' }],
    entryPoints: '[console_scripts]\nfz = fuzz:main\n',
  });
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digest('a'), size: 10 },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digest('b'), size: 20 }],
  };
  const index = {
    schemaVersion: 2,
    manifests: [
      {
        mediaType: manifest.mediaType,
        digest: digest('c'),
        size: 30,
        platform: { architecture: 'amd64', os: 'linux' },
      },
    ],
  };
  const vectors = apkVectorsDir();
  const plain = tar([{ path: './a', data: 'a' }]);
  return {
    'pgp-armor': [armoredKey, clear],
    'pgp-keyring': [
      keyring,
      readFileSync(path.join(ROOT, 'data/keyrings/debian-archive-bookworm-stable.gpg')),
      armoredKey,
    ],
    'pgp-cleartext': [clear, readFileSync(path.join(ROOT, 'test/fixtures/debian/bookworm-updates.InRelease'))],
    'pgp-detached': [detached, armoredDetached],
    deb822: [
      PKG,
      `${PKG}\n${PKG.replace('hello', 'world')}`,
      'Types: deb\nURIs: http://127.0.0.1/debian\nSuites: bookworm\nComponents: main\n',
    ],
    release: [RELEASE],
    'packages-index': [`${PKG}\n${PKG.replace('hello', 'hello2')}`],
    'apt-sources': [
      'Types: deb\nURIs: http://127.0.0.1/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /k.gpg\n',
      'deb [arch=amd64] http://127.0.0.1/debian bookworm main\n',
    ],
    'debian-version': ['1:2.10-3+b1\n1:2.10-3~bpo1', '0.9~rc1-1\n0.9-1', '2.36-9+deb12u4\n2.36-9+deb12u10'],
    relations: ['libc6 (>= 2.34), foo | bar [amd64 !i386] <!nocheck>, baz:any (<< 3)', 'a (= 1:1.0-1)'],
    ar: [
      ar([
        ['debian-binary', Buffer.from('2.0\n')],
        ['control.tar.gz', gzipSync(plain)],
      ]),
    ],
    deb: [await deb('gz'), await deb('zst'), await deb('none')],
    tar: [tar(files), plain],
    'decompress-gz': [compress(plain, 'gz')],
    'decompress-xz': [compress(plain, 'xz')],
    'decompress-zst': [compress(plain, 'zst')],
    'oci-json': [JSON.stringify(manifest), JSON.stringify(index)],
    'config-yaml': [
      readFileSync(path.join(ROOT, 'examples/base.yaml')),
      'contents:\n  repositories: ["bookworm main"]\n  packages: [a]\naccounts:\n  users: [{username: app, uid: 1000}]\n',
    ],
    apkindex: [
      'C:Q1' +
        'A'.repeat(27) +
        '=\nP:hello\nV:1.0-r0\nA:x86_64\nS:100\nI:200\nT:hi\nL:MIT\nD:so:libc.musl-x86_64.so.1 foo>=1 !bar\np:cmd:hello=1.0-r0\ni:baz\nk:10\n\n',
    ],
    'apkindex-archive': [
      makeApkIndex('P:hello\nV:1.0-r0\nA:x86_64\n\n', apkKey),
      readFileSync(path.join(vectors, 'rsa256-signed/APKINDEX.tar.gz')),
    ],
    apk: [apk.apk, readFileSync(path.join(vectors, 'alpine-316/alpine-baselayout-3.2.0-r23.apk'))],
    'apk-version-depend': ['1.2.3_rc1-r0\n1.2.3-r1\nso:libc.musl-x86_64.so.1 foo>=1 !bar python-3.12~3.12'],
    'apk-pkginfo-db': [
      'pkgname = hello\npkgver = 1.0-r0\ndatahash = ' + 'ab'.repeat(32) + '\ndepend = libc\n',
      readFileSync(path.join(vectors, 'installed/wolfi-base')),
    ],
    zip: [
      makeZip([
        { name: 'a.txt', data: 'a' },
        { name: 'dir/b', data: 'b'.repeat(100), mode: 0o755 },
      ]),
    ],
    wheel: [wheel.bytes],
    'npm-lockfile': [
      JSON.stringify({
        name: 'app',
        lockfileVersion: 3,
        packages: {
          '': { name: 'app' },
          'node_modules/a': {
            version: '1.0.0',
            resolved: 'http://127.0.0.1/a.tgz',
            integrity: 'sha512-' + 'A'.repeat(86) + '==',
            bin: { a: 'cli.js' },
          },
        },
      }),
    ],
    'npm-package-json': [JSON.stringify({ name: 'app', version: '1.0.0', license: 'MIT' })],
    requirements: [
      '--index-url http://127.0.0.1/simple\nfoo==1.0 --hash=sha256:' +
        'ab'.repeat(32) +
        ' ; python_version >= "3"\nbar[x]==2.0 \\\n  --hash=sha256:' +
        'cd'.repeat(32) +
        '\n',
    ],
    pylock: [
      `lock-version = "1.0"\ncreated-by = "x"\n[[packages]]\nname = "foo"\nversion = "1.0"\n[[packages.wheels]]\nurl = "http://127.0.0.1/foo-1.0-py3-none-any.whl"\nhashes = { sha256 = "${'ab'.repeat(32)}" }\n`,
    ],
    'pypi-simple': [
      JSON.stringify({
        files: [{ filename: 'foo-1.0-py3-none-any.whl', url: 'foo.whl', hashes: { sha256: 'ab'.repeat(32) } }],
      }),
      '<html><a href="foo-1.0.tar.gz#sha256=' + 'ab'.repeat(32) + '">foo</a></html>',
    ],
    'go-buildinfo': [goBinary()],
    jar: [
      makeZip([
        { name: 'META-INF/maven/g/a/pom.properties', data: 'groupId=g\nartifactId=a\nversion=1.0\n' },
        {
          name: 'META-INF/maven/g/a/pom.xml',
          data: '<project><licenses><license><name>MIT</name></license></licenses></project>',
        },
      ]),
    ],
    'maven-settings': [
      '<settings><mirrors><mirror><id>m</id><mirrorOf>central,!x</mirrorOf><url>${env.HOME}/repo</url></mirror></mirrors></settings>',
    ],
    'cosign-key': [
      '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOnsibmFtZSI6InNjcnlwdCIsInBhcmFtcyI6eyJOIjozMjc2OCwiciI6OCwicCI6MX0sInNhbHQiOiJBQUFBIn0sImNpcGhlciI6eyJuYW1lIjoibmFjbC9zZWNyZXRib3giLCJub25jZSI6IkFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUEifSwiY2lwaGVydGV4dCI6IkFBQUEifQ==\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n',
    ],
  };
}

/** A minimal ELF-looking file with Go build info (magic at a 16-byte boundary, inline strings). */
function goBinary(): Buffer {
  const varstr = (s: string) => Buffer.concat([Buffer.from([Buffer.byteLength(s)]), Buffer.from(s)]);
  const mod =
    '0'.repeat(16) +
    'path\texample.com/app\nmod\texample.com/app\t(devel)\t\ndep\tgolang.org/x/sys\tv0.1.0\th1:abc=\nbuild\tCGO_ENABLED=0\n' +
    '\n'.padStart(16, '1').slice(0, 16);
  const head = Buffer.alloc(64);
  head.write('\x7fELF', 0, 'latin1');
  const info = Buffer.concat([Buffer.from('\xff Go buildinf:', 'latin1'), Buffer.from([8, 2]), Buffer.alloc(16)]);
  return Buffer.concat([head, info, varstr('go1.22.0'), varstr(mod)]);
}

const all = await seeds();
rmSync(OUT, { recursive: true, force: true });
for (const [target, inputs] of Object.entries(all)) {
  mkdirSync(path.join(OUT, target), { recursive: true });
  inputs.forEach((s, i) => writeFileSync(path.join(OUT, target, `seed-${i}`), s));
}
console.log(`wrote ${Object.values(all).flat().length} seeds for ${Object.keys(all).length} targets to ${OUT}`);
