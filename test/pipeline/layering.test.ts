/**
 * `layering: { strategy: origin }` against a signed fixture repository: images
 * that share packages share byte-identical package layers, an unrelated
 * package changes no other package layer, dpkg-query over the merged status.d
 * lists every package once, and an application-only change touches one layer
 * and pushes one blob plus the manifest and config.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { groupOrigins } from '../../src/pipeline/layering.js';
import { pareInProcess } from '../helpers/cli.js';
import { validateImage } from '../helpers/image.js';
import { blobPuts, startProxy, startRegistry, type Proxy, type Registry } from '../helpers/registry.js';
import { fromSource as src, startFixtureRepo, type FixturePackage, type FixtureRepo } from '../helpers/repo.js';
import { tempDirs } from '../helpers/tmp.js';

const packages: FixturePackage[] = [
  { name: 'base-files', version: '12.4', files: [{ path: './etc/debian_version', data: '12.4\n' }] },
  {
    name: 'libc6',
    version: '2.36-9',
    ...src('glibc', '2.36-9'),
    files: [{ path: './usr/lib/x86_64-linux-gnu/libc.so.6', data: 'libc '.repeat(400) }],
  },
  {
    name: 'libc-bin',
    version: '2.36-9',
    ...src('glibc', '2.36-9'),
    depends: 'libc6',
    files: [{ path: './usr/bin/ldd', data: 'ldd', mode: 0o755 }],
  },
  {
    name: 'libssl3',
    version: '3.0.11-1',
    ...src('openssl', '3.0.11-1'),
    depends: 'libc6',
    files: [{ path: './usr/lib/x86_64-linux-gnu/libssl.so.3', data: 'ssl '.repeat(300) }],
  },
  {
    name: 'libpython3.11',
    version: '3.11.2-6',
    ...src('python3.11', '3.11.2-6'),
    depends: 'libc6, libssl3',
    files: [{ path: './usr/lib/x86_64-linux-gnu/libpython3.11.so.1', data: 'py '.repeat(500) }],
  },
  {
    name: 'python3.11',
    version: '3.11.2-6',
    ...src('python3.11', '3.11.2-6'),
    depends: 'libpython3.11',
    files: [{ path: './usr/bin/python3.11', data: 'python', mode: 0o755 }],
  },
  { name: 'unrelated', version: '1', files: [{ path: './usr/share/unrelated/x', data: 'x' }] },
];

const BASE = ['base-files', 'libc6', 'libc-bin', 'libssl3'];

interface Built {
  out: string;
  layers: string[];
  history: string[];
}

const tempDir = tempDirs('pare-layering-');

describe('origin layering', { timeout: 240_000 }, () => {
  let repo: FixtureRepo;
  let work: string;
  let n = 0;

  before(async () => {
    repo = await startFixtureRepo({ suites: { stable: packages } });
    work = await tempDir();
  });
  after(async () => {
    await repo.close();
  });

  async function build(pkgs: string[], extra = '', name = `img-${++n}`): Promise<Built> {
    const file = join(work, `${name}.yaml`);
    await writeFile(
      file,
      `contents:\n  repositories:\n    - url: ${repo.url}\n      suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: [${pkgs.join(', ')}]\nlayering:\n  strategy: origin\n${extra}`,
    );
    const out = join(work, `${name}-out`);
    await rm(out, { recursive: true, force: true });
    const r = await pareInProcess(['build', file, '-o', out, '--cache-dir', join(work, 'cache')]);
    assert.equal(r.code, 0, r.stderr);
    const v = await validateImage(out, 'latest');
    const cfg = v.config as unknown as { history: Array<{ created_by: string }> };
    return {
      out,
      layers: v.manifest.layers.map((l) => l.digest),
      history: cfg.history.map((h) => h.created_by),
    };
  }
  const layerOf = (b: Built, origin: string): string => {
    const i = b.history.findIndex((h) => h.startsWith(`pare: origin ${origin}:`));
    assert.ok(i >= 0, `a layer for origin ${origin} in ${b.history.join(' | ')}`);
    return b.layers[i]!;
  };

  it('groups packages by source package; base and python3 share the common package layers', async () => {
    const base = await build(BASE);
    const py = await build([...BASE, 'python3.11']);
    assert.deepEqual(base.history, [
      'pare: origin base-files: base-files',
      'pare: origin glibc: libc-bin libc6',
      'pare: origin openssl: libssl3',
      'pare: generated files',
    ]);
    assert.equal(py.layers.length, 5);
    for (const o of ['base-files', 'glibc', 'openssl']) assert.equal(layerOf(py, o), layerOf(base, o), o);
    assert.notEqual(py.layers.at(-1), base.layers.at(-1), 'the generated layer differs (status, contents.json)');
  });

  it('an unrelated package leaves every other package layer unchanged', async () => {
    const a = await build([...BASE, 'python3.11']);
    const b = await build([...BASE, 'python3.11', 'unrelated']);
    assert.equal(b.layers.length, a.layers.length + 1);
    for (const o of ['base-files', 'glibc', 'openssl', 'python3.11']) assert.equal(layerOf(b, o), layerOf(a, o), o);
  });

  it('dpkg-query over the merged status.d lists every package exactly once', async () => {
    const py = await build([...BASE, 'python3.11', 'unrelated']);
    const root = join(work, 'rootfs');
    await mkdir(root, { recursive: true });
    for (const d of py.layers) execFileSync('tar', ['-xzf', join(py.out, 'blobs/sha256', d.slice(7)), '-C', root]);
    const statusDir = join(root, 'var/lib/dpkg/status.d');
    const names = (await readdir(statusDir)).filter((f) => !f.endsWith('.md5sums')).sort();
    const admin = join(work, 'admin');
    await mkdir(join(admin, 'info'), { recursive: true });
    const paragraphs = await Promise.all(names.map((f) => readFile(join(statusDir, f), 'utf8')));
    await writeFile(join(admin, 'status'), paragraphs.join('\n'));
    assert.ok(existsSync('/usr/bin/dpkg-query'), 'dpkg-query is required (Debian base)');
    const listed = execFileSync('dpkg-query', ['--admindir', admin, '-W', '-f', '${Package}\\n'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .sort();
    assert.deepEqual(listed, [...BASE, 'libpython3.11', 'python3.11', 'unrelated'].sort());
  });

  it('within a budget the largest origins keep their layers and the rest share one', async () => {
    const small = await build([...BASE, 'python3.11', 'unrelated'], '  budget: 3\n');
    assert.deepEqual(small.history, [
      'pare: origin glibc: libc-bin libc6',
      'pare: origins base-files openssl python3.11 unrelated',
      'pare: generated files',
    ]);
    const all = [
      { name: 'a', bytes: 5 },
      { name: 'b', bytes: 50 },
      { name: 'c', bytes: 5 },
      { name: 'd', bytes: 40 },
    ];
    assert.deepEqual(
      groupOrigins(all, 4).map((g) => g.map((o) => o.name)),
      [['b'], ['d'], ['a', 'c']],
    );
    assert.deepEqual(groupOrigins(all, 5).length, 4);
  });

  describe('application layers', () => {
    let reg: Registry;
    let proxy: Proxy;
    before(async () => {
      reg = await startRegistry();
      proxy = await startProxy(reg);
    });
    after(async () => {
      await proxy.close();
      await reg.close();
    });

    it('an application-only change changes one layer and pushes one blob plus the config and manifest', async () => {
      const app = join(work, 'app');
      await mkdir(app, { recursive: true });
      await writeFile(join(work, 'app/main.py'), 'print("one")\n');
      const paths = `paths:\n  - path: /app\n    type: file\n    source: app\n`;
      const one = await build([...BASE, 'python3.11'], paths, 'app');
      assert.equal(one.history.at(-1), 'pare: application (paths)');
      const push = async () => {
        const r = await pareInProcess(['push', `${one.out}:latest`, `${proxy.host}/team/app:1`, '--insecure']);
        assert.equal(r.code, 0, r.stderr);
      };
      await push();
      const before = proxy.records.length;
      await writeFile(join(work, 'app/main.py'), 'print("two")\n');
      const two = await build([...BASE, 'python3.11'], paths, 'app');
      const changed = two.layers.filter((d, i) => d !== one.layers[i]);
      assert.equal(two.layers.length, one.layers.length);
      assert.deepEqual(changed, [two.layers.at(-1)], 'only the application layer changed');
      await push();
      const since = proxy.records.slice(before);
      const puts = blobPuts({ ...proxy, records: since });
      assert.equal(puts.length, 2, `one layer and the config: ${JSON.stringify(since)}`);
      assert.ok(puts.some((p) => p.path.includes(two.layers.at(-1)!.slice(7))));
      const manifestPuts = since.filter((r) => r.method === 'PUT' && r.path.includes('/manifests/'));
      assert.equal(manifestPuts.length, 1);
    });
  });
});
