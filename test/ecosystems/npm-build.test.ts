/**
 * package-lock.json installs against an npm registry on 127.0.0.1: nested
 * node_modules, scoped packages, bin maps, optional and dev entries, SRI
 * verification, install scripts refused unless allowed.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { npmPlatform, parsePackageLock } from '../../src/ecosystems/npm/lockfile.js';
import { pareInProcess } from '../helpers/cli.js';
import { startFixtureRepo, type FixtureRepo } from '../helpers/repo.js';
import { layers, makeNpmTarball, RUNTIME_PACKAGES, startAppServer, type AppServer } from '../helpers/apps.js';
import { tempDirs } from '../helpers/tmp.js';
import { schemaValidators } from '../supply/sbom-fixtures.js';

const tmp = tempDirs('pare-npm-');

const pkgs = {
  express: makeNpmTarball({
    name: 'express',
    version: '4.0.0',
    files: [
      { path: 'package/index.js', data: 'module.exports = 1;\n' },
      { path: 'package/bin/cli.js', data: '#!/usr/bin/env node\n' },
    ],
  }),
  scoped: makeNpmTarball({ name: '@acme/util', version: '1.2.3' }),
  nested: makeNpmTarball({ name: 'debug', version: '2.6.9' }),
  top: makeNpmTarball({ name: 'debug', version: '4.3.4' }),
  linuxOnly: makeNpmTarball({ name: 'fsevents-linux', version: '1.0.0' }),
  scripted: makeNpmTarball({ name: 'native-thing', version: '1.0.0' }),
};

function lock(extra: Record<string, unknown> = {}): string {
  const e = (t: { integrity: string }, version: string, more: Record<string, unknown> = {}) => ({
    version,
    integrity: t.integrity,
    ...more,
  });
  return JSON.stringify({
    name: 'app',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'app', version: '1.0.0', dependencies: { express: '^4' } },
      'node_modules/express': e(pkgs.express, '4.0.0', { bin: { 'express-cli': 'bin/cli.js' }, license: 'MIT' }),
      'node_modules/express/node_modules/debug': e(pkgs.nested, '2.6.9', { license: 'MIT' }),
      'node_modules/debug': e(pkgs.top, '4.3.4'),
      'node_modules/@acme/util': e(pkgs.scoped, '1.2.3', { bin: 'cli.js', license: 'Apache-2.0' }),
      'node_modules/fsevents-linux': e(pkgs.linuxOnly, '1.0.0', { optional: true, os: ['linux'] }),
      'node_modules/fsevents': { version: '2.3.3', integrity: 'sha512-AAAA', optional: true, os: ['darwin'] },
      'node_modules/typescript': { version: '5.0.0', integrity: 'sha512-AAAA', dev: true, bin: { tsc: 'bin/tsc' } },
      ...extra,
    },
  });
}

describe('package-lock.json', () => {
  it('keeps production entries for linux/x64 at their paths, with bins; drops dev and foreign optional ones', () => {
    const got = parsePackageLock(lock(), 'package-lock.json', npmPlatform('amd64'));
    assert.deepEqual(
      got.map((p) => `${p.path} ${p.name}@${p.version}`),
      [
        'node_modules/@acme/util @acme/util@1.2.3',
        'node_modules/debug debug@4.3.4',
        'node_modules/express express@4.0.0',
        'node_modules/express/node_modules/debug debug@2.6.9',
        'node_modules/fsevents-linux fsevents-linux@1.0.0',
      ],
    );
    assert.deepEqual(got.find((p) => p.name === '@acme/util')!.bin, { util: 'cli.js' });
    assert.throws(
      () => parsePackageLock('{"lockfileVersion":1}', 'package-lock.json', npmPlatform('amd64')),
      /lockfileVersion 1 is not 2 or 3/,
    );
  });
});

describe('node dependencies in a build', { timeout: 120_000 }, () => {
  let repo: FixtureRepo;
  let registry: AppServer;
  let work: string;
  let n = 0;

  before(async () => {
    repo = await startFixtureRepo({ suites: { stable: RUNTIME_PACKAGES } });
    registry = await startAppServer();
    const add = (name: string, version: string, t: (typeof pkgs)['express']) =>
      registry.tarballs.set(`${name}@${version}`, t);
    add('express', '4.0.0', pkgs.express);
    add('@acme/util', '1.2.3', pkgs.scoped);
    add('debug', '2.6.9', pkgs.nested);
    add('debug', '4.3.4', pkgs.top);
    add('fsevents-linux', '1.0.0', pkgs.linuxOnly);
    add('native-thing', '1.0.0', pkgs.scripted);
    work = await tmp();
  });
  after(async () => {
    await repo.close();
    await registry.close();
  });

  async function build(lockText: string, node = '') {
    const dir = join(work, `case-${++n}`);
    await mkdir(dir);
    await writeFile(join(dir, 'package-lock.json'), lockText);
    await writeFile(
      join(dir, 'pare.yaml'),
      `contents:\n  repositories:\n    - url: ${repo.url}\n      suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: [nodejs]\nnode:\n  lockfile: package-lock.json\n  path: /srv/app\n${node}entrypoint:\n  command: /usr/bin/node\n`,
    );
    const out = join(dir, 'out');
    const r = await pareInProcess(
      ['build', join(dir, 'pare.yaml'), '-o', out, '--cache-dir', join(work, `cache-${n}`)],
      { npm_config_registry: `${registry.url}/npm` },
    );
    return { ...r, out };
  }

  it('installs every production package at its node_modules path, verified, with bin links, in its own layer', async () => {
    const r = await build(lock());
    assert.equal(r.code, 0, r.stderr);
    const [os, app] = await layers(r.out);
    assert.ok(!os!.has('srv/app/node_modules/express/index.js'));
    const nm = 'srv/app/node_modules';
    assert.ok(app!.has(`${nm}/express/index.js`));
    assert.ok(app!.has(`${nm}/express/node_modules/debug/package.json`));
    assert.ok(app!.has(`${nm}/@acme/util/index.js`));
    assert.ok(app!.has(`${nm}/fsevents-linux/index.js`));
    assert.ok(!app!.has(`${nm}/typescript`) && !app!.has(`${nm}/fsevents`));
    assert.equal(app!.get(`${nm}/.bin/express-cli`)!.linkname, '../express/bin/cli.js');
    assert.equal(app!.get(`${nm}/.bin/util`)!.linkname, '../@acme/util/cli.js');
    assert.equal(app!.get(`${nm}/express/bin/cli.js`)!.mode & 0o777, 0o755);
    const cdx = JSON.parse(await readFile(`${r.out}.cdx.json`, 'utf8')) as {
      components: Array<Record<string, any>>;
      dependencies: Array<{ ref: string; dependsOn: string[] }>;
    };
    const util = cdx.components.find((c) => c.purl === 'pkg:npm/%40acme/util@1.2.3')!;
    assert.ok(util, 'scoped purl');
    assert.equal(util.licenses[0].expression, 'Apache-2.0');
    assert.deepEqual(
      util.hashes.map((h: { alg: string }) => h.alg),
      ['SHA-256', 'SHA-512'],
    );
    assert.equal(cdx.components.filter((c) => c.name === 'debug').length, 2);
    const node = cdx.components.find((c) => c.name === 'nodejs')!;
    assert.deepEqual(cdx.dependencies.find((d) => d.ref === util['bom-ref'])!.dependsOn, [node['bom-ref']]);
    const v = await schemaValidators();
    assert.ok(v.cyclonedx(cdx), JSON.stringify(v.cyclonedx.errors));
    const spdx: unknown = JSON.parse(await readFile(`${r.out}.spdx.json`, 'utf8'));
    assert.ok(v.spdx(spdx), JSON.stringify(v.spdx.errors));
  });

  it('fails on a tarball that does not match its integrity, leaving no output', async () => {
    registry.tamper.set(pkgs.top.filename, Buffer.concat([pkgs.top.bytes, Buffer.from('x')]));
    try {
      const r = await build(lock());
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /error\[HASH_MISMATCH\]: debug-4\.3\.4\.tgz: sha512 mismatch/);
      assert.equal(existsSync(r.out), false);
    } finally {
      registry.tamper.delete(pkgs.top.filename);
    }
  });

  it('refuses packages with install scripts unless allowed, and never runs them', async () => {
    const scripted = {
      'node_modules/native-thing': { version: '1.0.0', integrity: pkgs.scripted.integrity, hasInstallScript: true },
    };
    const r = await build(lock(scripted));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error\[APP_INSTALL_SCRIPTS\]: .*native-thing@1\.0\.0/);
    const ok = await build(lock(scripted), '  allow-install-scripts: [native-thing]\n');
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /warning: native-thing@1\.0\.0 has install scripts that were not run/);
  });
});
