/**
 * End to end against the real Debian mirror from the host's apt sources:
 * a lock pinned to bookworm's main suite, compared with a config that adds
 * bookworm-security — `pare outdated` reports the security updates with the
 * CVE IDs their real changelogs name; `pare lock --update` of one of them
 * followed by `pare build --locked` works; `pare diff` of examples/base and
 * examples/cc lists libstdc++6 and what came with it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { OutdatedReport } from '../../src/pipeline/outdated.js';
import type { ImageDiff } from '../../src/pipeline/image-diff.js';
import { parseLockfile } from '../../src/resolve/lock.js';
import { pare, REPO_ROOT } from '../helpers/cli.js';
import { run } from '../helpers/tools.js';

// Libraries that collect security uploads between point releases; the test needs one of them to have one.
const PACKAGES = [
  'libc6',
  'libssl3',
  'zlib1g',
  'libexpat1',
  'libxml2',
  'libsqlite3-0',
  'libgnutls30',
  'libkrb5-3',
  'libcurl4',
];
const config = (suites: string) =>
  `contents:\n  repositories:\n${suites}  packages: [${PACKAGES.join(', ')}]\n  exclude: [debconf]\n`;

describe('e2e: keeping images patched, against the host mirror', { timeout: 1_200_000 }, () => {
  let work: string;
  let cache: string[];
  let full: string;
  let lockFile: string;
  let report: OutdatedReport;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'pare-e2e-patch-'));
    cache = ['--cache-dir', join(work, 'cache')];
    const main = join(work, 'main.yaml');
    await writeFile(main, config('    - suites: [bookworm]\n'));
    full = join(work, 'full.yaml');
    await writeFile(full, config('    - suites: [bookworm]\n    - suites: [bookworm-security]\n'));
    lockFile = join(work, 'pare.lock.json');
    const r = await pare(['lock', main, '-o', lockFile, ...cache]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => rm(work, { recursive: true, force: true }));

  it('pare outdated lists the security suite’s newer uploads with the CVE IDs of their changelogs (exit 3)', async () => {
    const r = await pare(['outdated', full, '--lock', lockFile, '--json', ...cache]);
    assert.equal(
      r.code,
      3,
      `expected security updates newer than bookworm main for ${PACKAGES.join(' ')}\n${r.stderr}`,
    );
    report = JSON.parse(r.stdout) as OutdatedReport;
    const security = report.packages.filter((p) => p.security);
    assert.ok(security.length > 0, 'at least one security update');
    for (const p of security) {
      assert.equal(p.suite, 'bookworm-security');
      assert.ok(p.changelog?.startsWith('/usr/share/doc/'), `${p.name}: changelog read (${p.changelog})`);
      assert.ok(p.changes.length > 0, `${p.name}: changelog entries newer than ${p.locked}`);
      assert.equal(p.changes[0]!.version.replace(/^\d+:/, ''), p.candidate.replace(/^\d+:/, '').replace(/\+b\d+$/, ''));
      assert.ok(p.urgency && ['low', 'medium', 'high', 'emergency', 'critical'].includes(p.urgency), p.urgency);
      for (const c of p.cves) assert.match(c, /^CVE-\d{4}-\d{4,}$/);
    }
    assert.ok(
      security.some((p) => p.cves.length > 0),
      `some security update names a CVE: ${security.map((p) => p.name).join(' ')}`,
    );
    // Security uploads say so: their newest entry targets the security suite.
    assert.ok(security.every((p) => p.changes[0]!.distributions.some((d) => /security/.test(d))));
  });

  it('pare lock --update of one package moves only it (and what it needs), and the lock builds', async () => {
    const target = report.packages.find(
      (p) => p.security && p.cves.length > 0 && p.changelog === `/usr/share/doc/${p.name}/changelog.Debian.gz`,
    )!;
    const before = parseLockfile(await readFile(lockFile, 'utf8'), lockFile).archs.amd64!.packages;
    const r = await pare(['lock', full, '--update', target.name, '-o', lockFile, ...cache]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`^amd64: ${target.name.replace(/[+.]/g, '\\$&')} ${target.locked.replace(/[+.~]/g, '\\$&')} -> `, 'm'),
    );
    const after = parseLockfile(await readFile(lockFile, 'utf8'), lockFile).archs.amd64!.packages;
    const was = new Map(before.map((p) => [p.name, p.version]));
    const moved = after.filter((p) => was.get(p.name) !== p.version).map((p) => p.name);
    assert.ok(moved.includes(target.name));
    // Everything else outdated before is still outdated: nothing but the named package (and its needs) moved.
    const o = await pare(['outdated', full, '--lock', lockFile, '--json', ...cache]);
    const still = (JSON.parse(o.stdout) as OutdatedReport).packages.map((p) => p.name);
    assert.ok(!still.includes(target.name));
    for (const p of report.packages) if (!moved.includes(p.name)) assert.ok(still.includes(p.name), `${p.name} kept`);
    // The CVE IDs are the ones dpkg-parsechangelog finds in the same changelog since the locked source version.
    const deb = after.find((p) => p.name === target.name)!;
    const lockedSource = before.find((p) => p.name === target.name)!.source.version;
    const x = join(work, 'x');
    await run('dpkg-deb', ['-x', join(work, 'cache', 'blobs', 'sha256', deb.sha256), x]);
    const changes = await run('dpkg-parsechangelog', [
      '-l',
      join(x, target.changelog!),
      '--since',
      lockedSource,
      '--show-field',
      'Changes',
    ]);
    const cves = [...new Set(changes.stdout.match(/\bCVE-\d{4}-\d{4,}\b/g) ?? [])].sort();
    assert.deepEqual([...target.cves].sort(), cves);
    const b = await pare(['build', full, '--locked', '--lock', lockFile, '-o', join(work, 'img'), ...cache]);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, /^sha256:[0-9a-f]{64}\n$/);
  });

  it('pare diff of examples/base and examples/cc lists libstdc++6 and what came with it', async () => {
    for (const n of ['base', 'cc']) {
      const r = await pare(['build', join(REPO_ROOT, `examples/${n}.yaml`), '-o', join(work, n), ...cache]);
      assert.equal(r.code, 0, r.stderr);
    }
    const r = await pare(['diff', join(work, 'base'), join(work, 'cc'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout) as ImageDiff;
    const added = d.packages.added.map((p) => p.name);
    assert.ok(added.includes('libstdc++6') && added.includes('libgomp1'), added.join(' '));
    assert.deepEqual(d.packages.removed, []);
    assert.deepEqual(d.packages.changed, []);
    for (const p of d.packages.added) {
      assert.ok(p.size > 0 && p.files > 0, `${p.name} has files in the image`);
      assert.equal(d.files.added.filter((f) => f.package === p.name && f.type === 'file').length, p.files);
    }
    assert.ok(d.files.added.some((f) => /\/libstdc\+\+\.so\.6\.0\.\d+$/.test(f.path) && f.package === 'libstdc++6'));
    assert.ok(d.sharedLayers > 0, 'the catalog shares the base layers (origin layering)');
  });
});
