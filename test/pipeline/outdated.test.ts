/**
 * `pare outdated` against a generated, signed repository whose security suite
 * gained newer uploads after the lock was made: it lists them with the CVE
 * IDs and urgency of their changelogs (read from inside the verified .debs),
 * exits 3, and 0 once nothing is newer.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { OutdatedReport } from '../../src/pipeline/outdated.js';
import { pareInProcess } from '../helpers/cli.js';
import { startFixtureRepo, type FixtureRepo } from '../helpers/repo.js';
import { configText, MAIN, UPDATES } from './security-fixture.js';

describe('pare outdated', { timeout: 120_000 }, () => {
  let repo: FixtureRepo;
  let work: string;
  let config: string;
  const cache = () => ['--cache-dir', join(work, 'cache')];
  before(async () => {
    repo = await startFixtureRepo({ suites: { bookworm: MAIN, 'bookworm-updates': [], 'bookworm-security': [] } });
    work = await mkdtemp(join(tmpdir(), 'pare-outdated-'));
    config = join(work, 'pare.yaml');
    await writeFile(config, configText(repo));
    const locked = await pareInProcess(['lock', config, ...cache()]);
    assert.equal(locked.code, 0, locked.stderr);
  });
  after(async () => {
    await repo.close();
    await rm(work, { recursive: true, force: true });
  });

  it('exits 0 when the suites have nothing newer than the lock', async () => {
    const r = await pareInProcess(['outdated', config, ...cache()]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /all 5 locked packages are up to date/);
  });

  it('lists newer uploads with suite, security flag, urgency and the CVE IDs of every newer changelog entry; exit 3', async () => {
    await repo.publish({ bookworm: MAIN, ...UPDATES });
    const r = await pareInProcess(['outdated', config, '--json', ...cache()]);
    assert.equal(r.code, 3, r.stderr);
    const report = JSON.parse(r.stdout) as OutdatedReport;
    assert.equal(report.checked, 5);
    const rows = report.packages.map((p) => [p.name, p.locked, p.candidate, p.suite, p.security, p.urgency, p.cves]);
    assert.deepEqual(rows, [
      ['libbar-common', '2.0-1', '2.0-1+deb12u1', 'bookworm-security', true, 'low', ['CVE-2024-7777']],
      ['libbar1', '2.0-1', '2.0-1+deb12u1', 'bookworm-security', true, 'low', ['CVE-2024-7777']],
      [
        'libfoo',
        '1.0-1',
        '1.0-1+deb12u2',
        'bookworm-security',
        true,
        'high',
        ['CVE-2023-99999', 'CVE-2024-1234', 'CVE-2024-5555'],
      ],
      ['zdata', '2024a-0', '2024b-0', 'bookworm-updates', false, undefined, []],
    ]);
    const libfoo = report.packages.find((p) => p.name === 'libfoo')!;
    assert.deepEqual(
      libfoo.changes.map((c) => [c.version, c.urgency]),
      [
        ['1.0-1+deb12u2', 'medium'],
        ['1.0-1+deb12u1', 'high'],
      ],
    );
    assert.equal(libfoo.changelog, '/usr/share/doc/libfoo/changelog.Debian.gz');
    const bar = report.packages.find((p) => p.name === 'libbar1')!;
    assert.equal(bar.changelog, '/usr/share/doc/libbar-common/changelog.Debian.gz', 'read through the doc link');
    assert.equal(report.packages.find((p) => p.name === 'zdata')!.changelog, undefined);
  });

  it('prints a table by default, the same exit code', async () => {
    const r = await pareInProcess(['outdated', config, ...cache()]);
    assert.equal(r.code, 3, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^package\s+locked\s+candidate\s+suite\s+security\s+urgency\s+CVEs$/);
    assert.match(
      lines.find((l) => l.startsWith('libfoo '))!,
      /^libfoo\s+1\.0-1\s+1\.0-1\+deb12u2\s+bookworm-security\s+yes\s+high\s+CVE-2023-99999 CVE-2024-1234 CVE-2024-5555$/,
    );
    assert.match(
      lines.find((l) => l.startsWith('zdata '))!,
      /no\s+-\s+- \(no changelog\)$/,
    );
    assert.match(r.stderr, /4 of 5 locked packages outdated \(3 security updates\)/);
  });

  it('a tampered candidate is refused (HASH_MISMATCH or SIZE_MISMATCH), no output', async () => {
    const path = 'pool/main/l/libfoo/libfoo_1.0-1+deb12u2_amd64.deb';
    repo.override(path, (b) => Buffer.concat([b.subarray(0, b.length - 1), Buffer.from([b[b.length - 1]! ^ 1])]));
    try {
      const r = await pareInProcess(['outdated', config, '--json', '--cache-dir', join(work, 'fresh')]);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /error\[HASH_MISMATCH\]/);
    } finally {
      repo.override(path, (b) => b);
    }
  });

  it('bad input is a coded error with a hint: no lock, wrong usage', async () => {
    const nolock = await pareInProcess(['outdated', config, '--lock', join(work, 'missing.json'), ...cache()]);
    assert.equal(nolock.code, 1);
    assert.match(nolock.stderr, /error\[LOCK_READ\].*missing\.json/);
    assert.match(nolock.stderr, /hint: create it with `pare lock CONFIG`/);
    const usage = await pareInProcess(['outdated']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /error\[USAGE\]/);
    await writeFile(join(work, 'arm.yaml'), `${configText(repo)}archs: [arm64]\n`);
    const arch = await pareInProcess(['outdated', join(work, 'arm.yaml'), '--lock', join(work, 'pare.lock.json')]);
    assert.equal(arch.code, 1);
    assert.match(arch.stderr, /error\[LOCK_MISMATCH\].*no packages for architecture arm64/);
  });

  it('compares a lock made before the security suite was in the config (the lock need not match it)', async () => {
    const mainOnly = join(work, 'main-only.yaml');
    await writeFile(
      mainOnly,
      configText(repo).replace('[bookworm, bookworm-updates, bookworm-security]', '[bookworm]'),
    );
    const locked = await pareInProcess(['lock', mainOnly, ...cache()]);
    assert.equal(locked.code, 0, locked.stderr);
    const r = await pareInProcess([
      'outdated',
      config,
      '--lock',
      join(work, 'main-only.lock.json'),
      '--json',
      ...cache(),
    ]);
    assert.equal(r.code, 3, r.stderr);
    const report = JSON.parse(r.stdout) as OutdatedReport;
    assert.deepEqual(
      report.packages.map((p) => `${p.name} ${p.candidate} ${p.suite}`),
      [
        'libbar-common 2.0-1+deb12u1 bookworm-security',
        'libbar1 2.0-1+deb12u1 bookworm-security',
        'libfoo 1.0-1+deb12u2 bookworm-security',
        'zdata 2024b-0 bookworm-updates',
      ],
    );
  });
});
