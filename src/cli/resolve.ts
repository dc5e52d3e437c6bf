import { resolveArch } from '../pipeline/build.js';
import { loadConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import { formatPlan } from '../resolve/explain.js';
import { cacheFrom, progressFrom, sourceOptions } from './common.js';
import { EXIT } from './io.js';
import { command } from './command.js';

export const resolveCommand = command({
  name: 'resolve',
  summary: 'Print the packages a config resolves to and why each one is there',
  usage: 'pare resolve CONFIG [--arch ARCH] [--json]',
  options: {
    arch: { type: 'string', description: "Architecture (default: the config's first)" },
    json: { type: 'boolean', description: 'Machine-readable output' },
    ...sourceOptions,
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1)
      throw new UsageError('USAGE', `expected one config file, got ${positionals.length}`, {
        hint: 'pare resolve examples/base.yaml',
      });
    const config = await loadConfig(positionals[0]!);
    const arch = values.arch ?? config.archs[0];
    const progress = progressFrom(values, io);
    const r = await resolveArch(config, arch!, {
      cache: cacheFrom(values, io),
      offline: values.offline,
      allowRollback: values['allow-rollback'] === true,
      env: io.env,
      progress,
    });
    progress.end();
    if (values.json) {
      const out = {
        arch,
        repositories: r.suites.map((s, i) => ({
          url: s.url,
          suite: s.suite,
          via: r.specs[i]!.via,
          inRelease: `sha256:${s.inReleaseSha256}`,
          date: s.release.date?.toISOString(),
        })),
        packages: r.plan.packages.map((p) => ({
          name: p.record.name,
          version: p.record.version,
          architecture: p.record.architecture,
          size: p.record.size,
          sha256: p.record.sha256,
          filename: p.record.filename,
          reasons: p.reasons,
        })),
        excluded: r.plan.excluded,
      };
      io.stdout.write(JSON.stringify(out, null, 2) + '\n');
    } else {
      for (const [i, s] of r.suites.entries()) io.stderr.write(`# ${s.url} ${s.suite} (${r.specs[i]!.via})\n`);
      io.stdout.write(formatPlan(r.plan));
    }
    return EXIT.OK;
  },
});
