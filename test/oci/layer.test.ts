import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { hasCode } from '../../src/errors.js';
import { gzipDeterministic } from '../../src/oci/gzip.js';
import { buildLayer, comparePaths, layerTar, normalizeEntries } from '../../src/oci/layer.js';
import { MEDIA } from '../../src/oci/media.js';
import type { TreeEntry } from '../../src/tree/types.js';
import { run } from '../helpers/tools.js';

const sha = (b: Uint8Array): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

const T = 1_700_000_000;
const longName = `usr/share/${'very-long-directory-name/'.repeat(6)}file-with-a-long-name.txt`;
const entries = (): TreeEntry[] => [
  { path: 'usr', type: 'dir', mode: 0o755, uid: 0, gid: 0 },
  { path: 'usr/bin', type: 'dir', mode: 0o755, uid: 0, gid: 0 },
  { path: 'usr/bin/hello', type: 'file', mode: 0o755, uid: 0, gid: 0, data: Buffer.from('#!hello\n'), mtime: T + 5000 },
  { path: 'usr/bin/hi', type: 'symlink', mode: 0o777, uid: 0, gid: 0, target: 'hello' },
  { path: 'usr/share', type: 'dir', mode: 0o755, uid: 0, gid: 0 },
  ...Array.from({ length: 6 }, (_, i): TreeEntry => ({
    path: `usr/share/${'very-long-directory-name/'.repeat(i + 1).slice(0, -1)}`,
    type: 'dir',
    mode: 0o755,
    uid: 0,
    gid: 0,
  })),
  { path: longName, type: 'file', mode: 0o644, uid: 1000, gid: 1000, data: Buffer.from('long\n'), mtime: T - 100 },
  { path: 'usr-local', type: 'dir', mode: 0o755, uid: 0, gid: 0 },
  { path: 'home', type: 'dir', mode: 0o755, uid: 0, gid: 0 },
  { path: 'home/nonroot', type: 'dir', mode: 0o700, uid: 65532, gid: 65532 },
  { path: 'home/nonroot/café', type: 'file', mode: 0o600, uid: 65532, gid: 65532, data: Buffer.from('unicode\n') },
  { path: 'home/big-ids', type: 'file', mode: 0o644, uid: 3_000_000, gid: 3_000_001, data: Buffer.alloc(0) },
];

function shuffled<T>(xs: T[], seed: number): T[] {
  const a = xs.slice();
  let s = seed;
  for (let i = a.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

async function listTar(tar: Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pare-layer-'));
  try {
    await writeFile(path.join(dir, 'l.tar'), tar);
    const { stdout } = await run(
      'tar',
      ['--numeric-owner', '--full-time', '--quoting-style=literal', '-tvf', path.join(dir, 'l.tar')],
      { env: { TZ: 'UTC' } },
    );
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('buildLayer', () => {
  it('gives the same digests whatever the input order', async () => {
    const a = await buildLayer(entries(), { mtime: T });
    for (const seed of [1, 2, 3]) {
      const b = await buildLayer(shuffled(entries(), seed), { mtime: T });
      assert.equal(b.digest, a.digest);
      assert.equal(b.diffId, a.diffId);
      assert.deepEqual(b.bytes, a.bytes);
    }
  });

  it('clamps mtimes: input mtimes later than the fixed time do not change the digest', async () => {
    const a = await buildLayer(entries(), { mtime: T });
    const later = entries().map((e) => ({ ...e, mtime: e.mtime !== undefined && e.mtime < T ? e.mtime : T + 86_400 }));
    const b = await buildLayer(later, { mtime: T });
    assert.equal(b.digest, a.digest);
    // earlier mtimes are kept (clamping only lowers)
    const earlier = entries().map((e) => ({ ...e, mtime: T - 1 }));
    assert.notEqual((await buildLayer(earlier, { mtime: T })).diffId, a.diffId);
    // a different fixed time is a different layer
    assert.notEqual((await buildLayer(entries(), { mtime: T + 1 })).diffId, a.diffId);
  });

  it('computes digest of the blob and diffId of the uncompressed tar', async () => {
    const l = await buildLayer(entries(), { mtime: T });
    assert.equal(l.mediaType, MEDIA.layerGzip);
    assert.equal(l.size, l.bytes.length);
    assert.equal(l.digest, sha(l.bytes));
    const tar = gunzipSync(l.bytes);
    assert.equal(l.diffId, sha(tar));
    assert.deepEqual(tar, layerTar(entries(), T).tar);
    const chunks: Buffer[] = [];
    for await (const c of await l.open()) chunks.push(c as Buffer);
    assert.deepEqual(Buffer.concat(chunks), l.bytes, 'open() streams the blob');
    const again: Buffer[] = [];
    for await (const c of await l.open()) again.push(c as Buffer);
    assert.deepEqual(Buffer.concat(again), l.bytes, 'open() is re-openable');
  });

  it('writes a fixed gzip header: MTIME 0, no name, OS 255', async () => {
    const l = await buildLayer(entries(), { mtime: T });
    assert.deepEqual([...l.bytes.subarray(0, 10)], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    const l1 = await buildLayer(entries(), { mtime: T, level: 1 });
    assert.equal(l1.bytes[8], 4, 'XFL for level 1');
    assert.equal(l1.diffId, l.diffId);
  });

  it("stores uncompressed with compression 'none'", async () => {
    const l = await buildLayer(entries(), { mtime: T, compression: 'none' });
    assert.equal(l.mediaType, MEDIA.layerTar);
    assert.equal(l.digest, l.diffId);
  });

  it('writes a tar that GNU tar reads: sorted, numeric ids, clamped times, PAX long names', async () => {
    const { tar } = layerTar(shuffled(entries(), 7), T);
    const listing = await listTar(tar);
    const names = listing
      .trim()
      .split('\n')
      .map((l) =>
        l
          .split(/\s+/)
          .slice(5)
          .join(' ')
          .replace(/ -> .*$/, ''),
      );
    const want = entries()
      .map((e) => (e.type === 'dir' ? `${e.path}/` : e.path))
      .sort((a, b) => comparePaths(a.replace(/\/$/, ''), b.replace(/\/$/, '')));
    assert.deepEqual(names, want);
    assert.match(
      listing,
      new RegExp(`-rw-r--r-- 1000/1000\\s+5 2023-11-14 22:11:40 ${longName.replace(/\./g, '\\.')}`),
    );
    assert.match(listing, /-rwxr-xr-x 0\/0\s+8 2023-11-14 22:13:20 usr\/bin\/hello/, 'future mtime clamped');
    assert.match(listing, /-rw-r--r-- 3000000\/3000001\s+0 .* home\/big-ids/, 'big ids via PAX');
    assert.match(listing, /home\/nonroot\/café/);
    assert.match(listing, /drwxrwxrwx|lrwxrwxrwx 0\/0\s+0 .* usr\/bin\/hi -> hello/);
    assert.doesNotMatch(listing, /root\/root|PaxHeader/);
  });

  it('orders a directory before its children, bytewise', () => {
    const sorted = normalizeEntries([
      { path: 'a/b', type: 'file', mode: 0o644, uid: 0, gid: 0 },
      { path: 'a-b', type: 'file', mode: 0o644, uid: 0, gid: 0 },
      { path: 'a', type: 'dir', mode: 0o755, uid: 0, gid: 0 },
      { path: 'B', type: 'dir', mode: 0o755, uid: 0, gid: 0 },
    ]).map((e) => e.path);
    assert.deepEqual(sorted, ['B', 'a', 'a-b', 'a/b']);
  });

  it('rewrites hard links so the data comes first in sort order', async () => {
    const data = Buffer.from('shared\n');
    const input: TreeEntry[] = [
      { path: 'z', type: 'file', mode: 0o755, uid: 0, gid: 0, data },
      { path: 'a', type: 'hardlink', mode: 0o644, uid: 0, gid: 0, target: 'z' },
      { path: 'm', type: 'hardlink', mode: 0o644, uid: 0, gid: 0, target: 'a' },
    ];
    const out = normalizeEntries(input);
    assert.deepEqual(
      out.map((e) => [e.path, e.type, e.target, e.mode]),
      [
        ['a', 'file', undefined, 0o755],
        ['m', 'hardlink', 'a', 0o755],
        ['z', 'hardlink', 'a', 0o755],
      ],
    );
    // GNU tar can extract it (a link before its target would fail)
    const dir = await mkdtemp(path.join(tmpdir(), 'pare-hl-'));
    try {
      await writeFile(path.join(dir, 'l.tar'), layerTar(input, T).tar);
      await run('mkdir', [path.join(dir, 'x')]);
      await run('tar', ['-xf', path.join(dir, 'l.tar'), '-C', path.join(dir, 'x')]);
      assert.deepEqual((await readdir(path.join(dir, 'x'))).sort(), ['a', 'm', 'z']);
      assert.equal(await readFile(path.join(dir, 'x', 'z'), 'utf8'), 'shared\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses duplicate paths with FILE_CONFLICT', async () => {
    const dup: TreeEntry[] = [
      { path: 'etc/x', type: 'file', mode: 0o644, uid: 0, gid: 0, owner: 'pkg-a' },
      { path: 'etc/x', type: 'file', mode: 0o644, uid: 0, gid: 0, owner: 'pkg-b' },
    ];
    await assert.rejects(buildLayer(dup, { mtime: T }), (e) => hasCode(e, 'FILE_CONFLICT'));
  });
});

describe('gzipDeterministic', () => {
  it('round-trips across block boundaries and is valid for gzip(1)', async () => {
    const block = 1 << 20;
    for (const n of [0, 1, block - 1, block, block + 1, 3 * block + 12345]) {
      const input = Buffer.alloc(n);
      for (let i = 0; i < n; i++) input[i] = (i * 7 + (i >> 9)) & 0xff;
      const gz = await gzipDeterministic(input);
      assert.deepEqual(gunzipSync(gz), input, `n=${n}`);
      assert.deepEqual(await gzipDeterministic(input), gz, 'same bytes twice');
    }
    const dir = await mkdtemp(path.join(tmpdir(), 'pare-gz-'));
    try {
      await writeFile(path.join(dir, 'x.gz'), await gzipDeterministic(Buffer.alloc(3 << 20, 'abc')));
      await run('gzip', ['-t', path.join(dir, 'x.gz')]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
