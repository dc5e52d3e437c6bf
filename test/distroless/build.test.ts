/**
 * The distroless wiring through a whole build against the signed fixture
 * repository: generated base files, status.d, slicing, paths from the build
 * context, pare check on the result, and the --debug busybox layer.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readImageFiles } from '../../src/oci/read-image.js';
import { pareInProcess } from '../helpers/cli.js';
import { startFixtureRepo, type FixturePackage, type FixtureRepo } from '../helpers/repo.js';
import { fakeBusybox } from './fixtures.js';

const OS_RELEASE =
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n';

function cert(dir: string, cn: string): string {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      `/CN=${cn}`,
      '-days',
      '1',
      '-keyout',
      join(dir, 'k'),
      '-out',
      join(dir, 'c'),
    ],
    { stdio: 'ignore' },
  );
  return execFileSync('cat', [join(dir, 'c')]).toString();
}

describe('distroless build through the fixture repository', { timeout: 120_000 }, () => {
  let repo: FixtureRepo;
  let work: string;
  let certs: string[];
  let n = 0;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'pare-dl-'));
    certs = [cert(work, 'B Root'), cert(work, 'A Root')];
    const packages: FixturePackage[] = [
      {
        name: 'base-files',
        version: '12.4',
        files: [
          { path: './usr/lib/os-release', data: OS_RELEASE },
          { path: './etc/os-release', type: 'symlink', target: '../usr/lib/os-release' },
          { path: './etc/debian_version', data: '12.4\n' },
          { path: './var/tmp/', type: 'dir', mode: 0o1777 },
          { path: './usr/share/doc/base-files/copyright', data: 'base-files copyright\n' },
          { path: './usr/share/doc/base-files/README', data: 'x'.repeat(1000) },
          { path: './usr/share/man/man5/os-release.5.gz', data: 'y'.repeat(500) },
        ],
      },
      {
        name: 'ca-certificates',
        version: '20230311',
        files: [
          { path: './usr/share/ca-certificates/mozilla/B_Root.crt', data: certs[0]! },
          { path: './usr/share/ca-certificates/mozilla/A_Root.crt', data: certs[1]! },
          { path: './etc/ssl/certs/', type: 'dir' },
        ],
      },
      {
        name: 'hello',
        version: '1.0',
        depends: 'base-files',
        files: [
          { path: './usr/bin/hello', data: 'hello', mode: 0o755 },
          { path: './usr/share/locale/de/LC_MESSAGES/hello.mo', data: 'hallo' },
        ],
      },
      {
        name: 'dash',
        version: '0.5.12-2',
        files: [
          { path: './bin/dash', data: 'dash', mode: 0o755 },
          { path: './bin/sh', type: 'symlink', target: 'dash' },
        ],
      },
      {
        name: 'busybox-static',
        version: '1:1.35.0-4',
        files: [
          { path: './bin/busybox', data: fakeBusybox(), mode: 0o755 },
          { path: './usr/share/doc/busybox-static/copyright', data: 'c' },
        ],
      },
    ];
    repo = await startFixtureRepo({ suites: { stable: packages } });
    await mkdir(join(work, 'ctx', 'app'), { recursive: true });
    await writeFile(join(work, 'ctx', 'app', 'main.py'), 'print("hi")\n');
    await writeFile(join(work, 'outside.txt'), 'secret\n');
    await symlink('../outside.txt', join(work, 'ctx', 'escape.txt'));
  });
  after(async () => {
    await repo.close();
    await rm(work, { recursive: true, force: true });
  });

  async function build(pkgs: string[], extraYaml = '', args: string[] = []) {
    const file = join(work, 'ctx', `pare-${++n}.yaml`);
    await writeFile(
      file,
      `contents:\n  repositories:\n    - url: ${repo.url}\n      suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: [${pkgs.join(', ')}]\nentrypoint:\n  command: /usr/bin/hello\n${extraYaml}`,
    );
    const out = join(work, `out-${n}`);
    const r = await pareInProcess(['build', file, '-o', out, '--cache-dir', join(work, 'cache'), ...args]);
    return { ...r, out };
  }

  it('generates base files and status.d, slices docs, adds paths, and passes pare check', async () => {
    const r = await build(
      ['hello', 'ca-certificates'],
      'paths:\n  - { path: /app/main.py, type: file, source: app/main.py, uid: 65532, gid: 65532 }\n  - { path: /data, type: directory, uid: 65532, gid: 65532, permissions: 0o700 }\n',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /slicing removed 3 files, .*\(1505 bytes\)/);
    const img = await readImageFiles(`${r.out}:latest`);
    const byPath = new Map(img.entries.map((e) => [e.path, e]));
    const text = (p: string) => Buffer.from(byPath.get(p)!.data!).toString();
    for (const p of ['base-files', 'ca-certificates', 'hello']) {
      assert.match(
        text(`var/lib/dpkg/status.d/${p}`),
        new RegExp(`^Package: ${p}\nStatus: install ok installed\nVersion: `),
      );
      assert.ok(byPath.has(`var/lib/dpkg/status.d/${p}.md5sums`));
    }
    assert.ok(byPath.has('usr/share/doc/base-files/copyright'));
    for (const gone of [
      'usr/share/doc/base-files/README',
      'usr/share/man/man5/os-release.5.gz',
      'usr/share/locale/de/LC_MESSAGES/hello.mo',
    ])
      assert.ok(!byPath.has(gone), gone);
    assert.match(text('usr/lib/os-release'), /^PRETTY_NAME="Distroless \(pare\) Debian GNU\/Linux 12 \(bookworm\)"$/m);
    assert.equal(text('etc/debian_version'), '12.4\n');
    assert.equal(text('etc/ssl/certs/ca-certificates.crt'), certs[1]! + certs[0]!);
    assert.match(text('etc/nsswitch.conf'), /^hosts: +files dns$/m);
    assert.equal(text('app/main.py'), 'print("hi")\n');
    assert.deepEqual([byPath.get('app/main.py')!.uid, byPath.get('data')!.mode], [65532, 0o700]);
    assert.ok((img.config.config.Env ?? []).includes('SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt'));
    assert.equal(img.config.config.User, '65532:65532');

    const check = await pareInProcess(['check', `${r.out}:latest`]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /packages: 3 \(base-files=12\.4 ca-certificates=20230311 hello=1\.0\)/);
  });

  it('pare check fails on an image with a shell from a package, naming it', async () => {
    const r = await build(['hello', 'dash']);
    assert.equal(r.code, 0, r.stderr);
    const check = await pareInProcess(['check', r.out]);
    assert.equal(check.code, 1);
    assert.match(check.stderr, /CHECK_FAILED.*\/bin\/dash.*\/bin\/sh/);
  });

  it('--debug adds busybox in a second layer; the normal image stays shell-free', async () => {
    const r = await build(['hello'], '', ['--debug']);
    assert.equal(r.code, 0, r.stderr);
    const img = await readImageFiles(r.out);
    assert.equal(img.layers, 2);
    assert.deepEqual(img.config.config.Entrypoint, ['/busybox/sh']);
    assert.equal(img.config.config.Cmd, undefined);
    assert.match(
      (img.config.config.Env ?? []).find((e) => e.startsWith('PATH='))!,
      /:\/busybox$/,
    );
    const byPath = new Map(img.entries.map((e) => [e.path, e]));
    assert.equal(byPath.get('busybox/sh')?.target, 'busybox');
    assert.equal(byPath.get('busybox/busybox')?.mode, 0o755);
    assert.ok(byPath.has('var/lib/dpkg/status.d/busybox-static'));
    assert.ok(!byPath.has('bin/busybox'));
    const check = await pareInProcess(['check', r.out]);
    assert.equal(check.code, 1);
    assert.equal((await pareInProcess(['check', r.out, '--allow-path', '/busybox/**'])).code, 0);
    const plain = await build(['hello'], 'debug: false\n');
    assert.equal((await readImageFiles(plain.out)).layers, 1);
  });

  it('rejects a paths source outside the build context, naming it', async () => {
    const lexical = await build(['hello'], 'paths:\n  - { path: /x, type: file, source: ../outside.txt }\n');
    assert.equal(lexical.code, 1);
    assert.match(lexical.stderr, /CONFIG_SCHEMA.*"\.\.\/outside\.txt" is outside the build context/);
    const viaLink = await build(['hello'], 'paths:\n  - { path: /x, type: file, source: escape.txt }\n');
    assert.equal(viaLink.code, 1);
    assert.match(viaLink.stderr, /source "escape\.txt" resolves to .*outside\.txt, outside the build context/);
    const missing = await build(['hello'], 'paths:\n  - { path: /x, type: file, source: nope.txt }\n');
    assert.match(missing.stderr, /CONFIG_READ.*nope\.txt.*no such file/);
    assert.equal(await readFile(join(work, 'outside.txt'), 'utf8'), 'secret\n');
  });
});
