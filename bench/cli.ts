/**
 * Benchmark: the CLI's start-up as whole processes. `pare --version` and a
 * warm `pare resolve` through bin/pare.js (the one-file bundle that
 * `npm run build` makes), side by side with the same commands run from the
 * compiled modules (dist/src, what bin/pare.js loaded before the bundle), and
 * `node -e 0` as the floor. Medians of alternating runs, with the load average.
 *
 *   npm run build && node dist/bench/cli.js [--runs 15] [--config examples/python3.yaml]
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    config: { type: 'string', default: 'examples/python3.yaml' },
  },
});
const runs = Number(values.runs);
const config = resolve(root, values.config!);
const work = mkdtempSync(join(tmpdir(), 'pare-bench-cli-'));
// The same entry as bin/pare.js, loading the compiled modules instead of the bundle.
const unbundled = join(work, 'pare-modules.mjs');
writeFileSync(
  unbundled,
  `const { main } = await import(${JSON.stringify(join(root, 'dist/src/cli/main.js'))});\n` +
    'process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });\n',
);

function time(args: string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return performance.now() - t;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const cases: Record<string, string[]> = {
  'node -e 0 (floor)': ['-e', '0'],
  'pare --version (bundle)': [join(root, 'bin/pare.js'), '--version'],
  'pare --version (modules)': [unbundled, '--version'],
  'pare resolve, warm (bundle)': [join(root, 'bin/pare.js'), 'resolve', config],
  'pare resolve, warm (modules)': [unbundled, 'resolve', config],
};
const loadBefore = loadavg()
  .map((x) => x.toFixed(1))
  .join(' ');
time(cases['pare resolve, warm (bundle)']!); // fill the cache
const results: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let i = 0; i < runs; i++) for (const [k, args] of Object.entries(cases)) results[k]!.push(time(args));
console.log('| command | median | runs (ms) |');
console.log('|---|---|---|');
for (const [k, xs] of Object.entries(results)) {
  console.log(`| ${k} | ${Math.round(median(xs))} ms | ${xs.map((x) => Math.round(x)).join(', ')} |`);
}
const m = (k: string) => median(results[k]!);
console.log(
  `ratio: --version bundle is ${(m('pare --version (modules)') / m('pare --version (bundle)')).toFixed(2)}x the modules' speed; resolve ${(m('pare resolve, warm (modules)') / m('pare resolve, warm (bundle)')).toFixed(2)}x`,
);
console.log(
  `load average: before ${loadBefore}, after ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
rmSync(work, { recursive: true, force: true });
