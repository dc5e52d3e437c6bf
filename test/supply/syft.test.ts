/**
 * syft (the scanner behind Grype) finds exactly the packages pare installed:
 * on a pare-built image from a hermetic fixture repository — versions with an
 * epoch, a tilde and a +, an Architecture: all package, a binary package built
 * from a differently named source — the Debian packages syft catalogs from
 * /var/lib/dpkg/status.d equal pare's lock, its SPDX and CycloneDX SBOMs, by
 * name, version, architecture and source. The catalog images are compared in
 * test/e2e/catalog.test.ts with the same helper.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { pare } from '../helpers/cli.js';
import { startFixtureRepo, type FixtureRepo } from '../helpers/repo.js';
import { comparePackages, syftPackages, type PackageSets } from '../helpers/syft.js';
import { tempDirs } from '../helpers/tmp.js';

const tempDir = tempDirs('pare-syft-');
let repo: FixtureRepo;
let sets: PackageSets;
before(async () => {
  const tmp = await tempDir();
  const osRelease =
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n';
  repo = await startFixtureRepo({
    suites: {
      stable: [
        {
          name: 'base-files',
          version: '12.4+deb12u5',
          files: [
            { path: './usr/lib/os-release', data: osRelease },
            { path: './etc/os-release', type: 'symlink', target: '../usr/lib/os-release' },
            { path: './etc/debian_version', data: '12.5\n' },
          ],
        },
        {
          name: 'hello',
          version: '1.0~rc1-1',
          depends: 'libhello2 (>= 2:1.2), hello-data',
          control: { Source: 'hello-src (1.0~rc1-1)' },
          files: [{ path: './usr/bin/hello', data: 'hi', mode: 0o755 }],
        },
        {
          name: 'libhello2',
          version: '2:1.2.3-4',
          control: { Source: 'libhello' },
          files: [{ path: './usr/lib/x86_64-linux-gnu/libhello.so.2', data: 'lib' }],
        },
        {
          name: 'hello-data',
          version: '0.5+git20240101-2',
          arch: 'all',
          files: [{ path: './usr/share/hello/data.txt', data: 'data' }],
        },
      ],
    },
  });
  const config = path.join(tmp, 'pare.yaml');
  await writeFile(
    config,
    `contents:\n  repositories:\n    - url: ${repo.url}\n      suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: [base-files, hello]\nentrypoint:\n  command: /usr/bin/hello\n`,
  );
  const cache = path.join(tmp, 'cache');
  const lock = await pare(['lock', config, '--cache-dir', cache, '-q']);
  assert.equal(lock.code, 0, lock.stderr);
  const layout = path.join(tmp, 'image');
  const b = await pare(['build', config, '-o', layout, '--locked', '--cache-dir', cache, '-q']);
  assert.equal(b.code, 0, b.stderr);
  sets = {
    syft: await syftPackages(layout),
    lock: JSON.parse(await readFile(path.join(tmp, 'pare.lock.json'), 'utf8')),
    spdx: JSON.parse(await readFile(`${layout}.spdx.json`, 'utf8')),
    cyclonedx: JSON.parse(await readFile(`${layout}.cdx.json`, 'utf8')),
  };
});
after(() => repo?.close());

it('syft finds the four installed packages, with the versions pare installed', () => {
  assert.deepEqual(
    sets.syft.map((p) => `${p.name} ${p.version} ${p.arch}`),
    [
      'base-files 12.4+deb12u5 amd64',
      'hello 1.0~rc1-1 amd64',
      'hello-data 0.5+git20240101-2 all',
      'libhello2 2:1.2.3-4 amd64',
    ],
  );
  const src = Object.fromEntries(sets.syft.map((p) => [p.name, p.source]));
  assert.equal(src['hello'], 'hello-src');
  assert.equal(src['libhello2'], 'libhello');
  assert.equal(src['hello-data'], '');
});

it("syft's packages equal pare's lock, SPDX and CycloneDX SBOM (name, version, purl)", () => {
  comparePackages(sets);
});
