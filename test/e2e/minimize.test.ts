/**
 * End to end: the application examples minimized by their committed traces
 * (examples/{python,node,java}-app/minimized.yaml, written by `pare trace`)
 * from the real Debian mirror and registries. Each minimized program prints
 * exactly what the unminimized image prints, under runc as 65532; the
 * metadata tells the truth (dpkg-query over status.d lists no package whose
 * files are all gone, every md5sums line verifies, syft finds exactly the
 * packages of pare's SBOMs); two builds give one digest; a module the trace
 * never saw (sqlite3) is gone; the Python image keeps less than half the
 * bytes of the unminimized one (the issue's goal of 40% of python3's bytes is
 * not met: see BENCHMARKS.md).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pare, REPO_ROOT } from '../helpers/cli.js';
import { runImage } from '../helpers/runc.js';
import { applicationPurls, syftScan } from '../helpers/syft.js';

const APPS: Record<string, { args?: string[] }> = {
  'python-app': {},
  'node-app': { args: ['--self-test'] },
  'java-app': {},
};

interface Spdx {
  packages: Array<{ name: string; versionInfo: string; externalRefs?: Array<{ referenceLocator: string }> }>;
}

describe('e2e: minimized application images', { timeout: 2_400_000 }, () => {
  let work: string;
  const builds = new Map<string, Promise<{ layout: string; digest: string }>>();

  function build(config: string, name = config): Promise<{ layout: string; digest: string }> {
    let p = builds.get(name);
    if (!p) {
      p = (async () => {
        const layout = join(work, name.replace(/[/.]/g, '_'));
        const r = await pare(['build', join(REPO_ROOT, 'examples', config), '-o', layout, '-q'], {
          timeoutMs: 900_000,
        });
        if (r.code !== 0) throw new Error(`pare build ${config} exited ${r.code}:\n${r.stderr}`);
        return { layout, digest: r.stdout.trim() };
      })();
      builds.set(name, p);
    }
    return p;
  }

  async function rootfs(layout: string): Promise<string> {
    const root = `${layout}-rootfs`;
    await mkdir(root, { recursive: true });
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const manifest = JSON.parse(
      await readFile(join(layout, 'blobs/sha256', index.manifests[0]!.digest.slice(7)), 'utf8'),
    ) as { layers: { digest: string }[] };
    for (const l of manifest.layers)
      execFileSync('tar', ['-xzf', join(layout, 'blobs/sha256', l.digest.slice(7)), '-C', root]);
    return root;
  }

  const fileBytes = (root: string): number =>
    Number(execFileSync('du', ['-sb', '--apparent-size', root], { encoding: 'utf8' }).split('\t')[0]);

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'pare-e2e-minimize-'));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  for (const [app, run] of Object.entries(APPS)) {
    it(`${app}: the minimized program prints what the full image prints, as 65532`, async () => {
      const full = await build(`${app}/pare.yaml`);
      const min = await build(`${app}/minimized.yaml`);
      const a = await runImage(full.layout, { tag: 'latest', user: '65532', ...(run.args ? { args: run.args } : {}) });
      const b = await runImage(min.layout, { tag: 'latest', user: '65532', ...(run.args ? { args: run.args } : {}) });
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      assert.ok(a.stdout.length > 10, a.stdout);
      assert.equal(b.stdout, a.stdout);
    });

    it(`${app}: status.d, md5sums and syft tell the truth about the minimized image`, async () => {
      const min = await build(`${app}/minimized.yaml`);
      const root = await rootfs(min.layout);
      const statusDir = join(root, 'var/lib/dpkg/status.d');
      const entries = await readdir(statusDir);
      const names = entries.filter((f) => !f.endsWith('.md5sums')).sort();
      const admin = join(work, `${app}-admin`);
      await mkdir(join(admin, 'info'), { recursive: true });
      await writeFile(
        join(admin, 'status'),
        (await Promise.all(names.map((f) => readFile(join(statusDir, f), 'utf8')))).join('\n'),
      );
      const listed = execFileSync('dpkg-query', ['--admindir', admin, '-W', '-f', '${Package}\\n'], {
        encoding: 'utf8',
      });
      assert.deepEqual(listed.trim().split('\n').sort(), names);
      const record = JSON.parse(await readFile(join(root, 'var/lib/pare/contents.json'), 'utf8')) as {
        minimized: { name: string; status: string }[];
      };
      const removed = record.minimized.filter((m) => m.status === 'removed').map((m) => m.name);
      assert.ok(removed.length > 0, 'some packages are no longer installed');
      for (const r of removed) assert.ok(!names.includes(r), `${r} is not in status.d`);
      for (const f of entries.filter((e) => e.endsWith('.md5sums'))) {
        if ((await readFile(join(statusDir, f), 'utf8')) === '') continue; // a package that keeps only symlinks
        execFileSync('md5sum', ['--check', '--quiet', '--strict', join(statusDir, f)], { cwd: root });
      }
      const spdx = JSON.parse(await readFile(`${min.layout}.spdx.json`, 'utf8')) as Spdx;
      const cdx = JSON.parse(await readFile(`${min.layout}.cdx.json`, 'utf8')) as {
        components?: { name: string; version?: string; purl?: string }[];
      };
      const debs = spdx.packages.filter((p) => p.externalRefs?.some((r) => r.referenceLocator.startsWith('pkg:deb/')));
      assert.deepEqual(debs.map((p) => p.name).sort(), names, 'the SBOM lists exactly status.d');
      const scan = await syftScan(min.layout);
      assert.deepEqual(
        scan.debs.map((p) => `${p.name} ${p.version}`),
        debs.map((p) => `${p.name} ${p.versionInfo}`).sort(),
        'syft finds exactly the Debian packages of pare’s SBOM',
      );
      for (const f of scan.debFiles) assert.ok(existsSync(join(root, f)), `syft's ${f} is in the image`);
      const apps = applicationPurls(scan, spdx, cdx);
      assert.deepEqual(apps.syft, apps.spdx, 'application packages: syft vs SPDX');
    });
  }

  it('python-app: two builds give one digest; sqlite3, never traced, is gone; under half the bytes', async () => {
    const a = await build('python-app/minimized.yaml');
    const b = await build('python-app/minimized.yaml', 'again');
    assert.equal(b.digest, a.digest);
    const full = await build('python-app/pare.yaml');
    const probe = ['/usr/bin/python3', '-c', 'import sqlite3; print("sqlite", sqlite3.sqlite_version)'];
    const ok = await runImage(full.layout, { tag: 'latest', user: '65532', argv: probe });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^sqlite 3\./);
    const gone = await runImage(a.layout, { tag: 'latest', user: '65532', argv: probe });
    assert.notEqual(gone.code, 0, 'import sqlite3 fails in the minimized image');
    assert.match(gone.stderr, /ModuleNotFoundError: No module named '(_)?sqlite3'/);
    const [min, all] = [fileBytes(await rootfs(a.layout)), fileBytes(await rootfs(full.layout))];
    assert.ok(min < 0.5 * all, `minimized python-app ${min} bytes vs unminimized ${all} bytes`);
  });
});
