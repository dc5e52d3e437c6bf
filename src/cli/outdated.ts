/**
 * `pare outdated CONFIG`: which locked packages the configured suites have
 * newer versions of, whether each is a security update, and the urgency and
 * CVE IDs their changelogs name. Exit 0 when nothing is outdated,
 * EXIT.OUTDATED (3) when something is; a table on stdout, or --json.
 */
import { loadConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import { outdated, type OutdatedReport } from '../pipeline/outdated.js';
import { cacheFrom, progressFrom, sourceOptions } from './common.js';
import { EXIT } from './io.js';
import { defaultLockPath, readLockfile } from '../resolve/lock-file.js';
import { command } from './command.js';

/** Columns padded to their widest cell. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

export function formatOutdated(report: OutdatedReport, multiArch: boolean): string {
  const head = ['package', 'locked', 'candidate', 'suite', 'security', 'urgency', 'CVEs'];
  const rows = report.packages.map((p) => [
    multiArch ? `${p.name}:${p.arch}` : p.name,
    p.locked,
    p.candidate,
    p.suite,
    p.security ? 'yes' : 'no',
    p.urgency ?? '-',
    p.cves.length ? p.cves.join(' ') : p.changelog ? '-' : '- (no changelog)',
  ]);
  return table([head, ...rows]);
}

export const outdatedCommand = command({
  name: 'outdated',
  summary: 'List locked packages that have newer versions (security updates, urgency, CVE IDs); exit 3 if any',
  usage: 'pare outdated CONFIG [--lock FILE] [--json]',
  options: {
    lock: { type: 'string', description: 'Lock file (default: CONFIG with .lock.json)' },
    json: { type: 'boolean', description: 'Machine-readable output' },
    'no-changelogs': { type: 'boolean', description: 'Do not fetch candidates to read CVE IDs and urgency' },
    ...sourceOptions,
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1)
      throw new UsageError('USAGE', `expected one config file, got ${positionals.length}`, {
        hint: 'pare outdated pare.yaml',
      });
    const config = await loadConfig(positionals[0]!);
    const lockFile = values.lock ?? defaultLockPath(positionals[0]!);
    const lock = await readLockfile(lockFile);
    const progress = progressFrom(values, io);
    const report = await outdated(config, lock, lockFile, {
      cache: cacheFrom(values, io),
      offline: values.offline,
      allowRollback: values['allow-rollback'] === true,
      env: io.env,
      progress,
      changelogs: values['no-changelogs'] !== true,
    });
    progress.end();
    if (values.json) io.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else if (report.packages.length) io.stdout.write(formatOutdated(report, config.archs.length > 1));
    const security = report.packages.filter((p) => p.security).length;
    io.stderr.write(
      report.packages.length
        ? `${report.packages.length} of ${report.checked} locked packages outdated (${security} security updates)\n`
        : `all ${report.checked} locked packages are up to date\n`,
    );
    return report.packages.length ? EXIT.OUTDATED : EXIT.OK;
  },
});
