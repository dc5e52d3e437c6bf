/**
 * `npm run fuzz`: runs every fuzz target (or those named) for a bounded time
 * each, in a worker thread with a heap limit, under a watchdog.
 *
 *   node dist/test/fuzz/run.js [--seconds 30] [--runs N] [--target a,b] [--seed N] [--record FILE]
 *
 * With --runs and --seed a run is deterministic (CI uses that: same code, same
 * findings); --seconds alone runs as many inputs as the machine manages.
 * An exception other than a PareError, a run that makes no progress for
 * --hang-ms (a hang), or a worker that runs out of its heap is a finding: the
 * input is saved under test/fuzz/findings/TARGET/ (commit it: the replay test
 * runs it from then on) and the exit status is 1. Inputs that found new
 * coverage are kept in .fuzz/TARGET/ (not committed) for the next run.
 * --record writes the per-target totals as a Markdown table.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MAX_INPUT } from './engine.js';
import { TARGETS } from './targets.js';
import type { WorkerInput, WorkerMessage } from './worker.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CORPUS_DIR = path.join(ROOT, 'test/fuzz/corpus');
export const FINDINGS_DIR = path.join(ROOT, 'test/fuzz/findings');
const WORK_DIR = path.join(ROOT, '.fuzz');

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
}

export function readInputs(dir: string): Uint8Array[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((f) => readFileSync(path.join(dir, f)));
}

function save(dir: string, prefix: string, input: Uint8Array): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${prefix}${createHash('sha1').update(input).digest('hex').slice(0, 12)}`);
  writeFileSync(file, input);
  return file;
}

interface Totals {
  target: string;
  execs: number;
  seconds: number;
  corpus: number;
  features: number;
  findings: string[];
}

/** One worker for up to `seconds`; resolves with its stats, or with the finding that killed it. */
function runWorker(
  target: string,
  seconds: number,
  seed: number,
  hangMs: number,
  t: Totals,
  runs?: number,
): Promise<'done' | 'killed'> {
  const shared = new SharedArrayBuffer(8 + MAX_INPUT);
  const head = new Int32Array(shared, 0, 2);
  const corpus = [
    ...readInputs(path.join(CORPUS_DIR, target)),
    ...readInputs(path.join(FINDINGS_DIR, target)),
    ...readInputs(path.join(WORK_DIR, target)),
  ];
  const data: WorkerInput = { target, seconds, seed, corpus, shared, ...(runs ? { runs } : {}) };
  const worker = new Worker(new URL('./worker.js', import.meta.url), {
    workerData: data,
    resourceLimits: { maxOldGenerationSizeMb: 512 },
  });
  const current = () => new Uint8Array(shared, 8, Atomics.load(head, 1)).slice();
  const finding = (kind: string, input: Uint8Array, error: string) => {
    const file = save(path.join(FINDINGS_DIR, target), `${kind}-`, input);
    t.findings.push(`${kind}: ${path.relative(ROOT, file)}`);
    console.error(`\n[${target}] FINDING (${kind}) saved as ${path.relative(ROOT, file)}\n${error}\n`);
  };
  return new Promise((resolve) => {
    let last = -1;
    let still = 0;
    let settled = false;
    const end = (how: 'done' | 'killed') => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      resolve(how);
    };
    const timer = setInterval(() => {
      const n = Atomics.load(head, 0);
      still = n === last ? still + 200 : 0;
      last = n;
      if (still >= hangMs) {
        finding('hang', current(), `no progress for ${hangMs} ms`);
        t.execs += n;
        void worker.terminate().then(() => end('killed'));
      }
    }, 200);
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'finding') finding('crash', m.input, m.error);
      else if (m.type === 'new') save(path.join(WORK_DIR, target), '', m.input);
      else {
        Object.assign(t, { execs: t.execs + m.execs, corpus: m.corpus, features: m.features });
        end('done');
      }
    });
    worker.on('error', (e) => {
      const runs = Atomics.load(head, 0);
      // Out of heap (or another death) while running an input: that input is the finding.
      if (runs > 0) finding(/memory/i.test(String(e)) ? 'oom' : 'died', current(), String(e));
      else console.error(`[${target}] the worker failed before its first run: ${String(e)}`);
      t.execs += runs;
      end('killed');
    });
    worker.on('exit', () => end('killed'));
  });
}

async function main(): Promise<void> {
  const runs = Number(arg('runs', '0')) || undefined;
  const seconds = Number(arg('seconds', runs ? '600' : '30'));
  const hangMs = Number(arg('hang-ms', '10000'));
  const seed = Number(arg('seed', String(Date.now() % 1e9)));
  const only = arg('target', '');
  const names = only ? only.split(',') : TARGETS.map((x) => x.name);
  const all: Totals[] = [];
  for (const target of names) {
    const t: Totals = { target, execs: 0, seconds: 0, corpus: 0, features: 0, findings: [] };
    const start = Date.now();
    for (let restart = 0; restart < 4; restart++) {
      const left = seconds - (Date.now() - start) / 1000;
      if (left <= 0.5) break;
      if ((await runWorker(target, left, seed + restart, hangMs, t, runs)) === 'done') break;
    }
    t.seconds = (Date.now() - start) / 1000;
    all.push(t);
    console.log(
      `${target.padEnd(20)} ${String(t.execs).padStart(8)} runs ${t.seconds.toFixed(1).padStart(6)} s ` +
        `${Math.round(t.execs / t.seconds)
          .toString()
          .padStart(6)}/s corpus ${t.corpus} features ${t.features} findings ${t.findings.length}`,
    );
  }
  const record = arg('record', '');
  if (record) {
    const rows = all.map(
      (t) =>
        `| ${t.target} | ${t.execs} | ${t.seconds.toFixed(0)} | ${Math.round(t.execs / t.seconds)} | ${t.corpus} | ${t.features} | ${t.findings.length} |`,
    );
    const head =
      '| target | runs | seconds | runs/s | corpus kept | coverage features | findings |\n|---|---:|---:|---:|---:|---:|---:|';
    writeFileSync(record, `${head}\n${rows.join('\n')}\n`);
  }
  const found = all.flatMap((t) => t.findings);
  if (found.length > 0) {
    console.error(`\n${found.length} finding(s):\n${found.join('\n')}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main();
