/**
 * Fuzz targets: every parser of input an attacker on the network or in a
 * repository controls, each a function of raw bytes. The property checked
 * by the fuzzer (engine.ts) and by the corpus replay (replay.test.ts): a run
 * returns or throws a PareError, never anything else, never hangs, never
 * allocates without bound. Seed corpora live in test/fuzz/corpus/NAME/,
 * findings (kept as regression inputs) in test/fuzz/findings/NAME/.
 */
import { parseConfig } from '../../src/config/parse.js';
import { readGoBuildInfo } from '../../src/ecosystems/go/buildinfo.js';
import { jarComponents } from '../../src/ecosystems/maven/jar.js';
import { parseMirrors } from '../../src/ecosystems/maven/settings.js';
import { npmPlatform, parsePackageLock } from '../../src/ecosystems/npm/lockfile.js';
import { packageJsonComponents } from '../../src/ecosystems/npm/package-json.js';
import { parsePylock } from '../../src/ecosystems/python/pylock.js';
import { parseRequirements } from '../../src/ecosystems/python/requirements.js';
import { parseProjectPage } from '../../src/ecosystems/python/simple.js';
import { installWheel } from '../../src/ecosystems/python/wheel.js';
import { parseImageIndex, parseImageManifest } from '../../src/oci/image-json.js';
import { readApk } from '../../src/sources/apk/apk-file.js';
import { parseApkIndex } from '../../src/sources/apk/apkindex.js';
import { parseApkDeps } from '../../src/sources/apk/depend.js';
import { readApkIndexArchive } from '../../src/sources/apk/index-archive.js';
import { parseInstalledDb } from '../../src/sources/apk/installed-db.js';
import { parsePkgInfo } from '../../src/sources/apk/pkginfo.js';
import { compareApkVersions, isValidApkVersion } from '../../src/sources/apk/version.js';
import { parseDeb822Sources, parseOneLineSources } from '../../src/sources/debian/apt-sources.js';
import { readAr } from '../../src/sources/debian/ar.js';
import { readDeb } from '../../src/sources/debian/deb.js';
import { parseDeb822 } from '../../src/sources/debian/deb822.js';
import { dearmor, parseKeyring, verifyCleartext, verifyDetached } from '../../src/sources/debian/openpgp/index.js';
import { parsePackagesIndex } from '../../src/sources/debian/packages-index.js';
import { parseRelations } from '../../src/sources/debian/relations.js';
import { parseRelease } from '../../src/sources/debian/release.js';
import { compareVersions, parseVersion } from '../../src/sources/debian/version.js';
import { decryptPrivateKey } from '../../src/supply/sign/encrypted-key.js';
import { readTar } from '../../src/tree/tar-read.js';
import { decompress, type Compression } from '../../src/util/decompress.js';
import { readZip } from '../../src/util/zip.js';

export interface FuzzTarget {
  name: string;
  run(data: Buffer): unknown;
  /** Words the mutator inserts (field names, magic numbers). */
  dict?: string[];
}

const text = (d: Buffer) => d.toString('utf8');
const EMPTY_KEYRING = parseKeyring(new Uint8Array(0));
const PGP = ['-----BEGIN PGP SIGNATURE-----', '-----END PGP SIGNATURE-----', '\n=', 'Hash: SHA256\n', '- '];
const DEB822 = ['Package: ', 'Version: ', 'Depends: ', 'Provides: ', 'SHA256:', 'Size: ', '\n\n', '\n ', ' | '];

export const TARGETS: FuzzTarget[] = [
  { name: 'pgp-armor', run: (d) => dearmor(d.toString('latin1')), dict: PGP },
  { name: 'pgp-keyring', run: (d) => parseKeyring(d), dict: ['\x99', '\xb4', '\xc2'] },
  {
    name: 'pgp-cleartext',
    run: (d) => verifyCleartext(d, EMPTY_KEYRING),
    dict: [...PGP, '-----BEGIN PGP SIGNED MESSAGE-----'],
  },
  { name: 'pgp-detached', run: (d) => verifyDetached(Buffer.from('data'), d, EMPTY_KEYRING) },
  { name: 'deb822', run: (d) => parseDeb822(text(d), 'fuzz'), dict: DEB822 },
  { name: 'release', run: (d) => parseRelease(text(d), 'Release'), dict: [...DEB822, 'Valid-Until: ', 'Date: '] },
  { name: 'packages-index', run: (d) => parsePackagesIndex(d, 'Packages'), dict: DEB822 },
  { name: 'apt-sources', run: (d) => [parseDeb822Sources(text(d), 's'), parseOneLineSources(text(d), 'l')] },
  {
    name: 'debian-version',
    run: (d) => {
      const [a = '', b = ''] = text(d).split('\n');
      parseVersion(a);
      return compareVersions(a, b);
    },
    dict: ['~', ':', '-', '+', '.'],
  },
  { name: 'relations', run: (d) => parseRelations(text(d)), dict: [' | ', ', ', '(>= ', ')', ' [', ']', ' <', '>'] },
  { name: 'ar', run: (d) => readAr(d, 'fuzz.deb'), dict: ['!<arch>\n', 'debian-binary', 'data.tar.xz/'] },
  { name: 'deb', run: (d) => readDeb(d, 'fuzz.deb'), dict: ['!<arch>\n', 'control.tar.gz', 'data.tar'] },
  { name: 'tar', run: (d) => readTar(d, 'fuzz.tar'), dict: ['ustar\x0000', 'ustar  \x00', '././@LongLink', ' path='] },
  ...(['gz', 'xz', 'zst'] as Compression[]).map((kind): FuzzTarget => ({
    name: `decompress-${kind}`,
    run: (d) => decompress(d, kind, `fuzz.${kind}`),
  })),
  {
    name: 'oci-json',
    run: (d) => {
      try {
        parseImageIndex(d, 'fuzz index');
      } finally {
        parseImageManifest(d, 'fuzz manifest');
      }
    },
    dict: ['"manifests":', '"layers":', '"config":', '"digest":', '"size":', '"mediaType":', 'null', '[]', '{}'],
  },
  {
    name: 'config-yaml',
    run: (d) => parseConfig(text(d), '/fuzz/pare.yaml'),
    dict: ['contents:', '  packages: ', '- '],
  },
  { name: 'apkindex', run: (d) => parseApkIndex(text(d), 'APKINDEX'), dict: ['P:', 'V:', 'D:', 'p:', 'C:Q1', '\n\n'] },
  { name: 'apkindex-archive', run: (d) => readApkIndexArchive(d, 'APKINDEX.tar.gz') },
  { name: 'apk', run: (d) => readApk(d, 'fuzz.apk'), dict: ['.PKGINFO', 'datahash = ', '.SIGN.RSA.'] },
  {
    name: 'apk-version-depend',
    run: (d) => {
      const [a = '', b = '', deps = ''] = text(d).split('\n');
      isValidApkVersion(a);
      compareApkVersions(a, b, true);
      return parseApkDeps(deps);
    },
  },
  { name: 'apk-pkginfo-db', run: (d) => [parsePkgInfo(text(d)), parseInstalledDb(text(d))] },
  { name: 'zip', run: (d) => readZip(d, 'fuzz.zip'), dict: ['PK\x03\x04', 'PK\x01\x02', 'PK\x05\x06'] },
  {
    name: 'wheel',
    run: (d) =>
      installWheel(d, 'fuzz-1.0-py3-none-any.whl', {
        site: 'usr/lib/python3/dist-packages',
        scripts: 'usr/bin',
        headers: 'usr/include',
        data: 'usr',
        python: '/usr/bin/python3',
      }),
    dict: ['fuzz-1.0.dist-info/RECORD', 'fuzz-1.0.dist-info/WHEEL', 'sha256='],
  },
  { name: 'npm-lockfile', run: (d) => parsePackageLock(text(d), 'package-lock.json', npmPlatform('amd64')) },
  { name: 'npm-package-json', run: (d) => packageJsonComponents('/app/package.json', d) },
  { name: 'requirements', run: (d) => parseRequirements(text(d), 'requirements.txt'), dict: ['==', ' --hash=sha256:'] },
  { name: 'pylock', run: (d) => parsePylock(text(d), 'pylock.toml'), dict: ['[[packages]]', 'sha256 = '] },
  {
    name: 'pypi-simple',
    run: (d) => [
      parseProjectPage(d, 'application/vnd.pypi.simple.v1+json', 'http://127.0.0.1/simple/x/'),
      parseProjectPage(d, 'text/html', 'http://127.0.0.1/simple/x/'),
    ],
  },
  { name: 'go-buildinfo', run: (d) => readGoBuildInfo(d), dict: ['\xff Go buildinf:', 'path\t', 'mod\t', 'dep\t'] },
  { name: 'jar', run: (d) => jarComponents('/app/app.jar', d), dict: ['META-INF/maven/', 'pom.properties'] },
  { name: 'maven-settings', run: (d) => parseMirrors(text(d), {}, '/root'), dict: ['<mirror>', '<mirrorOf>'] },
  {
    name: 'cosign-key',
    run: (d) => decryptPrivateKey(text(d), 'password', 'fuzz.key'),
    dict: ['"N":32768', '"N":65536', '"r":8', '"p":1'],
  },
];

export function targetNamed(name: string): FuzzTarget {
  const t = TARGETS.find((x) => x.name === name);
  if (!t) throw new Error(`no fuzz target ${name} (have: ${TARGETS.map((x) => x.name).join(', ')})`);
  return t;
}
