/**
 * A small coverage-guided mutation fuzzer (see README, "Fuzzing"). It runs one
 * target in the current thread: inputs come from a corpus, are mutated
 * (bit flips, byte values, numbers, insertions, deletions, duplications,
 * splices, dictionary words), run, and kept when V8's precise block coverage
 * of pare's code (taken through node:inspector after every run) shows a block
 * or a hit-count bucket not seen before.
 *
 * The property: a run returns, or throws a PareError. Anything else thrown is
 * a finding. Hangs and runaway memory are caught by the supervisor
 * (run.ts), which sees the input in `shared` (written before each run).
 */
import { Session } from 'node:inspector';
import { isPareError } from '../../src/errors.js';
import type { FuzzTarget } from './targets.js';

export const MAX_INPUT = 64 * 1024;
const BATCH = 16;

export interface Finding {
  kind: 'exception';
  input: Uint8Array;
  error: string;
}

export interface Stats {
  execs: number;
  corpus: number;
  features: number;
  findings: number;
}

/** The error a run ended with, if it is not a PareError (a finding), else undefined. */
export async function runOnce(target: FuzzTarget, input: Uint8Array): Promise<unknown> {
  try {
    await target.run(Buffer.from(input.buffer, input.byteOffset, input.length));
    return undefined;
  } catch (e) {
    return isPareError(e) ? undefined : (e ?? new Error(String(e)));
  }
}

export function describeError(e: unknown): string {
  return e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
}

/** Block coverage of the compiled pare sources since the last call, as feature keys. */
class Coverage {
  #session = new Session();
  /** Block ranges ever reported, per function. */
  #blocks = new Map<string, Map<string, [number, number]>>();
  constructor(private readonly include: (url: string) => boolean) {
    this.#session.connect();
    this.#session.post('Profiler.enable');
    this.#session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  }

  /**
   * V8 reports a block's range only when its count differs from its
   * function's: a block run as often as its function is left out. So the
   * blocks of each function seen so far are remembered, and a block counts as
   * run when its function ran and no range reported with count 0 holds it.
   */
  take(): string[] {
    let result: import('node:inspector').Profiler.ScriptCoverage[] = [];
    // An in-thread session answers synchronously.
    this.#session.post('Profiler.takePreciseCoverage', (err, r) => {
      if (!err) result = r.result;
    });
    const out: string[] = [];
    for (const script of result) {
      if (!this.include(script.url)) continue;
      for (const fn of script.functions) {
        const [whole, ...ranges] = fn.ranges;
        if (!whole || whole.count === 0) continue;
        const id = `${script.scriptId}:${whole.startOffset}`;
        out.push(`${id}:${bucket(whole.count)}`);
        let blocks = this.#blocks.get(id);
        if (!blocks) this.#blocks.set(id, (blocks = new Map()));
        const zero: [number, number][] = [];
        for (const r of ranges) {
          blocks.set(`${r.startOffset}:${r.endOffset}`, [r.startOffset, r.endOffset]);
          if (r.count === 0) zero.push([r.startOffset, r.endOffset]);
          else out.push(`${id}:${r.startOffset}:${r.endOffset}:${bucket(r.count)}`);
        }
        for (const [key, [a, b]] of blocks) {
          if (!zero.some(([za, zb]) => za <= a && b <= zb)) out.push(`${id}:${key}`);
        }
      }
    }
    return out;
  }

  stop(): void {
    this.#session.disconnect();
  }
}

/** AFL's hit-count buckets: 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+. */
function bucket(n: number): number {
  return n <= 3 ? n : n < 8 ? 4 : n < 16 ? 5 : n < 32 ? 6 : n < 128 ? 7 : 8;
}

/** A seeded PRNG (xorshift32). */
export function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % Math.max(1, n);
  };
}

const INTERESTING = ['0', '1', '-1', '255', '4294967295', '4294967296', '9007199254740993', '77777777777', '1e999'];

/** One to four stacked mutations of `input`. */
export function mutate(input: Uint8Array, r: (n: number) => number, corpus: Uint8Array[], dict: string[]): Uint8Array {
  let b = Buffer.from(input);
  for (let k = 1 + r(4); k > 0; k--) {
    const at = r(b.length + 1);
    switch (r(9)) {
      case 0:
        if (b.length) b[Math.min(at, b.length - 1)]! ^= 1 << r(8);
        break;
      case 1:
        if (b.length) b[Math.min(at, b.length - 1)] = [0, 0xff, 0x7f, 0x80, 0x0a, 0x20, r(256)][r(7)]!;
        break;
      case 2: {
        const n = 1 + r(Math.min(64, b.length + 1));
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + n)]);
        break;
      }
      case 3: {
        const n = 1 + r(32);
        b = Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: n }, () => r(256))), b.subarray(at)]);
        break;
      }
      case 4: {
        const from = r(b.length);
        const n = 1 + r(Math.min(256, b.length - from + 1));
        b = Buffer.concat([b.subarray(0, at), b.subarray(from, from + n), b.subarray(at)]);
        break;
      }
      case 5: {
        // A run of ASCII digits becomes another number (sizes, lengths, counts in text formats).
        const s = b.toString('latin1');
        const m = [...s.matchAll(/\d+/g)];
        const hit = m[r(m.length)];
        if (hit) {
          const v = INTERESTING[r(INTERESTING.length)]!;
          b = Buffer.concat([b.subarray(0, hit.index), Buffer.from(v), b.subarray(hit.index + hit[0].length)]);
        }
        break;
      }
      case 6: {
        const other = corpus[r(corpus.length)];
        if (other && other.length) {
          const from = r(other.length);
          b = Buffer.concat([b.subarray(0, at), other.subarray(from, from + 1 + r(512))]);
        }
        break;
      }
      case 7:
        if (dict.length) {
          const w = Buffer.from(dict[r(dict.length)]!, 'latin1');
          b = Buffer.concat([b.subarray(0, at), w, b.subarray(at)]);
        }
        break;
      default:
        if (b.length > 4) b = b.subarray(0, r(b.length));
    }
  }
  return b.length > MAX_INPUT ? b.subarray(0, MAX_INPUT) : b;
}

export interface FuzzOptions {
  seconds: number;
  seed: number;
  corpus: Uint8Array[];
  /** Called with each input before it runs (the supervisor's copy). */
  onInput?: (input: Uint8Array, execs: number) => void;
  onFinding?: (f: Finding) => void;
  /** Called with each input that found new coverage. */
  onNew?: (input: Uint8Array) => void;
  include?: (url: string) => boolean;
  /** Stop after this many runs (for deterministic tests). */
  maxExecs?: number;
  /** Stop at the first finding (for tests). */
  stopAtFinding?: boolean;
}

export async function fuzz(target: FuzzTarget, o: FuzzOptions): Promise<Stats> {
  const cov = new Coverage(o.include ?? ((u) => u.includes('/dist/src/')));
  const seen = new Set<string>();
  const corpus: Uint8Array[] = [];
  const stats: Stats = { execs: 0, corpus: 0, features: 0, findings: 0 };
  const reported = new Set<string>();
  const r = rng(o.seed);
  const run = async (input: Uint8Array): Promise<boolean> => {
    o.onInput?.(input, stats.execs);
    const err = await runOnce(target, input);
    stats.execs++;
    if (err === undefined) return true;
    // One report per distinct place in pare's code (first stack line under dist/src).
    const text = describeError(err);
    const where = `${(err as Error)?.name}:${/\/dist\/src\/[^)]+/.exec(text)?.[0] ?? text.slice(0, 80)}`;
    if (!reported.has(where)) {
      reported.add(where);
      stats.findings++;
      o.onFinding?.({ kind: 'exception', input, error: text });
    }
    return false;
  };
  const isNew = (features: string[]) => features.some((f) => !seen.has(f));
  /** Runs one input alone and keeps it if it reached new coverage (or if `always`). */
  const single = async (input: Uint8Array, always: boolean) => {
    const ok = await run(input);
    const features = cov.take();
    const fresh = isNew(features);
    for (const f of features) seen.add(f);
    if (ok && (fresh || always)) {
      corpus.push(input);
      if (fresh) o.onNew?.(input);
    }
  };
  try {
    for (const seed of o.corpus) await single(seed.length > MAX_INPUT ? seed.subarray(0, MAX_INPUT) : seed, true);
    if (corpus.length === 0) corpus.push(new Uint8Array(0));
    const deadline = Date.now() + o.seconds * 1000;
    // Coverage is taken once per batch (taking it costs more than most runs); a batch that
    // reached something new is run again input by input to find which inputs to keep.
    const batch: Uint8Array[] = [];
    const more = () =>
      Date.now() < deadline &&
      (o.maxExecs === undefined || stats.execs < o.maxExecs) &&
      !(o.stopAtFinding && stats.findings > 0);
    while (more()) {
      const input = mutate(corpus[r(corpus.length)]!, r, corpus, target.dict ?? []);
      if (await run(input)) batch.push(input);
      if (batch.length < BATCH) continue;
      if (isNew(cov.take())) for (const b of batch) await single(b, false);
      batch.length = 0;
    }
  } finally {
    cov.stop();
  }
  stats.corpus = corpus.length;
  stats.features = seen.size;
  return stats;
}
