/**
 * Benchmark: pare against apko on the same APK repository, side by side.
 *
 * A signed repository is generated and served on 127.0.0.1 (the test
 * helper): a base layout package, a CA bundle and N application packages of
 * a few hundred KiB each, chained by dependencies. Both tools build the same
 * package set into an image tarball (pare: docker-archive, no SBOM; apko:
 * its OCI tarball, --sbom=false), as whole processes:
 *
 * - cold: an empty cache each run (both download, verify and unpack);
 * - warm: the second build with the same cache.
 *
 * Prints each median and the ratio apko / pare (> 1: pare is faster).
 * Run: npm run build && node dist/bench/apk.js [--runs 5] [--packages 40]
 * Needs apko (scripts/install-test-tools.sh installs it).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startApkRepo, type ApkFixturePackage } from '../test/helpers/apk-repo.js';
import { apkoBinary } from '../test/helpers/apko.js';
import { PARE_BIN } from '../test/helpers/cli.js';

const exec = promisify(execFile);

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

function packages(n: number): ApkFixturePackage[] {
  const out: ApkFixturePackage[] = [
    {
      name: 'wolfi-baselayout',
      version: '20230201-r23',
      files: [{ path: 'etc/os-release', data: 'ID=wolfi\nNAME="Wolfi"\nVERSION_ID="20230201"\n' }],
    },
    {
      name: 'ca-certificates-bundle',
      version: '20250619-r3',
      files: [{ path: 'etc/ssl/certs/ca-certificates.crt', data: '-----BEGIN CERTIFICATE-----\nMIIB\n' }],
    },
  ];
  for (let i = 0; i < n; i++) {
    out.push({
      name: `app-lib${i}`,
      version: `1.${i}-r0`,
      depends: i > 0 ? [`app-lib${i - 1}`, 'wolfi-baselayout'] : ['wolfi-baselayout'],
      files: [
        // Half random (incompressible), half text: a realistic mix for gzip on both sides.
        { path: `usr/lib/app/lib${i}.so`, data: randomBytes(128 << 10), mode: 0o755 },
        { path: `usr/share/app/${i}.txt`, data: `line ${i}\n`.repeat(20_000) },
      ],
    });
  }
  return out;
}

async function main(): Promise<void> {
  const runs = arg('runs', 5);
  const n = arg('packages', 40);
  const apko = apkoBinary();
  const work = await mkdtemp(path.join(tmpdir(), 'pare-bench-apk-'));
  const repo = await startApkRepo({ packages: packages(n) });
  try {
    const want = ['ca-certificates-bundle', `app-lib${n - 1}`];
    const pareYaml = path.join(work, 'pare.yaml');
    await writeFile(
      pareYaml,
      `contents:\n  repositories:\n    - type: apk\n      url: ${repo.url}\n      keyring: [${repo.keyFile}]\n  packages: [${want.join(', ')}]\narchs: [amd64]\n`,
    );
    const apkoYaml = path.join(work, 'apko.yaml');
    await writeFile(
      apkoYaml,
      `contents:\n  repositories: [${repo.url}]\n  keyring: [${repo.keyFile}]\n  packages: [${want.join(', ')}]\narchs: [x86_64]\n`,
    );
    const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000', CI: '1' };
    const pare = (cache: string) =>
      exec(
        process.execPath,
        [
          PARE_BIN,
          'build',
          pareYaml,
          '--tarball',
          path.join(work, 'pare.tar'),
          '--no-sbom',
          '-q',
          '--cache-dir',
          cache,
        ],
        { env, maxBuffer: 64 << 20 },
      );
    const apkoBuild = (cache: string) =>
      exec(
        apko,
        [
          'build',
          apkoYaml,
          'bench:latest',
          path.join(work, 'apko.tar'),
          '--arch',
          'x86_64',
          '--sbom=false',
          '--cache-dir',
          cache,
        ],
        { env, cwd: work, maxBuffer: 64 << 20 },
      );
    const times = {
      pareCold: [] as number[],
      pareWarm: [] as number[],
      apkoCold: [] as number[],
      apkoWarm: [] as number[],
    };
    for (let i = 0; i < runs; i++) {
      // Interleaved, so drift in the machine's load hits both tools alike.
      const pc = path.join(work, `pare-cache-${i}`);
      const ac = path.join(work, `apko-cache-${i}`);
      times.pareCold.push(await timed(() => pare(pc)));
      times.apkoCold.push(await timed(() => apkoBuild(ac)));
      times.pareWarm.push(await timed(() => pare(pc)));
      times.apkoWarm.push(await timed(() => apkoBuild(ac)));
      await rm(pc, { recursive: true, force: true });
      await rm(ac, { recursive: true, force: true });
    }
    const line = (what: string, p: number[], a: number[]) =>
      `${what.padEnd(6)} pare ${median(p).toFixed(2)} s   apko ${median(a).toFixed(2)} s   apko/pare ${(median(a) / median(p)).toFixed(1)}×`;
    process.stdout.write(
      [
        `APK image, ${n + 2} packages from a local signed repository, ${runs} runs each, medians (whole processes):`,
        line('cold', times.pareCold, times.apkoCold),
        line('warm', times.pareWarm, times.apkoWarm),
        '',
      ].join('\n'),
    );
  } finally {
    await repo.close();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
