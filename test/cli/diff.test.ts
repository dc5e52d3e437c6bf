/**
 * `pare diff` of two images built from a generated, signed repository: the
 * packages added, removed and changed (with their sizes) and the config
 * change are asserted exactly; the file lists are checked against an
 * independent comparison of the two root filesystems as umoci unpacks them.
 * A, B as OCI layouts, a docker-archive and a registry reference (pushed to
 * a real docker-registry) give the same diff.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ImageDiff } from '../../src/pipeline/image-diff.js';
import { pareInProcess } from '../helpers/cli.js';
import { startRegistry, type Registry } from '../helpers/registry.js';
import { startFixtureRepo, type FixtureRepo } from '../helpers/repo.js';
import { run } from '../helpers/tools.js';

interface Node {
  type: string;
  mode: number;
  owner: string;
  hash?: string;
  target?: string;
  size: number;
}

/** Every entry of an unpacked root filesystem, by image path. */
async function walk(root: string, dir = '', out = new Map<string, Node>()): Promise<Map<string, Node>> {
  for (const name of await readdir(join(root, dir))) {
    const rel = dir ? `${dir}/${name}` : name;
    const st = await lstat(join(root, rel));
    const node: Node = { type: 'other', mode: st.mode & 0o7777, owner: `${st.uid}:${st.gid}`, size: 0 };
    if (st.isDirectory()) node.type = 'dir';
    else if (st.isSymbolicLink()) Object.assign(node, { type: 'symlink', target: await readlink(join(root, rel)) });
    else if (st.isFile()) {
      const data = await readFile(join(root, rel));
      Object.assign(node, { type: 'file', size: data.length, hash: createHash('sha256').update(data).digest('hex') });
    }
    out.set(`/${rel}`, node);
    if (node.type === 'dir') await walk(root, rel, out);
  }
  return out;
}

/** The file diff computed independently from two unpacked trees. */
function treeDiff(a: Map<string, Node>, b: Map<string, Node>) {
  const added = [...b.keys()].filter((p) => !a.has(p)).sort();
  const removed = [...a.keys()].filter((p) => !b.has(p)).sort();
  const changed = [...b.keys()]
    .filter((p) => a.has(p))
    .map((p) => {
      const x = a.get(p)!;
      const y = b.get(p)!;
      if (x.type !== y.type) return [p, ['type']] as const;
      const c: string[] = [];
      if (x.hash !== y.hash) c.push('content');
      if (x.mode !== y.mode) c.push('mode');
      if (x.owner !== y.owner) c.push('owner');
      if (x.target !== y.target) c.push('target');
      return [p, c] as const;
    })
    .filter(([, c]) => c.length > 0)
    .sort((x, y) => (x[0] < y[0] ? -1 : 1));
  return { added, removed, changed };
}

describe('pare diff', { timeout: 180_000 }, () => {
  let repo: FixtureRepo;
  let work: string;
  const config = (name: string, packages: string, foo: string) =>
    writeFile(
      join(work, `${name}.yaml`),
      `contents:\n  repositories:\n    - url: ${repo.url}\n      suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: ${packages}\nentrypoint:\n  command: /usr/bin/hello\nenvironment:\n  FOO: ${foo}\n`,
    );
  before(async () => {
    repo = await startFixtureRepo({
      suites: {
        stable: [
          { name: 'libc', version: '2.0-1', files: [{ path: './usr/lib/libc.so', data: 'libc 2.0' }] },
          {
            name: 'libc',
            version: '2.1-1',
            files: [
              { path: './usr/lib/libc.so', data: 'libc 2.1!' },
              { path: './usr/lib/libc-extra.so', data: 'x' },
            ],
          },
          {
            name: 'hello',
            version: '1.0',
            depends: 'libc',
            files: [{ path: './usr/bin/hello', data: 'hi', mode: 0o755 }],
          },
          { name: 'extra', version: '1.0', files: [{ path: './usr/share/extra/data', data: 'extra data' }] },
          { name: 'gone', version: '3', files: [{ path: './usr/share/gone', data: 'gone', mode: 0o600 }] },
        ],
      },
    });
    work = await mkdtemp(join(tmpdir(), 'pare-diff-'));
    await config('a', '[hello, gone, libc=2.0-1]', 'a');
    await config('b', '[hello, extra, libc=2.1-1]', 'b');
    for (const n of ['a', 'b']) {
      const r = await pareInProcess([
        'build',
        join(work, `${n}.yaml`),
        '-o',
        join(work, n),
        '--tarball',
        join(work, `${n}.tar`),
        '--cache-dir',
        join(work, 'cache'),
      ]);
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(async () => {
    await repo.close();
    await rm(work, { recursive: true, force: true });
  });

  let diff: ImageDiff;

  it('lists packages added, removed and changed with their sizes, and the config change, exactly', async () => {
    const r = await pareInProcess(['diff', join(work, 'a'), `${join(work, 'b')}:latest`, '--json']);
    assert.equal(r.code, 0, r.stderr);
    diff = JSON.parse(r.stdout) as ImageDiff;
    assert.deepEqual(diff.packages, {
      added: [{ name: 'extra', version: '1.0', size: 10, files: 1 }],
      removed: [{ name: 'gone', version: '3', size: 4, files: 1 }],
      changed: [{ name: 'libc', from: '2.0-1', to: '2.1-1', sizeFrom: 8, sizeTo: 10 }],
    });
    assert.deepEqual(diff.config, [{ key: 'Env.FOO', a: 'a', b: 'b' }]);
    assert.equal(diff.b.layers, 1);
    const owned = diff.files.added.filter((f) => f.package).map((f) => `${f.path} ${f.package}`);
    assert.deepEqual(owned, ['/usr/lib/libc-extra.so libc', '/usr/share/extra/data extra']);
    assert.deepEqual(
      diff.files.removed.filter((f) => f.package).map((f) => `${f.path} ${f.size} ${f.package}`),
      ['/usr/share/gone 4 gone'],
    );
  });

  it('its file lists equal an independent comparison of the root filesystems umoci unpacks', async () => {
    const trees: Array<Map<string, Node>> = [];
    for (const n of ['a', 'b']) {
      const bundle = join(work, `bundle-${n}`);
      await run('umoci', ['unpack', '--rootless', '--image', `${join(work, n)}:latest`, bundle]);
      trees.push(await walk(join(bundle, 'rootfs')));
    }
    const want = treeDiff(trees[0]!, trees[1]!);
    assert.deepEqual(
      diff.files.added.map((f) => f.path),
      want.added,
    );
    assert.deepEqual(
      diff.files.removed.map((f) => f.path),
      want.removed,
    );
    assert.deepEqual(
      diff.files.changed.map((f) => [f.path, f.changes]),
      want.changed.map(([p, c]) => [p, c]),
    );
    assert.ok(
      want.changed.some(([p]) => p === '/usr/lib/libc.so'),
      'libc.so changed',
    );
  });

  it('a docker-archive and a registry reference give the same diff', async () => {
    let reg: Registry | undefined;
    try {
      reg = await startRegistry();
      const ref = `${reg.host}/diff/b:1`;
      const p = await pareInProcess(['push', `${join(work, 'b')}:latest`, ref, '--insecure']);
      assert.equal(p.code, 0, p.stderr);
      const r = await pareInProcess([
        'diff',
        `docker-archive:${join(work, 'a.tar')}`,
        ref,
        '--insecure',
        '--json',
        '--cache-dir',
        join(work, 'cache'),
      ]);
      assert.equal(r.code, 0, r.stderr);
      const d = JSON.parse(r.stdout) as ImageDiff;
      assert.deepEqual({ ...d, a: undefined, b: undefined }, { ...diff, a: undefined, b: undefined });
      assert.equal(d.b.source, ref);
      assert.equal(d.b.digest, diff.b.digest);
    } finally {
      await reg?.close();
    }
  });

  it('prints a readable summary; bad input is a coded error with a hint', async () => {
    const r = await pareInProcess(['diff', join(work, 'a'), join(work, 'b')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^packages: 1 added, 1 removed, 1 changed$/m);
    assert.match(r.stdout, /^ {2}\+ extra 1\.0 \(10 B\)$/m);
    assert.match(r.stdout, /^ {2}~ libc 2\.0-1 -> 2\.1-1 \(\+2 B\)$/m);
    assert.match(r.stdout, /^ {2}~ \/usr\/lib\/libc\.so \(content\) \[libc\]$/m);
    assert.match(r.stdout, /^ {2}~ Env\.FOO: "a" -> "b"$/m);
    const missing = await pareInProcess(['diff', join(work, 'a'), join(work, 'nope')]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /error\[IMAGE_READ\].*nope/);
    assert.match(missing.stderr, /hint: name an OCI layout/);
    const usage = await pareInProcess(['diff', join(work, 'a')]);
    assert.equal(usage.code, 2);
  });
});
