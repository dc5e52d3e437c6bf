/**
 * License coverage of the image catalog: builds every examples/*.yaml image
 * (Debian mirror from the host's apt sources) and prints a Markdown table —
 * per image, the packages whose SPDX licenseConcluded is an expression vs
 * NOASSERTION, the declared ones, the LicenseRef-… entries, and the image
 * digest (license data lives in the SBOM, never in the image).
 *
 *   npm run build && node dist/bench/licenses.js [--cache-dir DIR] [--only python3,base]
 *
 * The table goes to stdout, progress to stderr.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CATALOG = ['static', 'base', 'cc', 'python3', 'nodejs', 'java', 'base-trixie', 'python3-trixie'];
const { values } = parseArgs({ options: { 'cache-dir': { type: 'string' }, only: { type: 'string' } } });
const work = mkdtempSync(join(tmpdir(), 'pare-licenses-'));

interface SpdxPackage {
  name: string;
  licenseConcluded: string;
  licenseDeclared: string;
  primaryPackagePurpose?: string;
}

const pct = (a: number, b: number): string => `${((100 * a) / b).toFixed(0)}%`;
console.log('| image | packages | concluded | NOASSERTION | concluded % | declared | LicenseRefs | image digest |');
console.log('|---|---:|---:|---:|---:|---:|---:|---|');
try {
  for (const image of values.only ? values.only.split(',') : CATALOG) {
    process.stderr.write(`building ${image}…\n`);
    const out = join(work, image);
    const cache = values['cache-dir'] ? ['--cache-dir', values['cache-dir']] : [];
    const r = spawnSync(
      process.execPath,
      [join(root, 'bin/pare.js'), 'build', `examples/${image}.yaml`, '-o', out, '-q', ...cache],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, CI: '1' },
      },
    );
    if (r.status !== 0) throw new Error(`pare build ${image} failed:\n${r.stderr}`);
    const doc = JSON.parse(readFileSync(`${out}.spdx.json`, 'utf8')) as {
      packages: SpdxPackage[];
      hasExtractedLicensingInfos?: unknown[];
    };
    const pkgs = doc.packages.filter((p) => !p.primaryPackagePurpose);
    const concluded = pkgs.filter((p) => p.licenseConcluded !== 'NOASSERTION').length;
    const declared = pkgs.filter((p) => p.licenseDeclared !== 'NOASSERTION').length;
    console.log(
      `| ${image} | ${pkgs.length} | ${concluded} | ${pkgs.length - concluded} | ${pct(concluded, pkgs.length)} | ${declared} | ${doc.hasExtractedLicensingInfos?.length ?? 0} | \`${r.stdout.trim().slice(0, 19)}…\` |`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
