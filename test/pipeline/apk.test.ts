/**
 * Images from generated APK repositories served on 127.0.0.1: the image runs
 * a static program under runc as 65532; the apk database, /etc/apk, accounts
 * and os-release are there; SBOM purls are pkg:apk; and every broken input
 * (wrong key, tampered index, tampered package, hostile paths) fails with
 * a clear error and writes nothing.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readImageFiles } from '../../src/oci/read-image.js';
import { parseInstalledDb } from '../../src/sources/apk/installed-db.js';
import { makeApkKey, startApkRepo, type ApkFixturePackage, type ApkFixtureRepo } from '../helpers/apk-repo.js';
import { pareInProcess } from '../helpers/cli.js';
import { runImage } from '../helpers/runc.js';
import { staticBinary } from '../helpers/static-bin.js';

const OS_RELEASE =
  'ID=wolfi\nNAME="Wolfi"\nPRETTY_NAME="Wolfi"\nVERSION_ID="20230201"\nHOME_URL="https://example.invalid/"\n';

async function packages(): Promise<ApkFixturePackage[]> {
  return [
    {
      name: 'wolfi-baselayout',
      version: '20230201-r23',
      files: [
        { path: 'etc/os-release', data: OS_RELEASE },
        { path: 'etc/passwd', data: 'root:x:0:0:root:/root:/bin/ash\n' },
        { path: 'etc/group', data: 'root:x:0:root\n' },
        { path: 'etc/shadow', data: 'root:*::0:::::\n', mode: 0o600 },
        { path: 'var/lib/db/sbom', type: 'dir' },
      ],
    },
    {
      name: 'ca-certificates-bundle',
      version: '20250619-r3',
      depends: ['wolfi-baselayout'],
      files: [
        {
          path: 'etc/ssl/certs/ca-certificates.crt',
          data: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
        },
        { path: 'etc/ssl/cert.pem', type: 'symlink', target: 'certs/ca-certificates.crt' },
      ],
    },
    {
      name: 'probe',
      version: '1.0-r0',
      depends: ['so:libfake.so.1', 'wolfi-baselayout', 'cmd:helper>=2'],
      files: [{ path: 'usr/bin/probe', data: await staticBinary(), mode: 0o755 }],
    },
    // so:libfake.so.1 is provided by two packages: the higher k: wins.
    {
      name: 'libfake-a',
      version: '1.0-r0',
      provides: ['so:libfake.so.1=1'],
      files: [{ path: 'usr/lib/libfake-a.so.1', data: 'a' }],
    },
    {
      name: 'libfake-b',
      version: '1.0-r0',
      provides: ['so:libfake.so.1=1'],
      providerPriority: 10,
      files: [{ path: 'usr/lib/libfake-b.so.1', data: 'b' }],
    },
    {
      name: 'helper',
      version: '1.0-r0',
      provides: ['cmd:helper=1.0-r0'],
      files: [{ path: 'usr/bin/helper', data: 'old', mode: 0o755 }],
    },
    {
      name: 'helper',
      version: '2.1-r0',
      provides: ['cmd:helper=2.1-r0'],
      files: [{ path: 'usr/bin/helper', data: 'new', mode: 0o755 }],
    },
    // Joins when probe and helper are both installed.
    {
      name: 'probe-helper-glue',
      version: '1-r0',
      installIf: ['probe', 'helper'],
      files: [{ path: 'usr/share/glue', data: 'g' }],
    },
    // 48 MiB of zeros: a few KiB compressed, a bomb under a lowered limit.
    { name: 'zeros', version: '1-r0', files: [{ path: 'usr/share/zeros', data: Buffer.alloc(48 << 20) }] },
    { name: 'evil', version: '1-r0', parents: false, files: [{ path: '../../etc/evil', data: 'x' }] },
    {
      name: 'evil-link',
      version: '1-r0',
      files: [
        { path: 'usr/lib/x', type: 'symlink', target: '../../../../etc' },
        { path: 'usr/lib/x/passwd', data: 'owned' },
      ],
    },
    {
      name: 'tampered',
      version: '1-r0',
      files: [{ path: 'usr/bin/t', data: 'ok' }],
      tamper: (b) => {
        const c = Buffer.from(b);
        c[c.length - 30]! ^= 0xff;
        return c;
      },
    },
  ];
}

describe('APK images from a generated repository', { timeout: 240_000 }, () => {
  let repo: ApkFixtureRepo;
  let work: string;
  let n = 0;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'pare-apk-'));
    repo = await startApkRepo({ packages: await packages() });
  });
  after(async () => {
    await repo?.close();
    await rm(work, { recursive: true, force: true });
  });

  async function build(pkgs: string[], opts: { keyFile?: string; extra?: string } = {}) {
    const file = join(work, `pare-${++n}.yaml`);
    await writeFile(
      file,
      `contents:\n  repositories:\n    - type: apk\n      url: ${repo.url}\n      keyring: [${opts.keyFile ?? repo.keyFile}]\n  packages: [${pkgs.map((p) => `"${p}"`).join(', ')}]\nentrypoint:\n  command: /usr/bin/probe\n${opts.extra ?? ''}`,
    );
    const out = join(work, `out-${n}`);
    const r = await pareInProcess(['build', file, '-o', out, '--cache-dir', join(work, `cache-${n}`)]);
    return { ...r, out, file };
  }

  it('builds an image whose static program runs under runc as 65532, with apk metadata scanners read', async () => {
    const r = await build(['probe', 'ca-certificates-bundle']);
    assert.equal(r.code, 0, r.stderr);
    const run = await runImage(r.out, { tag: 'latest', args: ['@/etc/os-release', '$SSL_CERT_FILE'] });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^uid=65532 gid=65532$/m);
    assert.match(run.stdout, /^ID=wolfi$/m);
    assert.match(run.stdout, /^SSL_CERT_FILE=\/etc\/ssl\/certs\/ca-certificates.crt$/m);

    const img = await readImageFiles(`${r.out}:latest`);
    const byPath = new Map(img.entries.map((e) => [e.path, e]));
    const text = (p: string) => Buffer.from(byPath.get(p)!.data!).toString();
    const db = parseInstalledDb(text('usr/lib/apk/db/installed'));
    const names = db.map((d) => d.fields.get('P')).sort();
    assert.deepEqual(names, [
      'ca-certificates-bundle',
      'helper',
      'libfake-b',
      'probe',
      'probe-helper-glue',
      'wolfi-baselayout',
    ]);
    const helper = db.find((d) => d.fields.get('P') === 'helper')!;
    assert.equal(helper.fields.get('V'), '2.1-r0');
    assert.match(helper.fields.get('C')!, /^Q1[A-Za-z0-9+/]{27}=$/);
    assert.deepEqual(helper.files.get('usr/bin/helper'), {
      kind: 'file',
      acl: '0:0:0755',
      checksum: 'Q1' + sha1b64('new'),
    });
    const ca = db.find((d) => d.fields.get('P') === 'ca-certificates-bundle')!;
    assert.deepEqual(ca.files.get('etc/ssl/cert.pem'), {
      kind: 'file',
      acl: '0:0:0777',
      checksum: 'Q1' + sha1b64('certs/ca-certificates.crt'),
    });
    // Every regular file in the image that a package owns is in the database, and nothing else.
    for (const d of db)
      for (const [p, f] of d.files) assert.ok(byPath.has(p), `${p} (${f.kind}) listed but not in the image`);
    assert.equal(text('etc/apk/world'), 'ca-certificates-bundle\nprobe\n');
    assert.equal(text('etc/apk/repositories'), `${repo.url}\n`);
    assert.equal(text(`etc/apk/keys/${repo.key.name}`), repo.key.publicPem);
    assert.ok(!byPath.has('sbin/apk') && !byPath.has('usr/bin/apk'));
    assert.match(text('etc/passwd'), /^root:x:0:0:root:\/root:\/bin\/ash\n/);
    assert.match(text('etc/passwd'), /^nonroot:x:65532:65532:/m);
    assert.match(text('etc/os-release'), /^PRETTY_NAME="Distroless \(pare\) Wolfi"$/m);
    assert.equal(byPath.get('etc/shadow')!.mode, 0o600);

    const sbom = await pareInProcess(['sbom', `${r.out}:latest`, '--format', 'spdx-json']);
    assert.equal(sbom.code, 0, sbom.stderr);
    const doc = JSON.parse(sbom.stdout) as {
      packages: Array<{ name: string; externalRefs?: Array<{ referenceLocator: string }> }>;
    };
    const purl = (name: string) =>
      doc.packages.find((p) => p.name === name)?.externalRefs?.find((x) => x.referenceLocator.startsWith('pkg:'))
        ?.referenceLocator;
    assert.match(purl('probe') ?? '', /^pkg:apk\/wolfi\/probe@1\.0-r0\?arch=x86_64/);

    const check = await pareInProcess(['check', `${r.out}:latest`]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
  });

  it('locks every package with its sha256 and C:, and a locked build gives the same image', async () => {
    const r = await build(['probe', 'ca-certificates-bundle'], { extra: 'archs: [amd64]\n' });
    assert.equal(r.code, 0, r.stderr);
    const lockFile = join(work, 'apk.lock.json');
    const l = await pareInProcess(['lock', r.file, '-o', lockFile, '--cache-dir', join(work, 'cache-lock')]);
    assert.equal(l.code, 0, l.stderr);
    const lock = JSON.parse(await readFile(lockFile, 'utf8')) as {
      repositories: Array<{ url: string; suite: string; signedBy: string[] }>;
      archs: Record<string, { packages: Array<{ name: string; checksum?: string; sha256: string }> }>;
    };
    assert.deepEqual(
      lock.repositories.map((x) => [x.url, x.suite, x.signedBy]),
      [[repo.url, 'x86_64', [repo.key.name]]],
    );
    const locked = lock.archs.amd64!.packages;
    assert.equal(locked.length, 6);
    for (const p of locked) {
      assert.match(p.checksum ?? '', /^Q1[A-Za-z0-9+/]{27}=$/, p.name);
      assert.match(p.sha256, /^[0-9a-f]{64}$/);
    }
    const out = join(work, 'locked-out');
    const b = await pareInProcess([
      'build',
      r.file,
      '--locked',
      '--lock',
      lockFile,
      '-o',
      out,
      '--cache-dir',
      join(work, 'cache-locked'),
    ]);
    assert.equal(b.code, 0, b.stderr);
    const digest = async (dir: string) =>
      JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')).manifests[0].digest as string;
    assert.equal(await digest(out), await digest(r.out));
  });

  it('explains why each package is there', async () => {
    const file = join(work, 'resolve.yaml');
    await writeFile(
      file,
      `contents:\n  repositories:\n    - type: apk\n      url: ${repo.url}\n      keyring: [${repo.keyFile}]\n  packages: [probe]\n`,
    );
    const r = await pareInProcess(['resolve', file, '--cache-dir', join(work, 'cache-resolve')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /libfake-b .*probe depends on so:libfake\.so\.1/);
    assert.match(r.stdout, /helper +2\.1-r0 .*probe depends on cmd:helper>=2/);
    assert.match(r.stdout, /probe-helper-glue .*install_if probe helper/);
  });

  for (const [what, pkgs, code, pattern] of [
    ['a package whose bytes were changed', ['tampered'], 'HASH_MISMATCH', /tampered-1-r0\.apk/],
    ['a package with a ../ path', ['evil'], 'PATH_HOSTILE', /evil/],
    ['a package writing through a symlink out of the root', ['evil-link'], 'PATH_HOSTILE', /evil-link/],
  ] as const) {
    it(`refuses ${what}, writing nothing`, async () => {
      const r = await build([...pkgs]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(code));
      assert.match(r.stderr, pattern);
      assert.ok(!existsSync(r.out), 'no output');
    });
  }

  it('applies the limits as for .deb: a package that inflates past package-size, or too many files, fails and writes nothing', async () => {
    const big = await build(['zeros'], { extra: 'limits: { package-size: 16M }\n' });
    assert.equal(big.code, 1, big.stderr);
    assert.match(big.stderr, /LIMIT_EXCEEDED.*zeros-1-r0\.apk.*inflates to more than 16\.0 MiB/);
    assert.match(big.stderr, /hint: .*--max-package-size/);
    assert.ok(!existsSync(big.out), 'no output');
    const files = await build(['probe'], { extra: 'limits: { files: 3 }\n' });
    assert.equal(files.code, 1, files.stderr);
    assert.match(files.stderr, /LIMIT_EXCEEDED.*more than 3 files/);
    assert.ok(!existsSync(files.out), 'no output');
    const image = await build(['zeros', 'probe'], { extra: 'limits: { image-size: 40M }\n' });
    assert.equal(image.code, 1, image.stderr);
    assert.match(image.stderr, /LIMIT_EXCEEDED.*limit for one image/);
    const ok = await build(['zeros'], { extra: 'limits: { package-size: 64M }\n' });
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('layers by origin as for Debian: a layer per package origin, the generated files and apk database on top; images share package layers', async () => {
    const layered = async (pkgs: string[]) => {
      const r = await build(pkgs, { extra: 'layering:\n  strategy: origin\n' });
      assert.equal(r.code, 0, r.stderr);
      const index = JSON.parse(await readFile(join(r.out, 'index.json'), 'utf8')) as {
        manifests: Array<{ digest: string }>;
      };
      const blob = (d: string) => readFile(join(r.out, 'blobs', 'sha256', d.slice(7)), 'utf8');
      const manifest = JSON.parse(await blob(index.manifests[0]!.digest)) as {
        config: { digest: string };
        layers: Array<{ digest: string }>;
      };
      const config = JSON.parse(await blob(manifest.config.digest)) as { history: Array<{ created_by?: string }> };
      return {
        r,
        layers: manifest.layers.map((l) => l.digest),
        history: config.history.map((h) => h.created_by ?? ''),
      };
    };
    const a = await layered(['probe']);
    const b = await layered(['probe', 'ca-certificates-bundle']);
    assert.ok(a.layers.length >= 4, `${a.layers.length} layers: ${a.history.join(' | ')}`);
    assert.ok(
      a.history.some((h) => /probe/.test(h)) && a.history.some((h) => /wolfi-baselayout/.test(h)),
      a.history.join(' | '),
    );
    const shared = a.layers.filter((d) => b.layers.includes(d));
    assert.ok(
      shared.length >= a.layers.length - 1,
      'adding a package changes only its own layer and the generated one',
    );
    const run = await runImage(b.r.out, { tag: 'latest', args: ['@/etc/os-release'] });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^uid=65532 gid=65532$/m);
    const files = await readImageFiles(`${b.r.out}:latest`);
    const db = parseInstalledDb(
      Buffer.from(files.entries.find((e) => e.path === 'usr/lib/apk/db/installed')!.data!).toString(),
    );
    assert.deepEqual(db.map((d) => d.fields.get('P')).sort(), [
      'ca-certificates-bundle',
      'helper',
      'libfake-b',
      'probe',
      'probe-helper-glue',
      'wolfi-baselayout',
    ]);
  });

  it('refuses an index signed by another key, writing nothing', async () => {
    const other = makeApkKey(repo.key.name); // same name, different key
    const keyFile = join(work, 'other', other.name);
    await mkdir(join(work, 'other'), { recursive: true });
    await writeFile(keyFile, other.publicPem);
    const r = await build(['probe'], { keyFile });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /SIG_BAD/);
    assert.ok(!existsSync(r.out));
    const unknown = join(work, 'other', 'someone-else.rsa.pub');
    await writeFile(unknown, other.publicPem);
    const r2 = await build(['probe'], { keyFile: unknown });
    assert.match(r2.stderr, /SIG_NO_KEY.*pare-test-0001\.rsa\.pub/);
  });

  it('refuses a tampered index, writing nothing', async () => {
    repo.override('x86_64/APKINDEX.tar.gz', (b) => {
      const c = Buffer.from(b);
      c[c.length - 40]! ^= 0x01;
      return c;
    });
    try {
      const r = await build(['probe']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /SIG_BAD|ARCHIVE_COMPRESSION/);
      assert.ok(!existsSync(r.out));
    } finally {
      repo.override('x86_64/APKINDEX.tar.gz', (b) => b);
    }
  });

  it('rejects mixing apk and Debian repositories in one config', async () => {
    const file = join(work, 'mixed.yaml');
    await writeFile(
      file,
      `contents:\n  repositories:\n    - type: apk\n      url: ${repo.url}\n    - bookworm main\n  packages: [probe]\n`,
    );
    const r = await pareInProcess(['build', file, '-o', join(work, 'mixed-out')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot be mixed/);
  });

  it('rejects a base image with apk repositories (Debian contents only)', async () => {
    const file = join(work, 'on-base.yaml');
    await writeFile(
      file,
      `contents:\n  repositories:\n    - type: apk\n      url: ${repo.url}\n  packages: [probe]\nbase: oci:${work}/nothing:latest\n`,
    );
    const r = await pareInProcess(['build', file, '-o', join(work, 'on-base-out')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error\[CONFIG_SCHEMA\]/);
    assert.match(r.stderr, /base image is supported for Debian contents only/);
  });
});

function sha1b64(s: string): string {
  return createHash('sha1').update(s).digest('base64');
}
