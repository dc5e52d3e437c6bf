/**
 * Benchmark: push a ~25 MB OCI image layout (3 layers of incompressible
 * data) to a local docker-registry over loopback, cold (a new repository)
 * and repeated (everything already there), with pare (library in-process, and
 * the `pare push` CLI as a process) against `skopeo copy` of the same layout.
 * Every run starts a fresh registry (new storage, new port), so no tool's
 * cache of blob locations (skopeo keeps one) turns a cold push into a mount.
 * Run: npm run build && node dist/bench/push.js [runs] [LAYOUT:TAG]
 * With LAYOUT:TAG (e.g. the `out:latest` that README line 1 builds from
 * examples/base.yaml) that layout is pushed instead of the random image.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { readLayout, writeLayout } from '../src/oci/layout.js';
import { pushImage } from '../src/oci/registry/index.js';
import { PARE_BIN } from '../test/helpers/cli.js';
import { randomImage, startRegistry } from '../test/helpers/registry.js';

const run = promisify(execFile);
const RUNS = Number(process.argv[2] ?? 5);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function main(): Promise<void> {
  const tmp = await mkdtemp(path.join(tmpdir(), 'pare-bench-push-'));
  try {
    const given = process.argv[3];
    const img = given
      ? await readLayout(given.slice(0, given.lastIndexOf(':')), given.slice(given.lastIndexOf(':') + 1))
      : await randomImage('bench', [20_000_000, 4_000_000, 1_000_000]);
    if (!('layers' in img)) throw new Error(`${given} is an index; pass a single-platform layout`);
    const dir = path.join(tmp, 'layout');
    await writeLayout(dir, img, { tag: 'v1' });
    const size = img.layers.reduce((n, l) => n + l.size, 0) + img.configBytes.length;
    console.log(
      `image: ${img.layers.length} layers, ${(size / 1e6).toFixed(1)} MB, to docker-registry on loopback, ${RUNS} runs each`,
    );

    const t: Record<string, number[]> = {};
    const add = (k: string, ms: number) => (t[k] ??= []).push(ms);
    add('node startup', await timed(() => run(process.execPath, [PARE_BIN, '--version'])));
    for (let i = 0; i < RUNS; i++) {
      const reg = await startRegistry();
      try {
        const skopeo = (repo: string) =>
          run('skopeo', [
            'copy',
            '--quiet',
            '--dest-tls-verify=false',
            `oci:${dir}:v1`,
            `docker://${reg.host}/${repo}:v1`,
          ]);
        const cli = (repo: string) =>
          run(process.execPath, [PARE_BIN, 'push', `${dir}:v1`, `${reg.host}/${repo}:v1`, '--insecure'], {
            env: { ...process.env, CI: '1' },
          });
        const lib = async (repo: string) =>
          pushImage(`${reg.host}/${repo}:v1`, await readLayout(dir, 'v1'), { insecure: true });
        add('skopeo cold', await timed(() => skopeo('skopeo')));
        add('skopeo repeat', await timed(() => skopeo('skopeo')));
        add('pare lib cold', await timed(() => lib('lib')));
        add('pare lib repeat', await timed(() => lib('lib')));
        add('pare cli cold', await timed(() => cli('cli')));
        add('pare cli repeat', await timed(() => cli('cli')));
        add('node startup', await timed(() => run(process.execPath, [PARE_BIN, '--version'])));
      } finally {
        await reg.close();
      }
    }
    const med = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
    for (const [k, v] of Object.entries(t))
      console.log(
        `${k.padEnd(16)} median ${med[k]!.toFixed(0).padStart(5)} ms   runs: ${v.map((x) => x.toFixed(0)).join(' ')}`,
      );
    for (const mode of ['cold', 'repeat']) {
      const s = med[`skopeo ${mode}`];
      console.log(
        `${mode}: skopeo / pare cli = ${(s! / med[`pare cli ${mode}`]!).toFixed(2)}x, skopeo / pare lib = ${(s! / med[`pare lib ${mode}`]!).toFixed(2)}x`,
      );
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

await main();
