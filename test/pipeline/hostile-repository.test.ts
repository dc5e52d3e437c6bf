/**
 * A repository whose key the user trusts (a third-party repository) but
 * that is hostile: its signed indexes and packages still cannot make pare
 * touch files outside the cache, smuggle a path past the conflict check, or
 * stall the build. Each case ends in a specific error code, exit 1, and no
 * output — or, for slicing, in work that grows linearly with the tree.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { hasCode } from '../../src/errors.js';
import { BlobCache } from '../../src/fetch/index.js';
import { readTar } from '../../src/tree/tar-read.js';
import { pareInProcess } from '../helpers/cli.js';
import { startFixtureRepo, type FixturePackage, type FixtureRepo } from '../helpers/repo.js';

const DIRS = 20_000;

/** The entry names of a one-layer image in an OCI layout. */
async function layerNames(layout: string): Promise<string[]> {
  const blob = async (d: string) => readFile(join(layout, 'blobs', 'sha256', d.slice('sha256:'.length)));
  const index = JSON.parse((await readFile(join(layout, 'index.json'))).toString()) as {
    manifests: { digest: string }[];
  };
  const manifest = JSON.parse((await blob(index.manifests[0]!.digest)).toString()) as { layers: { digest: string }[] };
  return readTar(gunzipSync(await blob(manifest.layers[0]!.digest)), 'layer').map((e) => e.name.replace(/\/$/, ''));
}

const packages: FixturePackage[] = [
  { name: 'login', version: '1', files: [{ path: './usr/bin/su', data: 'the real su', mode: 0o4755 }] },
  { name: 'hash-path', version: '1', fields: { SHA256: '../../../victim' } },
  { name: 'nul-path', version: '1', files: [{ path: './usr/bin/su\0x', data: 'a fake su', mode: 0o4755 }] },
  {
    name: 'nul-link',
    version: '1',
    files: [{ path: './usr/bin/sux', type: 'symlink', target: 'su\nx' }],
  },
  {
    name: 'many-dirs',
    version: '1',
    files: [
      { path: './usr/bin/many', data: 'kept' },
      ...Array.from({ length: DIRS }, (_, i) => ({ path: `./usr/share/doc/many-dirs/d${i}/`, type: 'dir' as const })),
    ],
  },
];

describe('a hostile but trusted repository', { timeout: 300_000 }, () => {
  let repo: FixtureRepo;
  let work: string;
  let n = 0;

  before(async () => {
    repo = await startFixtureRepo({ suites: { stable: packages } });
    work = await mkdtemp(join(tmpdir(), 'pare-hostile-repo-'));
  });
  after(async () => {
    await repo.close();
    await rm(work, { recursive: true, force: true });
  });

  async function build(pkgs: string[], cache = join(work, `cache-${++n}`)) {
    const file = join(work, `pare-${++n}.yaml`);
    await writeFile(
      file,
      `contents:\n  repositories:\n    - url: ${repo.url}\n      suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: [${pkgs.join(', ')}]\n`,
    );
    const out = join(work, `out-${n}`);
    return { ...(await pareInProcess(['build', file, '-o', out, '--cache-dir', cache])), out };
  }

  async function expectFailure(pkgs: string[], code: string, cache?: string): Promise<string> {
    const r = await build(pkgs, cache);
    assert.equal(r.code, 1, `exit ${r.code}, want 1 (never 70):\n${r.stderr}`);
    assert.match(r.stderr, new RegExp(`error\\[${code}\\]`), r.stderr);
    assert.equal(existsSync(r.out), false, 'no output left behind');
    return r.stderr;
  }

  it('refuses a Packages SHA256 that is not a digest (INDEX_PARSE); the file it names is left alone', async () => {
    const root = join(work, 'hash-path');
    const cache = join(root, 'cache');
    await mkdir(cache, { recursive: true });
    const victim = join(root, 'victim'); // cache/blobs/sha256/../../../victim
    await writeFile(victim, 'a file the user owns');
    const stderr = await expectFailure(['hash-path'], 'INDEX_PARSE', cache);
    assert.match(stderr, /SHA256/);
    assert.equal(await readFile(victim, 'utf8'), 'a file the user owns');
    // The cache itself never turns a non-digest into a path.
    const blobs = new BlobCache(cache);
    assert.equal(await blobs.get('../../../victim'), undefined);
    assert.throws(
      () => blobs.path('../../../victim'),
      (e) => hasCode(e, 'HASH_MISMATCH'),
    );
    assert.ok(existsSync(victim));
  });

  it('refuses NUL and control characters in entry names and link targets (PATH_HOSTILE)', async () => {
    const stderr = await expectFailure(['login', 'nul-path'], 'PATH_HOSTILE');
    assert.match(stderr, /nul-path/);
    assert.match(stderr, /control character/);
    await expectFailure(['nul-link'], 'PATH_HOSTILE');
  });

  it('removes many emptied directories in work linear in the tree (no scan of the tree per directory)', async () => {
    const keys = Map.prototype.keys;
    let scans = 0;
    Map.prototype.keys = function (this: Map<unknown, unknown>) {
      scans++;
      return keys.call(this);
    };
    let r;
    try {
      r = await build(['many-dirs']);
    } finally {
      Map.prototype.keys = keys;
    }
    assert.equal(r.code, 0, r.stderr);
    const names = await layerNames(r.out);
    assert.ok(names.includes('usr/bin/many'), names.join('\n'));
    assert.ok(!names.some((p) => p.startsWith('usr/share/doc/many-dirs')), 'the emptied directories are gone');
    assert.ok(scans < DIRS / 100, `${scans} scans of a map for ${DIRS} emptied directories`);
  });
});
