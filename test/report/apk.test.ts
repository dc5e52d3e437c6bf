/**
 * `pare report` of an APK image (built from a generated, signed APK
 * repository on 127.0.0.1): packages come from apk's installed database,
 * with their bytes from its F:/R: file lists and their why-paths from D:.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ReportDocument } from '../../src/report/index.js';
import { startApkRepo, type ApkFixtureRepo } from '../helpers/apk-repo.js';
import { pareInProcess } from '../helpers/cli.js';

describe('pare report of an APK image', { timeout: 120_000 }, () => {
  let work: string;
  let repo: ApkFixtureRepo;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'pare-report-apk-'));
    repo = await startApkRepo({
      packages: [
        { name: 'libprobe', version: '1.0-r0', files: [{ path: 'usr/lib/libprobe.so.1', data: 'l'.repeat(4000) }] },
        {
          name: 'probe',
          version: '2.0-r1',
          depends: ['libprobe'],
          files: [{ path: 'usr/bin/probe', data: 'p'.repeat(1500), mode: 0o755 }],
        },
      ],
    });
  });
  after(async () => {
    await repo?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('lists the apk packages with their bytes and why-paths', async () => {
    const config = join(work, 'pare.yaml');
    await writeFile(
      config,
      `contents:\n  repositories:\n    - type: apk\n      url: ${repo.url}\n      keyring: [${repo.keyFile}]\n  packages: [probe]\nentrypoint:\n  command: /usr/bin/probe\n`,
    );
    const b = await pareInProcess(['build', config, '-o', join(work, 'out'), '--cache-dir', join(work, 'cache')]);
    assert.equal(b.code, 0, b.stderr);
    const r = await pareInProcess(['report', join(work, 'out'), '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const img = (JSON.parse(r.stdout) as ReportDocument).image;
    assert.deepEqual(
      img.packages.map((p) => [p.name, p.version, p.bytes, p.files, p.why, p.status]),
      [
        ['libprobe', '1.0-r0', 4000, 1, ['probe', 'libprobe'], 'installed (apk database)'],
        ['probe', '2.0-r1', 1500, 1, ['probe'], 'installed (apk database)'],
      ],
    );
    assert.ok(img.layers.some((l) => l.packages.includes('probe')));
  });
});
