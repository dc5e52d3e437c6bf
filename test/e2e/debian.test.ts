/**
 * End to end against the real Debian mirror from the host's apt sources:
 * build examples/base.yaml and an openssl image, inspect them with skopeo and
 * umoci, run openssl under runc, load the docker-archive, and prove that two
 * builds (the second with an empty cache) give the same digests.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pare, REPO_ROOT } from '../helpers/cli.js';
import { skopeo, validateImage } from '../helpers/image.js';
import { runImage } from '../helpers/runc.js';
import { run } from '../helpers/tools.js';

describe('e2e: Debian 12 from the host mirror', { timeout: 900_000 }, () => {
  let work: string;
  let cacheA: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'pare-e2e-'));
    cacheA = join(work, 'cache-a');
  });
  after(() => rm(work, { recursive: true, force: true }));

  let baseDigest = '';

  it('builds examples/base.yaml into an OCI layout that skopeo and umoci accept', async () => {
    const out = join(work, 'base');
    const r = await pare(['build', join(REPO_ROOT, 'examples/base.yaml'), '-o', out, '--cache-dir', cacheA]);
    assert.equal(r.code, 0, r.stderr);
    baseDigest = r.stdout.trim();
    assert.match(baseDigest, /^sha256:[0-9a-f]{64}$/);
    const v = await validateImage(out, 'latest');
    assert.equal(v.digest, baseDigest);
    assert.equal(v.config.architecture, 'amd64');
    assert.equal((v.config.config as { User?: string }).User, '65532:65532');
    const bundle = join(work, 'bundle');
    await run('umoci', ['unpack', '--image', `${out}:latest`, bundle]);
    const rootfs = join(bundle, 'rootfs');
    // The packages' files are there: glibc's loader, OpenSSL, time zones, /etc/debian_version.
    await readFile(join(rootfs, 'usr/lib/x86_64-linux-gnu/libssl.so.3'));
    await readFile(join(rootfs, 'usr/share/zoneinfo/Europe/Paris'));
    assert.match(await readFile(join(rootfs, 'etc/debian_version'), 'utf8'), /^12\./);
    assert.match(await readFile(join(rootfs, 'etc/passwd'), 'utf8'), /^nonroot:x:65532:65532:/m);
    // No shell and no package manager.
    await assert.rejects(readFile(join(rootfs, 'bin/sh')));
    await assert.rejects(readFile(join(rootfs, 'usr/bin/dpkg')));
  });

  it('a second build with an empty cache gives the identical manifest digest', async () => {
    const out = join(work, 'base2');
    const r = await pare([
      'build',
      join(REPO_ROOT, 'examples/base.yaml'),
      '-o',
      out,
      '--cache-dir',
      join(work, 'cache-b'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), baseDigest);
    const again = await pare([
      'build',
      join(REPO_ROOT, 'examples/base.yaml'),
      '-o',
      join(work, 'base3'),
      '--cache-dir',
      cacheA,
    ]);
    assert.equal(again.stdout.trim(), baseDigest);
  });

  it('pare resolve explains why each package is there', async () => {
    const r = await pare(['resolve', join(REPO_ROOT, 'examples/base.yaml'), '--cache-dir', cacheA, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as {
      packages: Array<{ name: string; reasons: string[] }>;
      excluded: Array<{ name: string }>;
    };
    const names = plan.packages.map((p) => p.name);
    for (const n of ['base-files', 'netbase', 'tzdata', 'ca-certificates', 'libc6', 'libssl3', 'libgcc-s1'])
      assert.ok(names.includes(n), `${n} in ${names}`);
    assert.ok(!names.includes('openssl') && !names.includes('debconf') && !names.includes('mawk'));
    assert.deepEqual(plan.excluded.map((e) => e.name).sort(), ['debconf', 'mawk', 'openssl']);
    const libgcc = plan.packages.find((p) => p.name === 'libgcc-s1')!;
    assert.ok(
      libgcc.reasons.some((x) => x.startsWith('libc6 Depends')),
      libgcc.reasons.join('; '),
    );
  });

  let opensslLayout = '';
  let tarball = '';
  it('an image with openssl runs `openssl version` under runc as user 65532', async () => {
    const config = join(work, 'openssl.yaml');
    const base = await readFile(join(REPO_ROOT, 'examples/base.yaml'), 'utf8');
    await writeFile(
      config,
      base
        .replace('    - libssl3\n', '    - libssl3\n    - openssl\n')
        .replace(/ {2}exclude:\n {4}- openssl\n/, '  exclude:\n') +
        'entrypoint:\n  command: /usr/bin/openssl\ncmd: version\n',
    );
    opensslLayout = join(work, 'openssl');
    tarball = join(work, 'openssl.tar');
    const r = await pare([
      'build',
      config,
      '-o',
      opensslLayout,
      '--tarball',
      tarball,
      '--tag',
      'pare/openssl:1',
      '--cache-dir',
      cacheA,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const res = await runImage(opensslLayout, { tag: '1' });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^OpenSSL 3\.\d+\.\d+/);
  });

  it('--debug adds busybox under /busybox: its shell runs under runc, and pare check flags it', async () => {
    const out = join(work, 'debug');
    const r = await pare(['build', join(REPO_ROOT, 'examples/base.yaml'), '-o', out, '--debug', '--cache-dir', cacheA]);
    assert.equal(r.code, 0, r.stderr);
    assert.notEqual(r.stdout.trim(), baseDigest);
    const res = await runImage(out, {
      tag: 'latest',
      args: ['-c', 'echo "shell as $(id -u)"; ls /usr/lib/x86_64-linux-gnu/libssl.so.3'],
    });
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'shell as 65532\n/usr/lib/x86_64-linux-gnu/libssl.so.3\n');
    const check = await pare(['check', out]);
    assert.equal(check.code, 1);
    assert.match(check.stderr, /\/busybox\/sh/);
    assert.equal((await pare(['check', out, '--allow-path', '/busybox/**'])).code, 0);
    assert.equal((await pare(['check', join(work, 'base')])).code, 0, 'the normal image stays shell-free');
  });

  it('the docker-archive converts with skopeo to the same config digest', async () => {
    const layoutCfg = JSON.parse(await skopeo(['inspect', '--raw', `oci:${opensslLayout}:1`])) as {
      config: { digest: string };
    };
    const copy = join(work, 'copied');
    await skopeo(['copy', `docker-archive:${tarball}`, `oci:${copy}:x`]);
    const copiedCfg = JSON.parse(await skopeo(['inspect', '--raw', `oci:${copy}:x`])) as { config: { digest: string } };
    assert.equal(copiedCfg.config.digest, layoutCfg.config.digest);
    const info = JSON.parse(await skopeo(['inspect', `docker-archive:${tarball}`])) as { RepoTags?: string[] };
    assert.ok(info);
  });
});
