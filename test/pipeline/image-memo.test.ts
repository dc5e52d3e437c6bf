/**
 * Whole-image memoization against signed fixture repositories: a rebuild
 * with nothing changed is served from the memo, and its outputs (layout and
 * SBOMs) are byte for byte those of the build that made the record; each
 * class of input — a config key, a `paths` source, the mirror's content, the
 * image time, the limits, the base image, pare's version, the debug flag,
 * the lock and the files the config names — builds again; a corrupt record or
 * layer blob is detected and the image rebuilt to the same digest.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { imageKey, type KeyInputs } from '../../src/pipeline/image-memo.js';
import { pareInProcess } from '../helpers/cli.js';
import { startFixtureRepo, type FixtureRepo } from '../helpers/repo.js';

async function files(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(relative(dir, p), (await readFile(p)).toString('base64'));
    }
  };
  await walk(dir);
  return out;
}

const pkgs = (libc: string) => [
  { name: 'base-files', version: '12.4', files: [{ path: './etc/debian_version', data: '12.4\n' }] },
  { name: 'libc', version: libc, files: [{ path: './usr/lib/libc.so', data: `libc ${libc}` }] },
  {
    name: 'hello',
    version: '1.0',
    depends: 'libc',
    files: [
      { path: './usr/bin/hello', data: 'hello', mode: 0o755 },
      // Larger than what the tree holds in memory: the SBOM reads it all the same.
      { path: './usr/share/doc/hello/copyright', data: `License: MIT\n${'x'.repeat(100_000)}\n` },
      { path: './usr/share/hello/big.bin', data: 'y'.repeat(200_000) },
    ],
  },
];

describe('whole-image memoization', { timeout: 300_000 }, () => {
  let repo: FixtureRepo;
  let work: string;
  let n = 0;

  before(async () => {
    repo = await startFixtureRepo({ suites: { stable: pkgs('2.0-1') } });
    work = await mkdtemp(join(tmpdir(), 'pare-image-memo-'));
    await mkdir(join(work, 'app'));
    await writeFile(join(work, 'app', 'run.sh'), 'v1\n');
  });
  after(async () => {
    await repo.close();
    await rm(work, { recursive: true, force: true });
  });

  const config = async (env = 'A', extra = ''): Promise<string> => {
    const file = join(work, `pare-${env}.yaml`);
    await writeFile(
      file,
      `contents:\n  repositories:\n    - suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: [hello, base-files]\n` +
        `entrypoint:\n  command: /usr/bin/hello\nenvironment:\n  MODE: ${env}\n` +
        `paths:\n  - path: /app\n    type: file\n    source: app\n${extra}`,
    );
    return file;
  };
  const cache = () => join(work, 'cache');
  async function build(file: string, args: string[] = [], env: NodeJS.ProcessEnv = {}, out?: string) {
    out ??= join(work, `out-${++n}`);
    const r = await pareInProcess(['build', file, '-o', out, '--cache-dir', cache(), ...args], {
      PARE_MIRROR: repo.url,
      SOURCE_DATE_EPOCH: '',
      ...env,
    });
    assert.equal(r.code, 0, r.stderr);
    return { out, digest: r.stdout.trim(), memoized: /\(memoized\)/.test(r.stderr) };
  }

  it('serves an unchanged rebuild from the memo: layout and SBOMs byte for byte the same', async () => {
    const file = await config();
    const out = join(work, 'same');
    const first = await build(file, [], {}, out);
    assert.equal(first.memoized, false);
    const sboms = async () => [await readFile(`${out}.spdx.json`), await readFile(`${out}.cdx.json`)];
    const missLayout = await files(out);
    const missSboms = await sboms();
    const second = await build(file, [], {}, out);
    assert.equal(second.memoized, true);
    assert.equal(second.digest, first.digest);
    assert.deepEqual(await files(out), missLayout, 'layouts identical');
    assert.deepEqual(await sboms(), missSboms, 'SBOMs identical');
    // The layer blob is the cache's file, hard-linked (same filesystem here).
    const manifest = JSON.parse(await readFile(join(out, 'blobs', 'sha256', second.digest.slice(7)), 'utf8')) as {
      layers: Array<{ digest: string }>;
    };
    const layer = manifest.layers[0]!.digest.slice(7);
    assert.ok((await stat(join(out, 'blobs', 'sha256', layer))).nlink >= 2, 'layer blob hard-linked from the cache');
    // pare sbom reads the image back and agrees with the SBOM the hit wrote.
    const sbom = await pareInProcess(['sbom', `${out}:latest`, '--format', 'spdx']);
    assert.equal(sbom.code, 0, sbom.stderr);
  });

  it('builds again when any input changes, and hits again after', async () => {
    const file = await config();
    const first = await build(file);
    assert.equal(first.memoized, true);
    let mirrorChanged = false;
    const changes: Array<[string, () => Promise<{ memoized: boolean; digest: string }>]> = [
      ['a config key', async () => build(await config('B'))],
      ['a paths source', async () => (await writeFile(join(work, 'app', 'run.sh'), 'v2\n'), build(file))],
      ['the image time', () => build(file, [], { SOURCE_DATE_EPOCH: '1700000000' })],
      ['the limits', () => build(file, ['--max-files', '100000'])],
      // Published once: a second publish signs a new InRelease (its Date), which is itself a change.
      [
        "the mirror's content",
        async () => ((mirrorChanged ||= (await repo.publish({ stable: pkgs('2.1-1') }), true)), build(file)),
      ],
    ];
    for (const [what, change] of changes) {
      const r = await change();
      assert.equal(r.memoized, false, `${what}: a miss`);
      const again = await change();
      assert.equal(again.memoized, true, `${what}: then a hit`);
      assert.equal(again.digest, r.digest);
    }
  });

  it('builds again on another base image', async () => {
    const baseA = join(work, 'base-a');
    const baseB = join(work, 'base-b');
    await build(await config('base-a'), [], {}, baseA);
    await build(await config('base-b'), [], { SOURCE_DATE_EPOCH: '1600000000' }, baseB); // other layers
    const onA = await config('on', `base: oci:${baseA}:latest\n`);
    const a = await build(onA);
    assert.equal((await build(onA)).memoized, true);
    const onB = await config('on', `base: oci:${baseB}:latest\n`);
    const b = await build(onB);
    assert.equal(b.memoized, false, 'another base digest is a miss');
    assert.notEqual(b.digest, a.digest);
  });

  it('detects a corrupt record or layer blob and rebuilds the same image', async () => {
    const file = await config('corrupt');
    const good = await build(file);
    assert.equal((await build(file)).memoized, true);
    const blobs = join(cache(), 'blobs', 'sha256');
    let records = 0;
    for (const name of await readdir(blobs)) {
      const bytes = await readFile(join(blobs, name)).catch(() => undefined);
      if (bytes?.[0] === 0x7b && bytes.includes('"format":1') && bytes.includes(good.digest)) {
        await writeFile(join(blobs, name), Buffer.concat([bytes, Buffer.from(' ')]));
        records++;
      }
    }
    assert.equal(records, 1, 'found the record');
    const rebuilt = await build(file);
    assert.equal(rebuilt.memoized, false, 'a corrupt record is a miss');
    assert.equal(rebuilt.digest, good.digest);
    const manifest = JSON.parse(await readFile(join(rebuilt.out, 'blobs', 'sha256', good.digest.slice(7)), 'utf8')) as {
      layers: Array<{ digest: string }>;
    };
    for (const l of manifest.layers) {
      const p = join(blobs, l.digest.slice(7));
      const bytes = await readFile(p);
      bytes[bytes.length - 1]! ^= 0xff;
      await rm(p); // not through the hard link: the layout keeps its good copy
      await writeFile(p, bytes);
    }
    const again = await build(file);
    assert.equal(again.memoized, false, 'a corrupt layer blob is a miss');
    assert.equal(again.digest, good.digest);
    assert.equal((await build(file)).memoized, true);
  });

  it("keys pare's version, the debug flag, the lock and the files the config names", async () => {
    const lockFile = join(work, 'requirements.txt');
    await writeFile(lockFile, 'a==1 --hash=sha256:00\n');
    const base: KeyInputs = {
      config: {
        file: '/a/pare.yaml',
        dir: '/a',
        digest: 'x',
        archs: ['amd64'],
        contents: { repositories: [], keyring: [], packages: ['a'], exclude: [] },
        python: { requirements: lockFile },
      } as never,
      resolved: { arch: 'amd64', specs: [], suites: [], plan: { packages: [] } } as never,
      opts: {},
      sources: new Map(),
      created: undefined,
      debug: false,
      limits: {},
    };
    const k = await imageKey(base);
    assert.ok(k);
    assert.equal(await imageKey({ ...base, config: { ...base.config, file: '/b/x.yaml', digest: 'y' } }), k);
    for (const change of [
      { version: '9.9.9' },
      { debug: true },
      { opts: { lock: { file: 'x', lock: { archs: { amd64: { packages: [] } } } } } },
    ] as Partial<KeyInputs>[])
      assert.notEqual(await imageKey({ ...base, ...change }), k, JSON.stringify(change));
    await writeFile(lockFile, 'a==2 --hash=sha256:01\n');
    assert.notEqual(await imageKey(base), k, 'an application lock file');
    await rm(lockFile);
    assert.equal(await imageKey(base), undefined, 'a named file that cannot be read: no memo');
  });
});
