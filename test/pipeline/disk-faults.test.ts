/**
 * Faults that lose nothing: a full disk under the output or under the cache
 * (a 1 MiB tmpfs), and an output directory that cannot be written (a
 * read-only tmpfs). Each build fails with exit 1 and a coded error, leaves no
 * partial output, and leaves a cache that a later build uses as it is.
 * Mounting needs root, as the tests run (CI too).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pareInProcess } from '../helpers/cli.js';
import { startFixtureRepo, type FixtureRepo } from '../helpers/repo.js';
import { requireTool } from '../helpers/tools.js';

function mount(dir: string, opts: string): void {
  execFileSync(requireTool('mount'), ['-t', 'tmpfs', '-o', opts, 'tmpfs', dir]);
}
function umount(dir: string): void {
  execFileSync(requireTool('umount'), [dir]);
}

describe('disk faults', { timeout: 300_000 }, () => {
  let repo: FixtureRepo;
  let work: string;
  let config: string;
  let n = 0;
  const mounts: string[] = [];
  before(async () => {
    // 2 MiB that do not compress: the layer cannot fit in 1 MiB.
    const big = randomBytes(2 << 20);
    repo = await startFixtureRepo({
      suites: { stable: [{ name: 'hello', version: '1.0-1', files: [{ path: './usr/share/hello/blob', data: big }] }] },
    });
    work = await mkdtemp(join(tmpdir(), 'pare-disk-'));
    config = join(work, 'pare.yaml');
    await writeFile(
      config,
      `contents:\n  repositories:\n    - url: ${repo.url}\n      suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: [hello]\n`,
    );
  });
  after(async () => {
    for (const m of mounts) {
      try {
        umount(m);
      } catch {
        // already unmounted
      }
    }
    await repo.close();
    await rm(work, { recursive: true, force: true });
  });

  async function tmpfs(opts: string): Promise<string> {
    const dir = join(work, `mnt-${++n}`);
    await mkdir(dir);
    mount(dir, opts);
    mounts.push(dir);
    return dir;
  }

  async function build(out: string, cache: string) {
    return pareInProcess(['build', config, '-o', out, '--cache-dir', cache]);
  }

  function failed(r: { code: number; stderr: string }, codes: string[]): void {
    assert.equal(r.code, 1, `exit ${r.code}, want 1 (never 70):\n${r.stderr}`);
    assert.match(r.stderr, new RegExp(`error\\[(${codes.join('|')})\\]`), r.stderr);
    assert.match(r.stderr, /hint: /);
  }

  it('a full disk under the output: OUTPUT_WRITE, no partial output, and the cache builds the image afterwards', async () => {
    const disk = await tmpfs('size=1m');
    const cache = join(work, 'cache-1');
    const r = await build(join(disk, 'out'), cache);
    failed(r, ['OUTPUT_WRITE']);
    assert.deepEqual(readdirSync(disk), [], 'nothing left on the full disk');
    const ok = await build(join(work, 'out-1'), cache);
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('a full disk under the cache: CACHE_IO, no output, and what the cache holds still serves a build', async () => {
    const disk = await tmpfs('size=1m');
    const out = join(work, 'out-2');
    const r = await build(out, join(disk, 'cache'));
    failed(r, ['CACHE_IO']);
    assert.equal(existsSync(out), false, 'no output');
    const copy = join(work, 'cache-2');
    await cp(join(disk, 'cache'), copy, { recursive: true });
    const ok = await build(out, copy);
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('an output directory that cannot be written: OUTPUT_WRITE, nothing written', async () => {
    const ro = await tmpfs('size=1m,ro');
    const r = await build(join(ro, 'out'), join(work, 'cache-3'));
    failed(r, ['OUTPUT_WRITE']);
    assert.deepEqual(readdirSync(ro), []);
  });
});
