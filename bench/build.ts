/**
 * Benchmark: `pare build examples/base.yaml` with a filled cache, side by side
 * with the fastest Debian rootfs builder available here,
 * `mmdebstrap --variant=extract` (same packages, same mirror, its own package
 * and index caches filled) followed by `umoci` to make it an OCI image, pare
 * also without its whole-image memo (the path before it); and
 * both cold (empty caches: everything downloaded). Prints medians, every run,
 * pare's peak memory (VmHWM) and the ratios, with the load average.
 *
 *   npm run build && node dist/bench/build.js [--runs 7] [--cold-runs 3] [--config examples/base.yaml]
 *
 * Needs root (mmdebstrap in root mode) and mmdebstrap + umoci from apt.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { planSuites } from '../src/pipeline/sources.js';
import { loadConfig } from '../src/config/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    'cold-runs': { type: 'string', default: '3' },
    config: { type: 'string', default: 'examples/base.yaml' },
  },
});
const runs = Number(values.runs);
const coldRuns = Number(values['cold-runs']);
const TIME = '/usr/bin/time';
const peaks: number[] = [];
const configPath = resolve(root, values.config);
const work = mkdtempSync(join(tmpdir(), 'pare-bench-'));
const pareCache = join(work, 'pare-cache');

/** Run a command; with `rss`, through /usr/bin/time to record its peak resident memory in `peaks`. */
function sh(cmd: string, args: string[], opts: { cwd?: string; rss?: boolean } = {}): { ms: number; stdout: string } {
  const rss = opts.rss === true && existsSync(TIME);
  if (rss) [cmd, args] = [TIME, ['-f', 'maxrss=%M', cmd, ...args]];
  const t = performance.now();
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? root,
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    env: { ...process.env, CI: '1' },
  });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  const m = rss ? /maxrss=(\d+)/.exec(r.stderr) : null;
  if (m) peaks.push(Number(m[1]) / 1024);
  return { ms, stdout: r.stdout };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * With `meta/` removed, the cache still holds every .deb and Packages index
 * (content-addressed blobs) but none of the memoized work (resolution,
 * uncompressed data.tar, compressed layers): each run re-reads the indexes,
 * resolves, decompresses and compresses, as a first build with downloaded
 * packages would.
 */
function pareBuildNoMemo(): number {
  rmSync(join(pareCache, 'meta'), { recursive: true, force: true });
  return pareBuild();
}

function pareBuild(): number {
  return sh(
    process.execPath,
    [join(root, 'bin/pare.js'), 'build', configPath, '-o', join(work, 'pare-out'), '--cache-dir', pareCache],
    { rss: true },
  ).ms;
}

/**
 * With only the whole-image records unlinked (their meta pointers name blobs
 * that start with the record's header), the build takes the path it took
 * before whole-image memoization: resolution, unpacked packages and layers
 * memoized, the tree, slicing and the layer key recomputed.
 */
function pareBuildNoImageMemo(): number {
  const meta = join(pareCache, 'meta');
  for (const name of readdirSync(meta)) {
    const pointer = readFileSync(join(meta, name), 'utf8');
    const blob = join(pareCache, 'blobs', 'sha256', pointer);
    if (/^[0-9a-f]{64}$/.test(pointer) && existsSync(blob)) {
      const head = readFileSync(blob).subarray(0, 32).toString('latin1');
      if (head.startsWith('{"format":1,"digest":"sha256:')) rmSync(join(meta, name));
    }
  }
  return pareBuild();
}

/** A first build: nothing in the cache, every index and package downloaded. */
function pareBuildCold(): number {
  rmSync(pareCache, { recursive: true, force: true });
  return pareBuild();
}

async function main(): Promise<void> {
  // The exact package set pare installs, and the mirrors it uses.
  const plan = JSON.parse(
    sh(process.execPath, [join(root, 'bin/pare.js'), 'resolve', configPath, '--json', '--cache-dir', pareCache]).stdout,
  ) as { packages: Array<{ name: string }> };
  const names = plan.packages.map((p) => p.name);
  const config = await loadConfig(configPath);
  const specs = await planSuites(config, {});
  const sources = specs.map((s) => `deb ${s.url} ${s.suite} ${s.components.join(' ')}`);
  const debCache = join(work, 'apt-archives');
  const listCache = join(work, 'apt-lists');
  mkdirSync(debCache, { recursive: true });
  mkdirSync(listCache, { recursive: true });

  function peerCold(): number {
    rmSync(debCache, { recursive: true, force: true });
    rmSync(listCache, { recursive: true, force: true });
    mkdirSync(debCache, { recursive: true });
    mkdirSync(listCache, { recursive: true });
    return peer();
  }

  function peer(): number {
    const img = join(work, 'peer-img');
    const bundle = join(work, 'peer-bundle');
    rmSync(img, { recursive: true, force: true });
    rmSync(bundle, { recursive: true, force: true });
    const t = performance.now();
    sh('umoci', ['init', '--layout', img]);
    sh('umoci', ['new', '--image', `${img}:latest`]);
    sh('umoci', ['unpack', '--image', `${img}:latest`, bundle]);
    rmSync(join(bundle, 'rootfs'), { recursive: true, force: true });
    sh('mmdebstrap', [
      '--quiet',
      '--variant=extract',
      '--mode=root',
      `--include=${names.join(',')}`,
      '--skip=download/empty',
      '--skip=essential/unlink',
      '--skip=cleanup/apt/lists',
      `--setup-hook=mkdir -p "$1"/var/cache/apt/archives/ "$1"/var/lib/apt/lists/`,
      `--setup-hook=sync-in ${debCache} /var/cache/apt/archives/`,
      `--setup-hook=sync-in ${listCache} /var/lib/apt/lists/`,
      `--customize-hook=sync-out /var/cache/apt/archives ${debCache}`,
      `--customize-hook=sync-out /var/lib/apt/lists ${listCache}`,
      specs[0]!.suite,
      join(bundle, 'rootfs'),
      ...sources,
    ]);
    sh('umoci', ['repack', '--image', `${img}:latest`, bundle]);
    return performance.now() - t;
  }

  const loadBefore = loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  // Cold first (each from empty caches), then fill both caches and measure warm, alternately.
  const coldTimes: number[] = [];
  const peerColdTimes: number[] = [];
  for (let i = 0; i < coldRuns; i++) {
    coldTimes.push(pareBuildCold());
    peerColdTimes.push(peerCold());
  }
  const coldPeaks = peaks.splice(0);
  pareBuild();
  peer();
  peaks.splice(0);
  const pareTimes: number[] = [];
  const noMemoTimes: number[] = [];
  const noImageTimes: number[] = [];
  const peerTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    noMemoTimes.push(pareBuildNoMemo());
    pareBuild(); // memoize the image again
    noImageTimes.push(pareBuildNoImageMemo());
    pareTimes.push(pareBuild());
    peerTimes.push(peer());
  }
  const p = median(pareTimes);
  const q = median(peerTimes);
  const fmt = (xs: number[]) => xs.map((x) => Math.round(x)).join(', ');
  console.log(`packages: ${names.length} (${names.join(' ')})`);
  console.log(`| tool | median | runs (ms) |`);
  console.log(`|---|---|---|`);
  console.log(`| pare build (filled cache) | ${Math.round(p)} ms | ${fmt(pareTimes)} |`);
  const w = median(noImageTimes);
  console.log(
    `| pare build (filled cache, whole-image memo dropped: the path before it) | ${Math.round(w)} ms | ${fmt(noImageTimes)} |`,
  );
  const m = median(noMemoTimes);
  console.log(
    `| pare build (packages + indexes cached, no memoized work) | ${Math.round(m)} ms | ${fmt(noMemoTimes)} |`,
  );
  console.log(`| mmdebstrap --variant=extract + umoci (filled caches) | ${Math.round(q)} ms | ${fmt(peerTimes)} |`);
  if (coldRuns > 0) {
    console.log(`| pare build (empty cache) | ${Math.round(median(coldTimes))} ms | ${fmt(coldTimes)} |`);
    console.log(
      `| mmdebstrap --variant=extract + umoci (empty caches) | ${Math.round(median(peerColdTimes))} ms | ${fmt(peerColdTimes)} |`,
    );
  }
  console.log(
    `ratio: pare (filled cache) is ${(q / p).toFixed(1)}x faster; without the whole-image memo ${(q / w).toFixed(1)}x; without memoized work ${(q / m).toFixed(1)}x`,
  );
  if (coldRuns > 0) {
    console.log(`ratio, cold: pare is ${(median(peerColdTimes) / median(coldTimes)).toFixed(1)}x faster`);
  }
  const mb = (xs: number[]) => (xs.length ? `${Math.round(Math.max(...xs))} MB` : 'n/a (no /usr/bin/time)');
  console.log(`pare peak RSS: warm ${mb(peaks)}, cold ${mb(coldPeaks)}`);
  console.log(
    `load average: before ${loadBefore}, after ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  rmSync(work, { recursive: true, force: true });
}

await main();
