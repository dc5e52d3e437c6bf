/**
 * `pare build` with `python.lock` (pylock.toml, PEP 751): wheels named by url
 * (served on 127.0.0.1) or by path in the build context, the one for the
 * image chosen among a package's wheels, false markers dropped, installed
 * under a config-chosen `target`; a wrong hash, an sdist-only package and a
 * path outside the context fail with no output.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pareInProcess } from '../helpers/cli.js';
import { startFixtureRepo, type FixtureRepo } from '../helpers/repo.js';
import { layers, makeWheel, RUNTIME_PACKAGES, startAppServer, type AppServer } from '../helpers/apps.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('pare-pylock-');

describe('python dependencies from pylock.toml in a build', { timeout: 120_000 }, () => {
  let repo: FixtureRepo;
  let server: AppServer;
  let work: string;
  let n = 0;
  const demo = makeWheel({ name: 'demo', version: '1.0', entryPoints: '[console_scripts]\ndemo = demo:main\n' });
  const native = makeWheel({ name: 'fast-thing', version: '2.0', tag: 'cp311-cp311-manylinux_2_17_x86_64' });
  const tooNew = makeWheel({ name: 'fast-thing', version: '2.0', tag: 'cp311-cp311-manylinux_2_39_x86_64' });
  const local = makeWheel({ name: 'local-pkg', version: '0.3' });

  before(async () => {
    repo = await startFixtureRepo({ suites: { stable: RUNTIME_PACKAGES } });
    server = await startAppServer();
    server.projects.set('demo', [demo]);
    server.projects.set('fast-thing', [tooNew, native]);
    work = await tmp();
  });
  after(async () => {
    await repo.close();
    await server.close();
  });

  const wheel = (w: { filename: string; sha256: string }, where: string) =>
    `{ name = "${w.filename}", ${where}, hashes = { sha256 = "${w.sha256}" } }`;
  const url = (w: { filename: string; sha256: string }) => wheel(w, `url = "${server.url}/files/${w.filename}"`);
  const pkg = (name: string, version: string, body: string) =>
    `[[packages]]\nname = "${name}"\nversion = "${version}"\n${body}\n`;

  function lockText(extra = ''): string {
    return (
      `lock-version = "1.0"\ncreated-by = "pare-tests"\n\n` +
      pkg('demo', '1.0', `wheels = [${url(demo)}]`) +
      pkg('fast-thing', '2.0', `wheels = [${url(tooNew)}, ${url(native)}]`) +
      pkg('local-pkg', '0.3', `wheels = [${wheel(local, 'path = "wheels/' + local.filename + '"')}]`) +
      pkg(
        'py2-only',
        '1.0',
        `marker = "python_version < '3'"\nwheels = [${wheel(demo, 'url = "http://127.0.0.1:9/x.whl"')}]`,
      ) +
      extra
    );
  }

  async function build(text: string) {
    const dir = join(work, `case-${++n}`);
    await mkdir(join(dir, 'wheels'), { recursive: true });
    await writeFile(join(dir, 'wheels', local.filename), local.bytes);
    await writeFile(join(dir, 'pylock.toml'), text);
    await writeFile(
      join(dir, 'pare.yaml'),
      `contents:\n  repositories:\n    - url: ${repo.url}\n      suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: [python3]\npython:\n  lock: pylock.toml\n  target: /opt/app/site-packages\nentrypoint:\n  command: /usr/local/bin/demo\n`,
    );
    const out = join(dir, 'out');
    const r = await pareInProcess([
      'build',
      join(dir, 'pare.yaml'),
      '-o',
      out,
      '--cache-dir',
      join(work, `cache-${n}`),
    ]);
    return { ...r, out };
  }

  it('installs the wheels it names (url and path) for the image under the target, and lists them in the SBOM', async () => {
    const r = await build(lockText());
    assert.equal(r.code, 0, r.stderr);
    const [os, app] = await layers(r.out);
    const site = 'opt/app/site-packages';
    assert.ok(app!.has(`${site}/demo/__init__.py`));
    assert.ok(app!.has(`${site}/fast_thing-2.0.dist-info/METADATA`));
    assert.equal(new TextDecoder().decode(app!.get(`${site}/local_pkg-0.3.dist-info/INSTALLER`)!.data), 'pare\n');
    assert.ok(!os!.has(`${site}/demo/__init__.py`));
    assert.match(new TextDecoder().decode(app!.get('usr/local/bin/demo')!.data), /^#!\/usr\/bin\/python3\n/);
    assert.ok(!server.requests.some((p) => p.includes('manylinux_2_39')), 'the wheel glibc 2.36 cannot run is skipped');
    assert.ok(!server.requests.some((p) => p.includes('/simple/')), 'a lock with urls needs no index');
    const spdx = await readFile(`${r.out}.spdx.json`, 'utf8');
    for (const p of ['pkg:pypi/demo@1.0', 'pkg:pypi/fast-thing@2.0', 'pkg:pypi/local-pkg@0.3'])
      assert.ok(spdx.includes(p), p);
    assert.ok(!spdx.includes('py2-only'), 'a package whose marker is false for the image is not installed');
  });

  const fails = async (text: string, code: string, pattern: RegExp) => {
    const r = await build(text);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`error\\[${code}\\]`), r.stderr);
    assert.match(r.stderr, pattern);
    assert.equal(existsSync(r.out), false, 'no output left behind');
  };

  it('fails when a wheel in the build context is not the locked bytes', () =>
    fails(
      lockText().replace(local.sha256, 'a'.repeat(64)),
      'HASH_MISMATCH',
      /local_pkg-0\.3-py3-none-any\.whl: sha256 mismatch/,
    ));

  it('refuses a package locked only as an sdist, by name', () =>
    fails(
      lockText(
        pkg(
          'only-src',
          '1.0',
          `sdist = ${wheel({ filename: 'only_src-1.0.tar.gz', sha256: 'e'.repeat(64) }, 'url = "http://127.0.0.1:9/s.tar.gz"')}`,
        ),
      ),
      'APP_SDIST_ONLY',
      /only-src/,
    ));

  it('refuses a wheel path outside the build context', () =>
    fails(
      lockText().replace(`path = "wheels/${local.filename}"`, `path = "../../${local.filename}"`),
      'APP_LOCKFILE',
      /outside the build context/,
    ));
});
