/**
 * `pare build` with python dependencies against a signed fixture Debian
 * repository and a PEP 691 index on 127.0.0.1: wheels chosen for the image,
 * verified, installed in their own layer and listed in the SBOM; a wrong
 * hash or a tampered download fails with no output.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pareInProcess } from '../helpers/cli.js';
import { startFixtureRepo, type FixtureRepo } from '../helpers/repo.js';
import { layers, makeWheel, RUNTIME_PACKAGES, startAppServer, type AppServer } from '../helpers/apps.js';
import { tempDirs } from '../helpers/tmp.js';
import { schemaValidators } from '../supply/sbom-fixtures.js';

const tmp = tempDirs('pare-py-');

describe('python dependencies in a build', { timeout: 120_000 }, () => {
  let repo: FixtureRepo;
  let index: AppServer;
  let work: string;
  let n = 0;
  const good = makeWheel({ name: 'demo', version: '1.0', entryPoints: '[console_scripts]\ndemo = demo:main\n' });
  const native = makeWheel({
    name: 'fast-thing',
    version: '2.0',
    tag: 'cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64',
    metadata: 'Classifier: License :: OSI Approved :: BSD License\n',
  });
  const tooNew = makeWheel({ name: 'fast-thing', version: '2.0', tag: 'cp311-cp311-manylinux_2_39_x86_64' });

  before(async () => {
    repo = await startFixtureRepo({ suites: { stable: RUNTIME_PACKAGES } });
    index = await startAppServer();
    index.projects.set('demo', [good]);
    index.projects.set('fast-thing', [tooNew, native]);
    index.projects.set('only-src', [
      { filename: 'only_src-1.0.tar.gz', bytes: Buffer.from('x'), sha256: 'e'.repeat(64) },
    ]);
    work = await tmp();
  });
  after(async () => {
    await repo.close();
    await index.close();
  });

  async function build(requirements: string, opts: { html?: boolean } = {}) {
    const dir = join(work, `case-${++n}`);
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    await writeFile(join(dir, 'requirements.txt'), requirements);
    await writeFile(
      join(dir, 'pare.yaml'),
      `contents:\n  repositories:\n    - url: ${repo.url}\n      suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: [python3]\npython:\n  requirements: requirements.txt\nentrypoint:\n  command: /usr/local/bin/demo\n`,
    );
    index.html = opts.html === true;
    const out = join(dir, 'out');
    const r = await pareInProcess(
      ['build', join(dir, 'pare.yaml'), '-o', out, '--cache-dir', join(work, `cache-${n}`)],
      { PIP_INDEX_URL: index.simple },
    );
    return { ...r, out };
  }

  const req = (w: { sha256: string }, name: string, version: string) =>
    `${name}==${version} --hash=sha256:${w.sha256}\n`;

  it('installs the best wheel for cp311/glibc 2.36 in a layer after the OS layer, with scripts and an SBOM entry', async () => {
    const r = await build(
      req(good, 'demo', '1.0') +
        req(native, 'fast_thing', '2.0') +
        `other==1 ; python_version < "3" --hash=sha256:${'0'.repeat(64)}\n`,
    );
    assert.equal(r.code, 0, r.stderr);
    const ls = await layers(r.out);
    assert.equal(ls.length, 2);
    const app = ls[1]!;
    const site = 'usr/local/lib/python3.11/dist-packages';
    assert.ok(app.has(`${site}/demo/__init__.py`));
    assert.ok(app.has(`${site}/fast_thing-2.0.dist-info/METADATA`));
    assert.match(new TextDecoder().decode(app.get('usr/local/bin/demo')!.data), /^#!\/usr\/bin\/python3\n/);
    assert.ok(!ls[0]!.has(`${site}/demo/__init__.py`), 'application files stay out of the OS layer');
    assert.ok(
      index.requests.some((p) =>
        p.endsWith('fast_thing-2.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl'),
      ),
    );
    assert.ok(!index.requests.some((p) => p.includes('manylinux_2_39')), 'the incompatible wheel is never downloaded');
    const spdx = JSON.parse(await readFile(`${r.out}.spdx.json`, 'utf8')) as {
      packages: Array<Record<string, any>>;
      relationships: Array<Record<string, string>>;
    };
    const demo = spdx.packages.find((p) => p.name === 'demo')!;
    assert.equal(demo.externalRefs[0].referenceLocator, 'pkg:pypi/demo@1.0');
    assert.deepEqual(demo.checksums, [{ algorithm: 'SHA256', checksumValue: good.sha256 }]);
    assert.equal(demo.licenseDeclared, 'MIT');
    assert.equal(spdx.packages.find((p) => p.name === 'fast-thing')!.licenseDeclared, 'BSD-3-Clause');
    const py3 = spdx.packages.find((p) => p.name === 'python3')!.SPDXID;
    assert.ok(
      spdx.relationships.some(
        (x) => x.spdxElementId === demo.SPDXID && x.relationshipType === 'DEPENDS_ON' && x.relatedSpdxElement === py3,
      ),
    );
    assert.ok(
      spdx.relationships.some(
        (x) =>
          x.spdxElementId === 'SPDXRef-Image' &&
          x.relationshipType === 'CONTAINS' &&
          x.relatedSpdxElement === demo.SPDXID,
      ),
    );
    const cdx = JSON.parse(await readFile(`${r.out}.cdx.json`, 'utf8')) as { components: Array<Record<string, any>> };
    assert.ok(
      cdx.components.some((c) => c.purl === 'pkg:pypi/fast-thing@2.0' && c.hashes[0].content === native.sha256),
    );
    const v = await schemaValidators();
    assert.ok(v.spdx(spdx), JSON.stringify(v.spdx.errors));
    assert.ok(v.cyclonedx(cdx), JSON.stringify(v.cyclonedx.errors));
    const sbom = await pareInProcess(['sbom', r.out, '--format', 'spdx', '--name', 'pare/pare:latest']);
    assert.equal(sbom.code, 0, sbom.stderr);
    assert.match(sbom.stdout, /pkg:pypi\/demo@1\.0/);
  });

  it('pins every wheel digest in the lock file (no host), and a locked build refuses changed requirements', async () => {
    const r = await build(req(good, 'demo', '1.0'));
    assert.equal(r.code, 0, r.stderr);
    const dir = join(work, `case-${n}`);
    const env = { PIP_INDEX_URL: index.simple };
    const locked = await pareInProcess(['lock', join(dir, 'pare.yaml'), '--cache-dir', join(work, `cache-${n}`)], env);
    assert.equal(locked.code, 0, locked.stderr);
    const text = await readFile(join(dir, 'pare.lock.json'), 'utf8');
    const lock = JSON.parse(text) as { archs: Record<string, { applications: unknown[] }> };
    assert.deepEqual(lock.archs.amd64!.applications, [{ ecosystem: 'pypi', file: good.filename, sha256: good.sha256 }]);
    assert.ok(!text.includes(index.url), 'the index URL stays out of the lock');
    const again = await pareInProcess(
      ['build', join(dir, 'pare.yaml'), '--locked', '-o', join(dir, 'out2'), '--cache-dir', join(work, `cache-${n}`)],
      env,
    );
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, r.stdout, 'the locked build gives the same image');
    const seen = index.requests.length;
    const offline = await pareInProcess(
      [
        'build',
        join(dir, 'pare.yaml'),
        '--offline',
        '-o',
        join(dir, 'out-offline'),
        '--cache-dir',
        join(work, `cache-${n}`),
      ],
      env,
    );
    assert.equal(index.requests.length, seen, 'an --offline build asks the index nothing');
    assert.equal(offline.code, 0, offline.stderr);
    assert.equal(offline.stdout, r.stdout, 'an --offline rebuild from the cache gives the same image');
    await writeFile(join(dir, 'requirements.txt'), req(native, 'fast-thing', '2.0'));
    const changed = await pareInProcess(
      ['build', join(dir, 'pare.yaml'), '--locked', '-o', join(dir, 'out3'), '--cache-dir', join(work, `cache-${n}`)],
      env,
    );
    assert.equal(changed.code, 1);
    assert.match(changed.stderr, /error\[LOCK_MISMATCH\]/);
    assert.equal(existsSync(join(dir, 'out3')), false);
  });

  it('reads PEP 503 HTML when the index does not speak JSON', async () => {
    const r = await build(req(good, 'demo', '1.0'), { html: true });
    assert.equal(r.code, 0, r.stderr);
  });

  const fails = async (requirements: string, code: string, pattern: RegExp) => {
    const r = await build(requirements);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`error\\[${code}\\]`), r.stderr);
    assert.match(r.stderr, pattern);
    assert.equal(existsSync(r.out), false, 'no output left behind');
  };

  it('fails on a hash the index does not have, naming the requirement', () =>
    fails(`demo==1.0 --hash=sha256:${'f'.repeat(64)}\n`, 'HASH_MISMATCH', /requirements\.txt:1: demo==1\.0/));

  it('fails when the downloaded bytes are not the locked ones', async () => {
    index.tamper.set(good.filename, Buffer.concat([good.bytes, Buffer.from('x')]));
    try {
      await fails(req(good, 'demo', '1.0'), 'HASH_MISMATCH', /demo-1\.0-py3-none-any\.whl .*sha256 mismatch/);
    } finally {
      index.tamper.delete(good.filename);
    }
  });

  it('refuses an sdist-only requirement by name', () =>
    fails(
      `only-src==1.0 --hash=sha256:${'e'.repeat(64)}\n`,
      'APP_SDIST_ONLY',
      /only-src==1\.0 is published only as a source distribution/,
    ));

  it('refuses a requirement without a hash', () => fails('demo==1.0\n', 'APP_LOCKFILE', /has no --hash/));
});
