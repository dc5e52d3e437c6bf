/**
 * `pare lock --update [PKG...]` against a generated, signed repository whose
 * security suite gained newer uploads after the lock was made: naming a
 * package moves only it and what it needs (a new dependency, a sibling it
 * depends on with =), keeps every other locked version, prints the diff, and
 * the result builds with --locked; no names updates everything.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseLockfile } from '../../src/resolve/lock.js';
import { pareInProcess } from '../helpers/cli.js';
import { startFixtureRepo, type FixtureRepo } from '../helpers/repo.js';
import { configText, MAIN, UPDATES } from './security-fixture.js';

describe('pare lock --update', { timeout: 180_000 }, () => {
  let repo: FixtureRepo;
  let work: string;
  let config: string;
  let original: string;
  const cache = () => ['--cache-dir', join(work, 'cache')];
  const versions = async (file: string) =>
    Object.fromEntries(
      parseLockfile(await readFile(file, 'utf8'), file).archs.amd64!.packages.map((p) => [p.name, p.version]),
    );
  /** A copy of the original lock to update. */
  const copy = async (name: string) => {
    const f = join(work, name);
    await copyFile(original, f);
    return f;
  };
  before(async () => {
    repo = await startFixtureRepo({ suites: { bookworm: MAIN, 'bookworm-updates': [], 'bookworm-security': [] } });
    work = await mkdtemp(join(tmpdir(), 'pare-update-'));
    config = join(work, 'pare.yaml');
    await writeFile(config, configText(repo));
    const locked = await pareInProcess(['lock', config, ...cache()]);
    assert.equal(locked.code, 0, locked.stderr);
    original = join(work, 'pare.lock.json');
    await repo.publish({ bookworm: MAIN, ...UPDATES });
  });
  after(async () => {
    await repo.close();
    await rm(work, { recursive: true, force: true });
  });

  it('--update PKG moves only that package and what it newly needs, and prints the diff', async () => {
    const before = await versions(original);
    assert.deepEqual(before, {
      app: '1.0',
      'libbar-common': '2.0-1',
      libbar1: '2.0-1',
      libfoo: '1.0-1',
      zdata: '2024a-0',
    });
    const f = await copy('foo.lock.json');
    const r = await pareInProcess(['lock', config, '--update', 'libfoo', '-o', f, ...cache()]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `amd64: libfoo 1.0-1 -> 1.0-1+deb12u2\namd64: + libnew 1.0\n${f}\n`);
    assert.deepEqual(await versions(f), { ...before, libfoo: '1.0-1+deb12u2', libnew: '1.0' });
  });

  it('a dependency the updated package needs in a newer version moves with it; others stay', async () => {
    const f = await copy('bar.lock.json');
    const r = await pareInProcess(['lock', config, '--update', 'libbar1', '-o', f, ...cache()]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `amd64: libbar-common 2.0-1 -> 2.0-1+deb12u1\namd64: libbar1 2.0-1 -> 2.0-1+deb12u1\n${f}\n`,
    );
  });

  it('the updated lock builds with --locked, and pare outdated then lists only the rest', async () => {
    const f = await copy('pare.lock.json.updated');
    assert.equal((await pareInProcess(['lock', config, '--update', 'libfoo', '-o', f, ...cache()])).code, 0);
    await copyFile(f, original);
    const b = await pareInProcess(['build', config, '--locked', '-o', join(work, 'img'), ...cache()]);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, /^sha256:[0-9a-f]{64}\n$/);
    const o = await pareInProcess(['outdated', config, '--json', ...cache()]);
    assert.equal(o.code, 3, o.stderr);
    assert.deepEqual(
      (JSON.parse(o.stdout) as { packages: Array<{ name: string }> }).packages.map((p) => p.name),
      ['libbar-common', 'libbar1', 'zdata'],
    );
  });

  it('--update without names re-resolves everything; then nothing is outdated (exit 0)', async () => {
    const r = await pareInProcess(['lock', config, '--update', ...cache()]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /amd64: zdata 2024a-0 -> 2024b-0\n/);
    assert.match(r.stdout, /amd64: libbar1 2\.0-1 -> 2\.0-1\+deb12u1\n/);
    const again = await pareInProcess(['lock', config, '--update', ...cache()]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, `${original}\n`);
    assert.match(again.stderr, /no package changed/);
    const o = await pareInProcess(['outdated', config, ...cache()]);
    assert.equal(o.code, 0, o.stderr);
  });

  it('an unknown name is NOT_LOCKED with a suggestion, and the lock is left as it was', async () => {
    const f = await copy('typo.lock.json');
    const bytes = await readFile(f);
    const r = await pareInProcess(['lock', config, '--update', 'libfo', '-o', f, ...cache()]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /error\[NOT_LOCKED\]: libfo is not a package locked in/);
    assert.match(r.stderr, /hint: did you mean libfoo\?/);
    assert.deepEqual(await readFile(f), bytes);
  });

  it('--update needs an existing lock (LOCK_READ); names need --update (USAGE)', async () => {
    const r = await pareInProcess(['lock', config, '--update', '-o', join(work, 'none.json'), ...cache()]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error\[LOCK_READ\].*none\.json/);
    assert.match(r.stderr, /hint: create it with `pare lock CONFIG`, or pass -o FILE/);
    const u = await pareInProcess(['lock', config, 'libfoo', ...cache()]);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /error\[USAGE\]/);
  });
});
