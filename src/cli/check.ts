import { CHECK_CATEGORIES, checkImage, type CheckCategory, type CheckReport } from '../distroless/check.js';
import { CheckError, UsageError } from '../errors.js';
import { humanBytes } from '../fetch/index.js';
import { EXIT, type CliIO } from './io.js';
import { command } from './command.js';
import { readImageFiles } from '../oci/read-image.js';
import { licenseSummaryOf, type LicenseSummary } from '../supply/sbom/index.js';

function categories(values: string[] | undefined): CheckCategory[] {
  const list = (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  for (const c of list) {
    if (!(CHECK_CATEGORIES as readonly string[]).includes(c)) {
      throw new UsageError('USAGE', `--allow: unknown category "${c}"`, {
        hint: `categories: ${CHECK_CATEGORIES.join(', ')}`,
      });
    }
  }
  return list as CheckCategory[];
}

function printText(r: CheckReport, source: string, io: CliIO, lic: LicenseSummary): void {
  const s = r.summary;
  io.stdout.write(`${source}\n`);
  io.stdout.write(
    `  packages: ${s.packages.length}${s.packages.length ? ` (${s.packages.map((p) => `${p.name}=${p.version}`).join(' ')})` : ''}\n`,
  );
  io.stdout.write(
    `  files: ${s.files}, ${humanBytes(s.bytes)} (${s.bytes} bytes), layers: ${s.layers}, user: ${s.user || '(root)'}\n`,
  );
  io.stdout.write(
    `  licenses: ${lic.concluded} of ${lic.packages} packages concluded, ${lic.noassertion} NOASSERTION; copyleft: ${lic.copyleft.strong.length} strong, ${lic.copyleft.weak.length} weak\n`,
  );
  for (const f of r.findings) io.stdout.write(`  ${f.allowed ? 'allowed' : 'FAIL'} ${f.category}: ${f.message}\n`);
  io.stdout.write(r.ok ? '  ok: no shell, package manager, setuid, world-writable or root-user findings\n' : '');
}

export const checkCommand = command({
  name: 'check',
  summary:
    'Check that an image is distroless: no shell, package manager, setuid files, world-writable paths or root user',
  usage:
    'pare check IMAGE [--allow CATEGORY,...] [--allow-path GLOB]... [--json]   (IMAGE: DIR, DIR:TAG or a docker-archive file)',
  options: {
    allow: {
      type: 'string',
      multiple: true,
      description: `Allow findings of these categories (${CHECK_CATEGORIES.join(', ')}), comma-separated`,
    },
    'allow-path': {
      type: 'string',
      multiple: true,
      description: 'Allow findings at paths matching GLOB (* ** ?), e.g. /busybox/**',
    },
    arch: { type: 'string', description: "Architecture to check in a multi-arch layout (default: this host's)" },
    json: { type: 'boolean', description: 'Machine-readable report on stdout' },
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1)
      throw new UsageError('USAGE', `expected one image, got ${positionals.length}`, { hint: 'pare check out:latest' });
    const allow = categories(values.allow);
    const img = await readImageFiles(positionals[0]!, { arch: values.arch });
    const report = checkImage(img.entries, img.config.config ?? {}, img.layers, {
      allow,
      allowPaths: values['allow-path'] ?? [],
    });
    const licenses = licenseSummaryOf(img.entries);
    if (values.json) io.stdout.write(JSON.stringify({ image: img.source, ...report, licenses }, null, 2) + '\n');
    else printText(report, img.source, io, licenses);
    if (report.ok) return EXIT.OK;
    const bad = report.findings.filter((f) => !f.allowed);
    throw new CheckError(
      'CHECK_FAILED',
      `${img.source} is not distroless: ${bad.map((f) => f.path ?? f.category).join(', ')}`,
      {
        hint: 'remove the offending packages or paths, or allow them explicitly with --allow CATEGORY or --allow-path GLOB',
        detail: { findings: bad },
      },
    );
  },
});
