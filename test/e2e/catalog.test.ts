/**
 * End to end: the image catalog in examples/, built from the real Debian
 * mirror of the host's apt sources. Every image builds, passes `pare check`,
 * and its status.d is accepted by dpkg-query with exactly the packages
 * `pare resolve` chose. Then each runs a real program under runc as user
 * 65532: Python (ssl, sqlite3, zoneinfo, json, CA bundle, pwd), Node.js,
 * a class compiled with javac, a C++ program compiled with g++, a static
 * binary — the last three added to the image with `paths`. The Debian 13
 * images prove merged /usr. One cache directory serves the whole file; each
 * image is built once (several at a time).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { pare, REPO_ROOT } from '../helpers/cli.js';
import { runImage, type RunResult } from '../helpers/runc.js';
import { staticBinary } from '../helpers/static-bin.js';
import { catalogSyft } from './catalog/syft.js';
import { compileCxx, compileJava, NODE_PROBE, PYTHON_PROBE } from './catalog/programs.js';
import { comparePackages } from '../helpers/syft.js';

const run = promisify(execFile);

/** The catalog: every examples/*.yaml image, with the Debian release it is built from. */
const CATALOG = [
  { name: 'static', debian: '12' },
  { name: 'base', debian: '12' },
  { name: 'cc', debian: '12' },
  { name: 'python3', debian: '12' },
  { name: 'nodejs', debian: '12' },
  { name: 'java', debian: '12' },
  { name: 'base-trixie', debian: '13' },
  { name: 'python3-trixie', debian: '13' },
] as const;
type Name = (typeof CATALOG)[number]['name'] | 'static-app' | 'cc-app' | 'java-app';

interface Built {
  layout: string;
  digest: string;
  stderr: string;
}

describe('e2e: the image catalog (examples/*.yaml) from the host mirror', { timeout: 1_500_000 }, () => {
  let work: string;
  let cache: string;
  let ctx: string;
  const builds = new Map<Name, Promise<Built>>();
  const rootfs = new Map<Name, Promise<string>>();
  let cxxNeeded: string[] = [];

  /** Run at most `limit` builds at a time; all share one cache directory. */
  let slots = 3;
  const queue: (() => void)[] = [];
  async function limited<T>(fn: () => Promise<T>): Promise<T> {
    if (slots === 0) await new Promise<void>((r) => queue.push(r));
    else slots--;
    try {
      return await fn();
    } finally {
      const next = queue.shift();
      if (next) next();
      else slots++;
    }
  }

  function build(name: Name, config: string): Promise<Built> {
    const p = limited(async () => {
      const layout = join(work, 'images', name);
      const r = await pare(['build', config, '-o', layout, '--cache-dir', cache, '-q'], { timeoutMs: 600_000 });
      if (r.code !== 0) throw new Error(`pare build ${config} exited ${r.code}:\n${r.stderr}`);
      return { layout, digest: r.stdout.trim(), stderr: r.stderr };
    });
    p.catch(() => undefined); // reported by the test that awaits it
    builds.set(name, p);
    return p;
  }

  const built = (name: Name): Promise<Built> => builds.get(name)!;

  /** The image's root filesystem, unpacked once with umoci. */
  function unpacked(name: Name): Promise<string> {
    let p = rootfs.get(name);
    if (!p) {
      p = built(name).then(async (b) => {
        const bundle = join(work, 'bundles', name);
        await run('umoci', ['unpack', '--image', `${b.layout}:latest`, bundle], { maxBuffer: 16 << 20 });
        return join(bundle, 'rootfs');
      });
      rootfs.set(name, p);
    }
    return p;
  }

  /** examples/NAME.yaml plus `extra` paths (and keys), written into the build context. */
  async function derived(name: string, paths: unknown[], extra: Record<string, unknown> = {}): Promise<string> {
    const doc = parse(await readFile(join(REPO_ROOT, 'examples', `${name}.yaml`), 'utf8')) as Record<string, unknown>;
    doc.paths = [...((doc.paths as unknown[] | undefined) ?? []), ...paths];
    Object.assign(doc, extra);
    const file = join(ctx, `${name}-app.yaml`);
    await writeFile(file, stringify(doc));
    return file;
  }

  const runAs65532 = (name: Name, opts: { args?: string[]; argv?: string[] }): Promise<RunResult> =>
    built(name).then((b) => runImage(b.layout, { tag: 'latest', user: '65532:65532', timeoutMs: 60_000, ...opts }));

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'pare-catalog-'));
    cache = join(work, 'cache');
    ctx = join(work, 'context');
    await mkdir(join(work, 'images'), { recursive: true });
    await mkdir(join(work, 'bundles'));
    await mkdir(join(ctx, 'bin'), { recursive: true });
    // The programs, built on the host and placed in the build context.
    await writeFile(join(ctx, 'bin', 'probe'), await staticBinary());
    const cxx = await compileCxx(join(ctx, 'bin'));
    cxxNeeded = cxx.needed;
    await compileJava(join(ctx, 'bin'));
    for (const { name } of CATALOG) build(name, join(REPO_ROOT, 'examples', `${name}.yaml`));
    build(
      'static-app',
      await derived(
        'static',
        [
          { path: '/app', type: 'directory', permissions: '0755' },
          { path: '/app/probe', type: 'file', source: 'bin/probe', permissions: '0755' },
        ],
        { entrypoint: { command: '/app/probe' } },
      ),
    );
    build(
      'cc-app',
      await derived(
        'cc',
        [
          { path: '/app', type: 'directory', permissions: '0755' },
          { path: '/app/probe-cxx', type: 'file', source: 'bin/probe-cxx', permissions: '0755' },
        ],
        { entrypoint: { command: '/app/probe-cxx' } },
      ),
    );
    build(
      'java-app',
      await derived(
        'java',
        [
          { path: '/app', type: 'directory', permissions: '0755' },
          { path: '/app/Hello.class', type: 'file', source: 'bin/Hello.class', permissions: '0644' },
        ],
        { cmd: ['-cp', '/app', 'Hello'] },
      ),
    );
  });
  after(() => rm(work, { recursive: true, force: true }));

  for (const { name, debian } of CATALOG) {
    it(`${name}: builds, passes pare check, and dpkg-query lists every resolved package with its version`, async () => {
      const b = await built(name);
      assert.match(b.digest, /^sha256:[0-9a-f]{64}$/);
      assert.match(b.stderr, /slicing removed \d+ files/);

      const check = await pare(['check', b.layout]);
      assert.equal(check.code, 0, `${check.stdout}\n${check.stderr}`);
      assert.match(check.stdout, /user: 65532:65532/);
      assert.match(check.stdout, /ok: no shell, package manager, setuid, world-writable or root-user findings/);

      const resolved = await pare([
        'resolve',
        join(REPO_ROOT, 'examples', `${name}.yaml`),
        '--json',
        '--cache-dir',
        cache,
        '-q',
      ]);
      assert.equal(resolved.code, 0, resolved.stderr);
      const plan = JSON.parse(resolved.stdout) as { packages: { name: string; version: string }[] };
      const expected = plan.packages.map((p) => `${p.name} ${p.version} installed`).sort();

      const root = await unpacked(name);
      const statusD = join(root, 'var/lib/dpkg/status.d');
      const stanzas: string[] = [];
      for (const f of (await readdir(statusD)).sort()) {
        if (f.endsWith('.md5sums')) continue;
        const text = await readFile(join(statusD, f), 'utf8');
        stanzas.push(text.endsWith('\n') ? text : `${text}\n`);
      }
      const admin = join(work, `dpkg-${name}`);
      await mkdir(join(admin, 'info'), { recursive: true });
      await mkdir(join(admin, 'updates'));
      await writeFile(join(admin, 'available'), '');
      await writeFile(join(admin, 'status'), stanzas.join('\n'));
      const { stdout } = await run('dpkg-query', [
        `--admindir=${admin}`,
        '-W',
        '-f',
        '${Package} ${Version} ${db:Status-Status}\n',
      ]);
      assert.deepEqual(stdout.trim().split('\n').sort(), expected);
      assert.ok(
        expected.some((l) => l.startsWith('base-files ')),
        'base-files is installed',
      );

      // The release the image claims, and nothing a maintainer script needs.
      assert.match(await readFile(join(root, 'etc/debian_version'), 'utf8'), new RegExp(`^${debian}\\.`));
      assert.match(await readFile(join(root, 'etc/os-release'), 'utf8'), new RegExp(`VERSION_ID="${debian}"`));
      for (const gone of [
        'bin/sh',
        'usr/bin/dpkg',
        'usr/bin/apt',
        'usr/bin/perl',
        'usr/bin/openssl',
        'usr/bin/debconf',
      ]) {
        await assert.rejects(lstat(join(root, gone)), `/${gone} is absent`);
      }
      const bundle = await readFile(join(root, 'etc/ssl/certs/ca-certificates.crt'), 'utf8');
      assert.ok((bundle.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length > 100, 'CA bundle has > 100 certificates');
      await readFile(join(root, 'usr/share/zoneinfo/Europe/Paris'));
    });
  }

  for (const { name } of CATALOG) {
    it(`${name}: syft finds exactly the Debian packages of pare's lock and SBOMs`, async (t) => {
      const b = await built(name);
      const lockFile = join(work, `${name}.lock.json`);
      const config = join(REPO_ROOT, 'examples', `${name}.yaml`);
      const lock = await pare(['lock', config, '-o', lockFile, '--cache-dir', cache, '-q']);
      assert.equal(lock.code, 0, lock.stderr);
      const r = await catalogSyft(b.layout, lockFile);
      comparePackages(r.sets);
      // Other ecosystems syft reports are files of the Debian packages (see README, syft).
      for (const p of r.others)
        assert.ok(r.ownedByDeb(p), `${p.type} ${p.name} ${p.version} at ${p.locations.join(', ')}`);
      const others = r.others.map((p) => `${p.type}:${p.name}@${p.version}`).join(', ');
      t.diagnostic(`syft: ${r.sets.syft.length} deb packages; also ${others || 'nothing else'}`);
    });
  }

  it('static: no C library; a static binary added with `paths` runs as 65532 and reads the image files', async () => {
    const root = await unpacked('static');
    for (const lib of [
      'lib64/ld-linux-x86-64.so.2',
      'lib/x86_64-linux-gnu/libc.so.6',
      'usr/lib/x86_64-linux-gnu/libc.so.6',
    ]) {
      await assert.rejects(lstat(join(root, lib)), `/${lib} is absent`);
    }
    const check = await pare(['check', (await built('static-app')).layout]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    const r = await runAs65532('static-app', { args: ['@/etc/passwd', '@/etc/services', '$SSL_CERT_FILE'] });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^uid=65532 gid=65532$/m);
    assert.match(r.stdout, /^nonroot:x:65532:65532:nonroot:\/home\/nonroot:\/sbin\/nologin$/m);
    assert.match(r.stdout, /^https\s+443\/tcp/m, '/etc/services from netbase');
    assert.match(r.stdout, /^SSL_CERT_FILE=\/etc\/ssl\/certs\/ca-certificates\.crt$/m);
  });

  it('cc: a C++ program compiled with g++ (libstdc++, libgcc_s, libgomp) runs as 65532', async () => {
    for (const lib of ['libstdc++.so.6', 'libgomp.so.1', 'libc.so.6'])
      assert.ok(cxxNeeded.includes(lib), `g++ output needs ${lib}: ${cxxNeeded}`);
    const r = await runAs65532('cc-app', { args: ['from-cc'] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'cxx uid=65532 exception=unwound sum=5050 omp=3 from-cc');
    // base does not have what the program needs; cc does.
    const base = await unpacked('base');
    await assert.rejects(lstat(join(base, 'usr/lib/x86_64-linux-gnu/libstdc++.so.6')));
    const cc = await unpacked('cc');
    for (const lib of [
      'usr/lib/x86_64-linux-gnu/libstdc++.so.6',
      'usr/lib/x86_64-linux-gnu/libgomp.so.1',
      'lib/x86_64-linux-gnu/libgcc_s.so.1',
    ])
      await lstat(join(cc, lib));
  });

  for (const name of ['python3', 'python3-trixie'] as const) {
    it(`${name}: imports ssl, sqlite3, zoneinfo and json, loads the CA bundle, converts to Europe/Paris, resolves nonroot`, async () => {
      const r = await runAs65532(name, { args: ['-c', PYTHON_PROBE] });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as {
        uid: number;
        user: string;
        home: string;
        ca: number;
        paris: string;
        sqlite: number;
        openssl: string;
        version: number[];
      };
      assert.equal(out.uid, 65532);
      assert.equal(out.user, 'nonroot');
      assert.equal(out.home, '/home/nonroot');
      assert.ok(out.ca > 100, `x509_ca = ${out.ca}`);
      assert.equal(out.paris, '2024-07-01T14:00:00+02:00');
      assert.equal(out.sqlite, 42);
      assert.match(out.openssl, /^OpenSSL 3\./);
      assert.deepEqual(out.version, name === 'python3' ? [3, 11] : [3, 13]);
      const cfg = JSON.parse(
        (await run('skopeo', ['inspect', '--config', `oci:${(await built(name)).layout}:latest`])).stdout,
      ) as { config: { Entrypoint: string[]; User: string } };
      assert.deepEqual(cfg.config.Entrypoint, ['/usr/bin/python3']);
      assert.equal(cfg.config.User, '65532:65532');
    });
  }

  it('python3: licenses concluded for at least 90% of the packages; glibc, CPython and libgcc correct; pare check --json sums them', async () => {
    const b = await built('python3');
    const doc = JSON.parse(await readFile(`${b.layout}.spdx.json`, 'utf8')) as {
      packages: { name: string; licenseConcluded: string; primaryPackagePurpose?: string }[];
    };
    const pkgs = doc.packages.filter((p) => !p.primaryPackagePurpose);
    const concluded = pkgs.filter((p) => p.licenseConcluded !== 'NOASSERTION');
    assert.ok(concluded.length >= 0.9 * pkgs.length, `${concluded.length} of ${pkgs.length} concluded`);
    const terms = (name: string) =>
      pkgs
        .find((p) => p.name === name)!
        .licenseConcluded.split(/ AND | OR /)
        .map((t) => t.replace(/[()]/g, ''));
    assert.ok(terms('libc6').includes('LGPL-2.1-or-later'), terms('libc6').join(' AND '));
    assert.ok(terms('python3.11').includes('PSF-2.0'), terms('python3.11').join(' AND '));
    assert.ok(terms('libgcc-s1').includes('GPL-3.0-or-later WITH GCC-exception-3.1'), terms('libgcc-s1').join(' AND '));
    const check = await pare(['check', b.layout, '--json']);
    const lic = (JSON.parse(check.stdout) as { licenses: { packages: number; concluded: number } }).licenses;
    assert.deepEqual([lic.packages, lic.concluded], [pkgs.length, concluded.length]);
  });

  it('nodejs: prints process.versions and has more than 100 tls.rootCertificates', async () => {
    const r = await runAs65532('nodejs', { args: ['-e', NODE_PROBE] });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      versions: Record<string, string>;
      roots: number;
      uid: number;
      user: string;
      paris: string;
    };
    assert.match(out.versions.node ?? '', /^18\.\d+\.\d+$/);
    assert.match(out.versions.openssl ?? '', /^3\./);
    assert.ok(out.versions.v8 && out.versions.uv && out.versions.icu, JSON.stringify(out.versions));
    assert.ok(out.roots > 100, `tls.rootCertificates.length = ${out.roots}`);
    assert.equal(out.uid, 65532);
    assert.equal(out.user, 'nonroot');
    assert.equal(out.paris, '01/07/2024, 14:00:00');
  });

  it('java: a class compiled with javac, added with `paths`, runs on the headless JRE as 65532', async () => {
    const root = await unpacked('java');
    assert.equal(await readlink(join(root, 'usr/bin/java')), '/usr/lib/jvm/java-17-openjdk-amd64/bin/java');
    const check = await pare(['check', (await built('java-app')).layout]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    const r = await runAs65532('java-app', { args: ['-cp', '/app', 'Hello', 'a', 'b'] });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(lines.slice(0, 4), ['java=17', 'user=nonroot', 'paris=14:00', 'args=a,b']);
    // The trust store pare generates for the JRE (ca-certificates-java's hook never runs).
    const trusted = Number(/^trusted=(\d+)$/.exec(lines[4] ?? '')?.[1]);
    assert.ok(trusted > 100, r.stdout);
    // The Cmd from the config runs it as well (Entrypoint /usr/bin/java).
    const dflt = await runAs65532('java-app', {});
    assert.equal(dflt.code, 0, dflt.stderr);
    assert.match(dflt.stdout, /^java=17$/m);
  });

  it('base-trixie: merged /usr — /bin, /sbin, /lib and /lib64 are links into /usr', async () => {
    const root = await unpacked('base-trixie');
    for (const [link, target] of [
      ['bin', 'usr/bin'],
      ['sbin', 'usr/sbin'],
      ['lib', 'usr/lib'],
      ['lib64', 'usr/lib64'],
    ]) {
      const st = await lstat(join(root, link!));
      assert.ok(st.isSymbolicLink(), `/${link} is a symlink`);
      assert.equal(await readlink(join(root, link!)), target);
    }
    // The loader and libc are reachable through the links, and live under /usr.
    assert.ok((await lstat(join(root, 'usr/lib/x86_64-linux-gnu/libc.so.6'))).isFile());
    assert.ok((await lstat(join(root, 'usr/lib/x86_64-linux-gnu/libssl.so.3'))).isFile());
    await readFile(join(root, 'lib64/ld-linux-x86-64.so.2'));
    // The glibc loader runs as 65532 from the image (no shell to run anything else).
    const r = await runAs65532('base-trixie', { argv: ['/lib64/ld-linux-x86-64.so.2', '--version'] });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\(Debian GLIBC 2\.4\d[^)]*\) stable release version 2\.4\d/);
  });

  it('catalog configs copied elsewhere build the same image (no hidden dependency on the checkout)', async () => {
    const copy = join(work, 'elsewhere.yaml');
    await copyFile(join(REPO_ROOT, 'examples/static.yaml'), copy);
    const r = await pare(['build', copy, '-o', join(work, 'images', 'static-copy'), '--cache-dir', cache, '-q']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), (await built('static')).digest);
  });
});
