/** pare check: each finding category, allow-lists, the summary, and the CLI on OCI layouts and docker-archives. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkImage, isRootUser } from '../../src/distroless/check.js';
import { buildLayer, makeImage, writeDockerArchive, writeLayout } from '../../src/oci/index.js';
import { overlayLayers } from '../../src/tree/overlay.js';
import type { RawTarEntry } from '../../src/tree/tar-read.js';
import type { TreeEntry } from '../../src/tree/types.js';
import { pareInProcess } from '../helpers/cli.js';
import { FIXED_TIME, probeImage, probeTree } from '../helpers/image.js';

const enc = new TextEncoder();
const file = (path: string, mode = 0o644, data = 'x'): TreeEntry => ({
  path,
  type: 'file',
  mode,
  uid: 0,
  gid: 0,
  data: enc.encode(data),
});
const dir = (path: string, mode = 0o755): TreeEntry => ({ path, type: 'dir', mode, uid: 0, gid: 0 });
const link = (path: string, target: string): TreeEntry => ({
  path,
  type: 'symlink',
  mode: 0o777,
  uid: 0,
  gid: 0,
  target,
});
const STATUS = 'Package: libc6\nStatus: install ok installed\nVersion: 2.36-9\nArchitecture: amd64\n';

describe('checkImage', () => {
  const clean = [
    dir('etc'),
    file('etc/passwd'),
    dir('tmp', 0o1777),
    dir('var'),
    dir('var/tmp', 0o1777),
    file('usr/bin/app', 0o755, 'ELF'),
    link('bin', 'usr/bin'),
    file('var/lib/dpkg/status.d/libc6', 0o644, STATUS),
    file('var/lib/dpkg/status.d/libc6.md5sums'),
    link('etc/alternatives/x', '/dev/null'),
  ];
  const nonroot = { User: '65532:65532' };
  const CATEGORIES = ['shell', 'package-manager', 'setuid', 'world-writable', 'root-user'] as const;

  it('passes a clean image and summarizes it', () => {
    const r = checkImage(clean, nonroot, 1);
    assert.equal(r.ok, true, JSON.stringify(r.findings));
    assert.deepEqual(r.summary.packages, [{ name: 'libc6', version: '2.36-9' }]);
    assert.equal(r.summary.files, 6);
    assert.equal(r.summary.bytes, 1 + 3 + STATUS.length + 1);
    assert.equal(r.summary.layers, 1);
  });

  const bad: Array<[string, TreeEntry[], string | undefined]> = [
    ['shell', [file('usr/bin/dash', 0o755), link('usr/bin/sh', 'dash')], '/usr/bin/dash'],
    ['shell', [file('usr/local/sbin/bash', 0o755)], '/usr/local/sbin/bash'],
    ['shell', [file('busybox/busybox', 0o755)], '/busybox/busybox'],
    ['package-manager', [file('usr/bin/dpkg', 0o755)], '/usr/bin/dpkg'],
    ['package-manager', [link('usr/bin/apt-get', 'apt')], '/usr/bin/apt-get'],
    ['package-manager', [file('sbin/apk', 0o755)], '/sbin/apk'],
    ['setuid', [file('usr/bin/su', 0o4755)], '/usr/bin/su'],
    ['setuid', [file('usr/bin/wall', 0o2755)], '/usr/bin/wall'],
    ['world-writable', [dir('var/cache', 0o777)], '/var/cache'],
    ['world-writable', [file('etc/app.conf', 0o666)], '/etc/app.conf'],
  ];
  for (const [category, extra, path] of bad) {
    it(`fails on ${category}: ${path}`, () => {
      const r = checkImage([...clean, ...extra], nonroot, 1);
      assert.equal(r.ok, false);
      const f = r.findings.find((x) => x.category === category && x.path === path);
      assert.ok(f, JSON.stringify(r.findings));
      assert.ok(f.message.includes(path!));
      assert.equal(
        checkImage([...clean, ...extra], nonroot, 1, { allow: [category as 'shell'] }).ok,
        true,
        'allowed by category',
      );
      const others = CATEGORIES.filter((c) => c !== category);
      const byOthers = checkImage([...clean, ...extra], nonroot, 1, { allow: others });
      assert.equal(byOthers.ok, false, 'allowing every other category does not allow this one');
      assert.equal(byOthers.findings.find((x) => x.category === category)!.allowed, false);
      assert.equal(
        checkImage([...clean, ...extra], nonroot, 1, { allowPaths: extra.map((e) => `/${e.path}`) }).ok,
        true,
        'allowed by path',
      );
    });
  }

  it('ignores world-writable symlinks, sticky /tmp and /var/tmp, setgid directories, shells outside bin directories', () => {
    const r = checkImage(
      [...clean, dir('var/mail', 0o2775), file('usr/share/doc/bash/sh'), dir('tmp/x', 0o777)],
      nonroot,
      1,
    );
    assert.equal(r.ok, true, JSON.stringify(r.findings));
  });

  it('allows the sticky lock directories base-files ships (/var/lock 1777), not a non-sticky one or files in them', () => {
    assert.equal(
      checkImage([...clean, dir('var/lock', 0o1777), dir('run'), dir('run/lock', 0o1777)], nonroot, 1).ok,
      true,
    );
    for (const bad of [dir('var/lock', 0o777), file('var/lock/x', 0o666), dir('var/lock/sub', 0o1777)]) {
      const r = checkImage([...clean, bad], nonroot, 1);
      assert.deepEqual(
        r.findings.map((f) => [f.category, f.path]),
        [['world-writable', `/${bad.path}`]],
      );
    }
  });

  it('fails on a root default user', () => {
    for (const u of [undefined, '', '0', 'root', '0:0', 'root:root', '0:65532']) {
      assert.equal(isRootUser(u), true, String(u));
      const r = checkImage(clean, u === undefined ? {} : { User: u }, 1);
      assert.deepEqual(
        r.findings.map((f) => f.category),
        ['root-user'],
      );
    }
    for (const u of ['65532', '65532:65532', 'nonroot', '1000:0']) assert.equal(isRootUser(u), false, u);
  });

  it('merges layers with whiteouts', () => {
    const raw = (name: string, type: RawTarEntry['type'] = 'file'): RawTarEntry => ({
      name,
      linkname: '',
      type,
      typeflag: '',
      mode: 0o755,
      uid: 0,
      gid: 0,
      mtime: 0,
      data: new Uint8Array(0),
    });
    const merged = overlayLayers([
      [
        raw('bin/', 'dir'),
        raw('bin/sh'),
        raw('bin/app'),
        raw('etc/', 'dir'),
        raw('etc/a'),
        raw('etc/b'),
        raw('opt/', 'dir'),
        raw('opt/x/y'),
      ],
      [raw('bin/.wh.sh'), raw('etc/.wh..wh..opq'), raw('etc/c'), raw('opt'), raw('./var/log/', 'dir')],
    ]);
    assert.deepEqual(
      merged.map((e) => e.path),
      ['bin', 'bin/app', 'etc', 'etc/c', 'opt', 'var/log'],
    );
    assert.equal(merged.find((e) => e.path === 'opt')!.type, 'file');
  });
});

describe('pare check (CLI)', { timeout: 60_000 }, () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'pare-check-'));
  });
  after(() => rm(work, { recursive: true, force: true }));

  it('passes the probe image, fails on a shell and on root, prints the offending paths; --json and docker-archive', async () => {
    const okDir = join(work, 'ok');
    await writeLayout(okDir, await probeImage({ user: '65532:65532' }), { tag: 'latest' });
    const ok = await pareInProcess(['check', `${okDir}:latest`]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /files: \d+/);
    assert.match(ok.stdout, /layers: 1/);

    const tree = [...(await probeTree()), file('bin/sh', 0o755, 'not really a shell')];
    const shDir = join(work, 'sh');
    await writeLayout(shDir, await probeImage({}, tree), { tag: 'v1' });
    const bad = await pareInProcess(['check', shDir]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /error\[CHECK_FAILED\]/);
    assert.ok(bad.stderr.includes('/bin/sh'), bad.stderr);
    assert.match(bad.stdout, /FAIL shell: shell \/bin\/sh/);
    assert.match(bad.stdout, /FAIL root-user/);
    const allowed = await pareInProcess(['check', shDir, '--allow', 'shell,root-user']);
    assert.equal(allowed.code, 0, allowed.stdout);
    const byPath = await pareInProcess(['check', shDir, '--allow-path', '/bin/*', '--allow', 'root-user', '--json']);
    assert.equal(byPath.code, 0);
    const report = JSON.parse(byPath.stdout) as {
      ok: boolean;
      findings: Array<{ category: string; allowed: boolean }>;
      summary: { layers: number };
    };
    assert.equal(report.ok, true);
    assert.deepEqual(
      report.findings.map((f) => [f.category, f.allowed]),
      [
        ['shell', true],
        ['root-user', true],
      ],
    );
    const usage = await pareInProcess(['check', shDir, '--allow', 'shells']);
    assert.equal(usage.code, 2);

    const tar = join(work, 'sh.tar');
    await writeDockerArchive(tar, await probeImage({ user: '65532' }, tree), { tag: 'pare/sh:1' });
    const fromTar = await pareInProcess(['check', tar]);
    assert.equal(fromTar.code, 1);
    assert.match(fromTar.stdout, /docker-archive:.*FAIL shell/s);
    assert.doesNotMatch(fromTar.stdout, /root-user/);
  });

  it('applies whiteouts across layers: a shell deleted in an upper layer is gone', async () => {
    const lower = await buildLayer([...(await probeTree()), file('bin/sh', 0o755)], { mtime: FIXED_TIME });
    const upper = await buildLayer([dir('bin'), file('bin/.wh.sh', 0o644, '')], { mtime: FIXED_TIME });
    const img = makeImage({
      layers: [lower, upper],
      config: { architecture: 'amd64', created: FIXED_TIME, user: '65532' },
    });
    const d = join(work, 'wh');
    await writeLayout(d, img);
    const r = await pareInProcess(['check', d]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /layers: 2/);
    assert.equal((await pareInProcess(['check', join(work, 'missing')])).code, 1);
  });
});
