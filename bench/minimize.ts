/**
 * What minimization saves on the application examples: builds
 * examples/{python,node,java}-app/pare.yaml and their minimized.yaml (same
 * contents, `minimize:` with the committed trace and `elf: true`), plus
 * examples/python3.yaml as the reference, and prints a Markdown table —
 * packages listed in status.d, files, file bytes, compressed layers — and the
 * minimized Python application's share of python3's bytes.
 *
 *   npm run build && node dist/bench/minimize.js [--cache-dir DIR]
 *
 * The table goes to stdout, progress to stderr.
 */
import { pare } from './pare-process.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const MiB = 1024 * 1024;

const { values } = parseArgs({ options: { 'cache-dir': { type: 'string' } } });
const work = mkdtempSync(join(tmpdir(), 'pare-minimize-bench-'));
const cache = values['cache-dir'] ?? join(work, 'cache');

interface Row {
  image: string;
  packages: number;
  files: number;
  bytes: number;
  compressed: number;
}

function measure(config: string, name: string): Row {
  const layout = join(work, name.replace(/\W/g, '_'));
  pare(['build', join('examples', config), '-o', layout, '--cache-dir', cache, '-q']);
  const check = JSON.parse(pare(['check', layout, '--json']).stdout) as {
    summary: { packages: unknown[]; files: number; bytes: number };
  };
  const blob = (digest: string): Buffer =>
    readFileSync(join(layout, 'blobs', 'sha256', digest.replace(/^sha256:/, '')));
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const manifest = JSON.parse(blob(index.manifests[0]!.digest).toString()) as { layers: { size: number }[] };
  return {
    image: name,
    packages: check.summary.packages.length,
    files: check.summary.files,
    bytes: check.summary.bytes,
    compressed: manifest.layers.reduce((n, l) => n + l.size, 0),
  };
}

const mib = (n: number): string => `${(n / MiB).toFixed(1)} MiB`;

try {
  const rows: Row[] = [];
  const todo: Array<[string, string]> = [['python3.yaml', 'python3 (reference)']];
  for (const app of ['python-app', 'node-app', 'java-app'])
    todo.push([`${app}/pare.yaml`, app], [`${app}/minimized.yaml`, `${app}, minimized`]);
  for (const [config, name] of todo) {
    process.stderr.write(`building ${config}…\n`);
    rows.push(measure(config, name));
  }
  const out = [
    '| image | packages in status.d | files | uncompressed (files) | compressed |',
    '|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.image} | ${r.packages} | ${r.files} | ${mib(r.bytes)} | ${mib(r.compressed)} |`),
  ];
  const py = rows.find((r) => r.image === 'python3 (reference)')!;
  const min = rows.find((r) => r.image === 'python-app, minimized')!;
  out.push('', `minimized python-app / python3: ${((100 * min.bytes) / py.bytes).toFixed(1)}% of the file bytes`);
  process.stdout.write(`${out.join('\n')}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
