/**
 * Memory does not grow with the image: a signed repository whose package
 * unpacks to a 3 GiB (sparse) file builds while the build process's peak
 * resident memory (VmHWM in /proc/<pid>/status) stays under 1 GiB — a guard,
 * not a timing. Under a lowered limit the same package is refused with
 * LIMIT_EXCEEDED, exit 1, and no output.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { PARE_BIN, REPO_ROOT } from '../helpers/cli.js';
import { startFixtureRepo, type FixtureRepo } from '../helpers/repo.js';
import { makeSparseDeb } from '../helpers/sparse-deb.js';

const GiB = 1024 ** 3;
const BIG = 3 * GiB;
const BIG_PATH = 'opt/big/zeros.bin';

interface Run {
  code: number;
  stderr: string;
  /** Peak resident set size in bytes, from the last /proc/<pid>/status read before exit. */
  peak: number;
}

/** Run `pare ARGS` as its own process, sampling VmHWM until it exits. */
function runMeasured(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PARE_BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, CI: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let peak = 0;
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const sample = async (): Promise<void> => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) * 1024);
      } catch {
        // exited between samples
      }
    };
    const timer = setInterval(() => void sample(), 25);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ code: code ?? 1, stderr, peak });
    });
  });
}

/** Walk a gzip'd tar layer as a stream: each entry's name and size, nothing held in memory. */
async function layerEntries(file: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let skip = 0; // data bytes (with padding) still to skip
  let pending = Buffer.alloc(0);
  for await (const chunk of createReadStream(file).pipe(createGunzip())) {
    let c = chunk as Buffer;
    if (skip >= c.length) {
      skip -= c.length;
      continue;
    }
    c = c.subarray(skip);
    skip = 0;
    pending = Buffer.concat([pending, c]);
    while (pending.length >= 512 && skip === 0) {
      const h = pending.subarray(0, 512);
      if (h.every((b) => b === 0)) return out;
      const name = h.subarray(0, 100).toString('latin1').replace(/\0.*$/s, '');
      const size = parseInt(h.subarray(124, 136).toString('latin1'), 8) || 0;
      out.set(name, size);
      const data = Math.ceil(size / 512) * 512;
      const here = Math.min(data, pending.length - 512);
      skip = data - here;
      pending = pending.subarray(512 + here);
    }
  }
  return out;
}

describe('a package that unpacks to 3 GiB', { timeout: 900_000 }, () => {
  let repo: FixtureRepo;
  let work: string;
  const config = async (name: string, extra = ''): Promise<string> => {
    const file = join(work, name);
    await writeFile(
      file,
      `contents:\n  repositories:\n    - url: ${repo.url}\n      suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: [big]\n${extra}`,
    );
    return file;
  };

  before(async () => {
    const deb = makeSparseDeb({ name: 'big', version: '1.0', arch: 'amd64', path: `./${BIG_PATH}`, size: BIG });
    repo = await startFixtureRepo({ suites: { stable: [{ name: 'big', version: '1.0', deb }] } });
    work = await mkdtemp(join(tmpdir(), 'pare-large-'));
  });
  after(async () => {
    await repo.close();
    await rm(work, { recursive: true, force: true });
  });

  it('builds with peak memory under 1 GiB, the file whole in the layer', async (t) => {
    const out = join(work, 'out');
    const r = await runMeasured(['build', await config('big.yaml'), '-o', out, '--cache-dir', join(work, 'cache')]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.peak > 0, 'VmHWM was read');
    t.diagnostic(`peak RSS of the build: ${(r.peak / 2 ** 20).toFixed(0)} MiB`);
    assert.ok(r.peak < GiB, `peak RSS ${(r.peak / 2 ** 20).toFixed(0)} MiB, want < 1024 MiB`);
    const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8'));
    const blob = (d: string) => join(out, 'blobs', 'sha256', d.replace(/^sha256:/, ''));
    const manifest = JSON.parse(await readFile(blob(index.manifests[0].digest), 'utf8'));
    assert.equal(manifest.layers.length, 1);
    assert.ok(manifest.layers[0].size < 64 * 2 ** 20, 'zeros compress: the layer blob is small');
    const entries = await layerEntries(blob(manifest.layers[0].digest));
    assert.equal(entries.get(BIG_PATH), BIG, `${BIG_PATH} is in the layer with all its bytes`);
  });

  it('is refused under a lowered package limit (config) with LIMIT_EXCEEDED and no output', async () => {
    const out = join(work, 'out-refused');
    const cache = join(work, 'cache-refused');
    const file = await config('limited.yaml', 'limits:\n  package-size: 1G\n');
    const r = await runMeasured(['build', file, '-o', out, '--cache-dir', cache]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /error\[LIMIT_EXCEEDED\]/);
    assert.match(r.stderr, /big_1\.0_amd64\.deb unpacks to more than 1\.0 GiB/);
    assert.match(r.stderr, /hint: .*--max-package-size/);
    assert.equal(existsSync(out), false, 'no output');
    const blobs = await readdir(join(cache, 'blobs', 'sha256'));
    assert.deepEqual(
      blobs.filter((b) => b.startsWith('.')),
      [],
      'no spool file left in the cache',
    );
  });

  it('is refused under a lowered image limit (flag), also when already unpacked in the cache', async () => {
    const out = join(work, 'out-refused-2');
    const r = await runMeasured([
      'build',
      await config('big-again.yaml'),
      '-o',
      out,
      '--cache-dir',
      join(work, 'cache'),
      '--max-image-size',
      '2G',
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /error\[LIMIT_EXCEEDED\]/);
    assert.match(r.stderr, /limit for one image/);
    assert.equal(existsSync(out), false, 'no output');
  });
});
