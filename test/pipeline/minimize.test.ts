/**
 * `minimize:` against a signed fixture repository whose packages hold real
 * ELF files: a program built here with gcc that needs a library through
 * RUNPATH $ORIGIN, and this host's glibc (libc.so.6 and the dynamic loader).
 * The ELF closure alone keeps what the program loads and it runs under runc
 * as 65532; without `elf` it fails; the metadata is truthful (dpkg-query,
 * md5sums, contents.json, both SBOMs, syft); builds are reproducible.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pareInProcess } from '../helpers/cli.js';
import { validateImage } from '../helpers/image.js';
import { startFixtureRepo, type FixturePackage, type FixtureRepo } from '../helpers/repo.js';
import { runImage } from '../helpers/runc.js';
import { syftScan } from '../helpers/syft.js';
import { tempDirs } from '../helpers/tmp.js';
import { run } from '../helpers/tools.js';

const tempDir = tempDirs('pare-minimize-');
const LIBC = '/lib/x86_64-linux-gnu/libc.so.6';
const LOADER = '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2';

async function compile(dir: string): Promise<{ prog: Buffer; lib: Buffer }> {
  await writeFile(join(dir, 'foo.c'), 'const char *foo(void) { return "foo says hi"; }\n');
  await writeFile(
    join(dir, 'prog.c'),
    '#include <stdio.h>\nconst char *foo(void);\nint main(void) { puts(foo()); return 0; }\n',
  );
  await run('gcc', [
    '-shared',
    '-fPIC',
    '-O2',
    '-Wl,-soname,libfoo.so.1',
    '-o',
    join(dir, 'libfoo.so.1'),
    join(dir, 'foo.c'),
  ]);
  await run('gcc', [
    '-O2',
    '-o',
    join(dir, 'prog'),
    join(dir, 'prog.c'),
    join(dir, 'libfoo.so.1'),
    '-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib/foo',
  ]);
  return { prog: await readFile(join(dir, 'prog')), lib: await readFile(join(dir, 'libfoo.so.1')) };
}

const copyright = (name: string) => ({ path: `./usr/share/doc/${name}/copyright`, data: `${name}: MIT\n` });

function packages(prog: Buffer, lib: Buffer): FixturePackage[] {
  return [
    {
      name: 'base-files',
      version: '12.4',
      files: [
        { path: './etc/debian_version', data: '12.4\n' },
        { path: './usr/lib/os-release', data: 'ID=debian\nVERSION_ID="12"\n' },
        { path: './etc/os-release', type: 'symlink', target: '../usr/lib/os-release' },
        { path: './usr/share/base-files/motd', data: 'unused\n' },
        copyright('base-files'),
      ],
    },
    {
      name: 'libc6',
      version: '2.36-9',
      files: [
        { path: './usr/lib/x86_64-linux-gnu/libc.so.6', data: readFileSync(LIBC), mode: 0o755 },
        { path: './usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', data: readFileSync(LOADER), mode: 0o755 },
        {
          path: './lib64/ld-linux-x86-64.so.2',
          type: 'symlink',
          target: '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
        },
        { path: './usr/lib/x86_64-linux-gnu/libunused.so.1', data: 'not loaded '.repeat(100), mode: 0o644 },
        { path: './usr/share/i18n/big', data: 'x'.repeat(70_000) },
        copyright('libc6'),
      ],
    },
    {
      name: 'libfoo1',
      version: '1.0-1',
      depends: 'libc6',
      files: [
        { path: './usr/lib/foo/libfoo.so.1', data: lib, mode: 0o644 },
        { path: './usr/share/foo/data', data: 'data\n' },
        copyright('libfoo1'),
      ],
    },
    {
      name: 'unused-tool',
      version: '3',
      files: [{ path: './usr/bin/unused-tool', data: 'tool', mode: 0o755 }, copyright('unused-tool')],
    },
    {
      name: 'prog',
      version: '1.0-1',
      depends: 'libfoo1, libc6, unused-tool, base-files',
      files: [
        { path: './usr/bin/prog', data: prog, mode: 0o755 },
        { path: './usr/share/doc/prog/changelog.Debian.gz', data: 'sliced away' },
        { path: './usr/share/man/man1/prog.1.gz', data: 'sliced away' },
        copyright('prog'),
      ],
    },
  ];
}

describe('minimize', { timeout: 300_000 }, () => {
  let repo: FixtureRepo;
  let work: string;
  let n = 0;

  before(async () => {
    assert.ok(existsSync(LIBC) && existsSync(LOADER), `this test needs the host's glibc at ${LIBC}`);
    work = await tempDir();
    const { prog, lib } = await compile(work);
    repo = await startFixtureRepo({ suites: { stable: packages(prog, lib) } });
  });
  after(async () => {
    await repo?.close();
  });

  async function build(minimize: string, extra = ''): Promise<{ out: string; digest: string; stderr: string }> {
    const file = join(work, `img-${++n}.yaml`);
    await writeFile(
      file,
      `contents:\n  repositories:\n    - url: ${repo.url}\n      suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: [prog]\nentrypoint:\n  command: /usr/bin/prog\n${minimize}${extra}`,
    );
    const out = join(work, `img-${n}-out`);
    const r = await pareInProcess(['build', file, '-o', out, '--cache-dir', join(work, 'cache')]);
    assert.equal(r.code, 0, r.stderr);
    await validateImage(out, 'latest');
    return { out, digest: r.stdout.trim(), stderr: r.stderr };
  }

  async function rootfs(out: string): Promise<string> {
    const root = join(work, `rootfs-${++n}`);
    await mkdir(root, { recursive: true });
    const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const manifest = JSON.parse(
      await readFile(join(out, 'blobs/sha256', index.manifests[0]!.digest.slice(7)), 'utf8'),
    ) as {
      layers: { digest: string }[];
    };
    for (const l of manifest.layers)
      execFileSync('tar', ['-xzf', join(out, 'blobs/sha256', l.digest.slice(7)), '-C', root]);
    return root;
  }

  it('ELF closure alone keeps what the program loads; it runs as 65532', async () => {
    const img = await build(`minimize:\n  keep: [/usr/bin/prog]\n  elf: true\n`);
    const r = await runImage(img.out, { tag: 'latest', user: '65532' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'foo says hi\n');
    const root = await rootfs(img.out);
    for (const kept of [
      'usr/bin/prog',
      'usr/lib/foo/libfoo.so.1',
      'usr/lib/x86_64-linux-gnu/libc.so.6',
      'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
      'lib64/ld-linux-x86-64.so.2',
      'usr/share/doc/unused-tool/copyright',
      'etc/debian_version',
      'usr/lib/os-release',
    ])
      assert.ok(existsSync(join(root, kept)), `${kept} is kept`);
    for (const gone of [
      'usr/lib/x86_64-linux-gnu/libunused.so.1',
      'usr/share/i18n',
      'usr/bin/unused-tool',
      'usr/share/foo',
    ])
      assert.ok(!existsSync(join(root, gone)), `${gone} is removed`);
    assert.match(img.stderr, /minimization removed 5 files/);
    assert.match(img.stderr, /unused-tool: removed, kept 1 of 2 files/);
    assert.match(img.stderr, /libc6: partial, kept 4 of 6 files/);
  });

  it('without elf the library goes and the program cannot start (the closure is what kept it)', async () => {
    const img = await build(`minimize:\n  keep: [/usr/bin/prog]\n`);
    const r = await runImage(img.out, { tag: 'latest', user: '65532' });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr + r.stdout, /libfoo\.so\.1|No such file/);
  });

  it('metadata tells the truth: dpkg-query, md5sums, contents.json, SBOMs and syft agree with the files', async () => {
    const traceFile = join(work, 'used.trace');
    await writeFile(traceFile, '# pare trace v1\n/etc/os-release\n/usr/share/foo/data\n/proc/self/maps\n');
    const img = await build(`minimize:\n  keep: [used.trace, /usr/bin/prog]\n  elf: true\n`);
    const root = await rootfs(img.out);
    assert.equal(await readFile(join(root, 'usr/share/foo/data'), 'utf8'), 'data\n', 'a traced file is kept');
    const statusDir = join(root, 'var/lib/dpkg/status.d');
    const entries = await readdir(statusDir);
    const names = entries.filter((f) => !f.endsWith('.md5sums')).sort();
    assert.deepEqual(names, ['base-files', 'libc6', 'libfoo1', 'prog'], 'unused-tool is no longer installed');
    const admin = join(work, `admin-${n}`);
    await mkdir(join(admin, 'info'), { recursive: true });
    await writeFile(
      join(admin, 'status'),
      (await Promise.all(names.map((f) => readFile(join(statusDir, f), 'utf8')))).join('\n'),
    );
    const listed = execFileSync('dpkg-query', ['--admindir', admin, '-W', '-f', '${Package}\\n'], { encoding: 'utf8' });
    assert.deepEqual(listed.trim().split('\n').sort(), names);
    let lines = 0;
    for (const f of entries.filter((e) => e.endsWith('.md5sums'))) {
      const text = await readFile(join(statusDir, f), 'utf8');
      lines += text.split('\n').filter(Boolean).length;
      if (text === '') continue;
      execFileSync('md5sum', ['--check', '--quiet', '--strict', join(statusDir, f)], { cwd: root });
    }
    assert.ok(lines >= 8, `md5sums list the kept files (${lines} lines)`);
    const libc = await readFile(join(statusDir, 'libc6.md5sums'), 'utf8');
    assert.doesNotMatch(libc, /libunused|i18n/);
    const record = JSON.parse(await readFile(join(root, 'var/lib/pare/contents.json'), 'utf8')) as {
      minimized: { name: string; status: string; kept: number; shipped: number }[];
    };
    assert.deepEqual(
      record.minimized.map((m) => `${m.name} ${m.status} ${m.kept}/${m.shipped}`),
      ['base-files partial 3/4', 'libc6 partial 4/6', 'unused-tool removed 1/2'],
    );
    const spdx = JSON.parse(await readFile(`${img.out}.spdx.json`, 'utf8')) as {
      packages: {
        name: string;
        versionInfo?: string;
        comment?: string;
        annotations?: { comment: string }[];
        externalRefs?: { referenceLocator: string }[];
      }[];
    };
    const debs = spdx.packages.filter((p) => p.externalRefs?.some((r) => r.referenceLocator.startsWith('pkg:deb/')));
    assert.deepEqual(debs.map((p) => p.name).sort(), names);
    assert.match(debs.find((p) => p.name === 'libc6')!.comment ?? '', /^partial: minimization kept 4 of its 6 files/);
    assert.match(JSON.stringify(spdx.packages[0]!.annotations), /removed package unused-tool 3/);
    const cdx = JSON.parse(await readFile(`${img.out}.cdx.json`, 'utf8')) as {
      components: { name: string; purl?: string; properties?: { name: string; value: string }[] }[];
      metadata: { component: { properties: { name: string; value: string }[] } };
    };
    const libcCdx = cdx.components.find((c) => c.name === 'libc6')!;
    assert.ok(libcCdx.properties?.some((p) => p.name === 'pare:minimize:status' && p.value === 'partial'));
    assert.ok(
      cdx.metadata.component.properties.some(
        (p) => p.name === 'pare:minimize:removed' && p.value.startsWith('unused-tool 3'),
      ),
    );
    const scan = await syftScan(img.out);
    assert.deepEqual(
      scan.debs.map((p) => `${p.name} ${p.version}`),
      debs.map((p) => `${p.name} ${p.versionInfo}`).sort(),
    );
    for (const f of scan.debFiles) assert.ok(existsSync(join(root, f)), `syft's file ${f} is in the image`);
    const again = await pareInProcess(['sbom', `${img.out}:latest`, '--format', 'spdx']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, await readFile(`${img.out}.spdx.json`, 'utf8'), 'pare sbom reads the same SBOM back');
  });

  it('without minimize too, md5sums list exactly the files slicing left (os-release with its bytes in the image)', async () => {
    const img = await build('');
    const root = await rootfs(img.out);
    const statusDir = join(root, 'var/lib/dpkg/status.d');
    const progSums = await readFile(join(statusDir, 'prog.md5sums'), 'utf8');
    assert.match(progSums, /usr\/bin\/prog\n/);
    assert.doesNotMatch(progSums, /changelog|man1/, 'files slicing removed are not listed');
    assert.match(await readFile(join(statusDir, 'base-files.md5sums'), 'utf8'), /usr\/lib\/os-release\n/);
    for (const f of (await readdir(statusDir)).filter((e) => e.endsWith('.md5sums')))
      execFileSync('md5sum', ['--check', '--quiet', '--strict', join(statusDir, f)], { cwd: root });
  });

  it('two builds give the same digest; minimization changes it', async () => {
    const config = `minimize:\n  keep: [/usr/bin/prog]\n  elf: true\n`;
    const a = await build(config);
    await rm(join(work, 'cache'), { recursive: true, force: true });
    const b = await build(config);
    assert.equal(a.digest, b.digest);
    const full = await build('');
    assert.notEqual(full.digest, a.digest);
    assert.doesNotMatch(full.stderr, /minimization/);
  });

  it('a missing or foreign trace file is CONFIG_READ (exit 1) and nothing is written', async () => {
    await writeFile(join(work, 'not-a.trace'), '/usr/bin/prog\n');
    for (const keep of ['missing.trace', 'not-a.trace']) {
      const file = join(work, `bad-${keep}.yaml`);
      await writeFile(
        file,
        `contents:\n  repositories:\n    - url: ${repo.url}\n      suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: [prog]\nminimize:\n  keep: [${keep}]\n`,
      );
      const out = join(work, `bad-${keep}-out`);
      const r = await pareInProcess(['build', file, '-o', out, '--cache-dir', join(work, 'cache')]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /error\[CONFIG_READ\].*minimize\.keep/);
      assert.ok(!existsSync(out));
    }
  });
});
