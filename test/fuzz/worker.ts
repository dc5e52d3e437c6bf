/**
 * The fuzzing worker: runs one target (workerData) with the engine and
 * reports to the supervisor. Before each run it copies the input into the
 * shared buffer and bumps the run counter there, so the supervisor can save
 * the input that hangs or exhausts memory after it has killed this thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fuzz, MAX_INPUT } from './engine.js';
import { targetNamed } from './targets.js';

export interface WorkerInput {
  target: string;
  seconds: number;
  /** Stop after this many runs (deterministic with a fixed seed), if given. */
  runs?: number;
  seed: number;
  corpus: Uint8Array[];
  /** Int32 [runs, input length] then MAX_INPUT bytes. */
  shared: SharedArrayBuffer;
}

export type WorkerMessage =
  | { type: 'finding'; input: Uint8Array; error: string }
  | { type: 'new'; input: Uint8Array }
  | { type: 'done'; execs: number; corpus: number; features: number; findings: number };

const data = workerData as WorkerInput;
const head = new Int32Array(data.shared, 0, 2);
const body = new Uint8Array(data.shared, 8, MAX_INPUT);
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

const stats = await fuzz(targetNamed(data.target), {
  seconds: data.seconds,
  ...(data.runs ? { maxExecs: data.runs } : {}),
  seed: data.seed,
  corpus: data.corpus,
  onInput: (input, execs) => {
    body.set(input.subarray(0, MAX_INPUT));
    Atomics.store(head, 1, Math.min(input.length, MAX_INPUT));
    Atomics.store(head, 0, execs + 1);
  },
  onFinding: (f) => post({ type: 'finding', input: f.input, error: f.error }),
  onNew: (input) => post({ type: 'new', input }),
});
post({ type: 'done', ...stats });
