/**
 * Cross-check with apko itself: the same generated, signed APK repository
 * (served on 127.0.0.1) and the same package list, built by pare and by
 * apko. The installed package set, every package file (path, type, mode,
 * size, link target) and the installed database (records and file
 * checksums) must agree, except where the difference is known and asserted:
 * pare installs install_if packages as apk does (apko v0.30 did not
 * install demo-extra), keeps the sticky bit a package ships on a directory
 * (apko writes 0777 for 1777), and marks os-release's PRETTY_NAME (the
 * database still lists the checksum the package shipped, as apk and apko do).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { readImageFiles } from '../../src/oci/read-image.js';
import { parseInstalledDb, type InstalledRecord } from '../../src/sources/apk/installed-db.js';
import type { TreeEntry } from '../../src/tree/types.js';
import { startApkRepo, type ApkFixtureRepo } from '../helpers/apk-repo.js';
import { apkoBinary } from '../helpers/apko.js';
import { pareInProcess } from '../helpers/cli.js';

const run = promisify(execFile);

export const COMPARE_PACKAGES = [
  {
    name: 'wolfi-baselayout',
    version: '20230201-r23',
    files: [
      { path: 'etc/os-release', data: 'ID=wolfi\nNAME="Wolfi"\nPRETTY_NAME="Wolfi"\nVERSION_ID="20230201"\n' },
      { path: 'etc/shadow', data: 'root:*::0:::::\n', mode: 0o600 },
      { path: 'var/spool/mail', type: 'symlink' as const, target: '../mail' },
      { path: 'var/mail', type: 'dir' as const, mode: 0o1777 },
    ],
  },
  {
    name: 'libdemo',
    version: '1.2.3-r1',
    provides: ['so:libdemo.so.1=1'],
    files: [
      { path: 'usr/lib/libdemo.so.1.2.3', data: 'ELF?'.repeat(100), mode: 0o755 },
      { path: 'usr/lib/libdemo.so.1', type: 'symlink' as const, target: 'libdemo.so.1.2.3' },
    ],
  },
  {
    name: 'demo',
    version: '2.0-r0',
    depends: ['so:libdemo.so.1', 'wolfi-baselayout'],
    provides: ['cmd:demo=2.0-r0'],
    files: [
      { path: 'usr/bin/demo', data: '#!demo\n', mode: 0o755 },
      { path: 'usr/share/demo/data.txt', data: 'hello\n' },
    ],
  },
  { name: 'demo-extra', version: '1-r0', installIf: ['demo'], files: [{ path: 'usr/share/demo/extra', data: 'x' }] },
];

type Files = Map<string, TreeEntry>;

function dbOf(files: Files): InstalledRecord[] {
  const e = files.get('usr/lib/apk/db/installed');
  assert.ok(e?.data, 'no /usr/lib/apk/db/installed');
  return parseInstalledDb(Buffer.from(e.data).toString());
}

function describeEntry(e: TreeEntry | undefined): string {
  if (!e) return 'missing';
  const size = e.type === 'file' ? (e.data?.byteLength ?? 0) : 0;
  return `${e.type} ${e.mode.toString(8)} ${e.uid}:${e.gid} ${size}${e.target ? ` -> ${e.target}` : ''}`;
}

describe('pare and apko build the same image from one APK repository', { timeout: 300_000 }, () => {
  let repo: ApkFixtureRepo;
  let work: string;
  let pare: Files;
  let apko: Files;

  before(async () => {
    const bin = apkoBinary();
    work = await mkdtemp(join(tmpdir(), 'pare-apko-'));
    repo = await startApkRepo({ packages: COMPARE_PACKAGES });
    const pareYaml = join(work, 'pare.yaml');
    await writeFile(
      pareYaml,
      `contents:\n  repositories:\n    - type: apk\n      url: ${repo.url}\n      keyring: [${repo.keyFile}]\n  packages: [demo]\nentrypoint:\n  command: /usr/bin/demo\nslicing:\n  enabled: false\n`,
    );
    const r = await pareInProcess([
      'build',
      pareYaml,
      '-o',
      join(work, 'pare-out'),
      '--cache-dir',
      join(work, 'cache'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    pare = new Map((await readImageFiles(join(work, 'pare-out'))).entries.map((e) => [e.path, e]));
    const apkoYaml = join(work, 'apko.yaml');
    await writeFile(
      apkoYaml,
      `contents:\n  repositories: [${repo.url}]\n  keyring: [${repo.keyFile}]\n  packages: [demo]\nentrypoint:\n  command: /usr/bin/demo\narchs: [x86_64]\n`,
    );
    const tar = join(work, 'apko.tar');
    await run(bin, ['build', apkoYaml, 'apko-test:latest', tar, '--arch', 'x86_64', '--sbom=false'], {
      cwd: work,
      env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' },
      maxBuffer: 64 << 20,
    });
    apko = new Map((await readImageFiles(tar)).entries.map((e) => [e.path, e]));
  });
  after(async () => {
    await repo?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('installs the same packages (and, as apk does, the install_if package apko leaves out)', () => {
    const set = (f: Files) =>
      dbOf(f)
        .map((d) => `${d.fields.get('P')}=${d.fields.get('V')}`)
        .sort();
    assert.deepEqual(set(apko), ['demo=2.0-r0', 'libdemo=1.2.3-r1', 'wolfi-baselayout=20230201-r23']);
    assert.deepEqual(set(pare), ['demo-extra=1-r0', ...set(apko)]);
  });

  it('has the same package files: paths, types, modes, sizes and link targets', () => {
    const owned = new Set(dbOf(apko).flatMap((d) => [...d.files.keys()]));
    assert.ok(owned.size > 10);
    const diffs = [...owned].sort().filter((p) => describeEntry(pare.get(p)) !== describeEntry(apko.get(p)));
    assert.deepEqual(
      diffs.map((p) => `${p}: pare ${describeEntry(pare.get(p))}, apko ${describeEntry(apko.get(p))}`),
      [
        `etc/os-release: pare file 644 0:0 ${pare.get('etc/os-release')?.data?.byteLength}, apko file 644 0:0 64`,
        'var/mail: pare dir 1777 0:0 0, apko dir 777 0:0 0',
      ],
    );
    assert.match(
      Buffer.from(pare.get('etc/os-release')!.data!).toString(),
      /^PRETTY_NAME="Distroless \(pare\) Wolfi"$/m,
    );
  });

  it('writes the same installed database records and file checksums', () => {
    const KEYS = ['P', 'V', 'A', 'C', 'D', 'p', 'i', 'o', 'L'];
    const norm = (f: Files) =>
      dbOf(f)
        .map((d) => ({
          fields: Object.fromEntries(
            // apko writes an empty install_if as "[]"; word order within a field does not matter.
            KEYS.map((k) => [
              k,
              (d.fields.get(k) ?? '')
                .replace(/^\[\]$/, '')
                .split(' ')
                .filter(Boolean)
                .sort()
                .join(' '),
            ]),
          ),
          files: Object.fromEntries(
            [...d.files]
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([p, v]) => [p, `${v.kind} ${v.acl ?? ''} ${v.checksum ?? ''}`]),
          ),
        }))
        .sort((a, b) => (a.fields.P! < b.fields.P! ? -1 : 1));
    const mine = new Map(norm(pare).map((d) => [d.fields.P!, d]));
    const diffs: string[] = [];
    for (const theirs of norm(apko)) {
      const ours = mine.get(theirs.fields.P!);
      if (!ours) {
        diffs.push(`${theirs.fields.P}: only apko installed it`);
        continue;
      }
      for (const k of KEYS)
        if (ours.fields[k] !== theirs.fields[k])
          diffs.push(`${theirs.fields.P} ${k}: pare ${ours.fields[k]}, apko ${theirs.fields[k]}`);
      for (const p of new Set([...Object.keys(ours.files), ...Object.keys(theirs.files)])) {
        if (ours.files[p] !== theirs.files[p])
          diffs.push(`${theirs.fields.P} ${p}: pare ${ours.files[p]}, apko ${theirs.files[p]}`);
      }
    }
    // etc/os-release is listed with the checksum wolfi-baselayout shipped (as apk records a file
    // changed after install), not of the bytes pare wrote, even though it sits in another layer.
    assert.deepEqual(diffs.sort(), ['wolfi-baselayout var/mail: pare dir 0:0:1777 , apko dir 0:0:0777 ']);
    const shipped = `Q1${createHash('sha1').update(COMPARE_PACKAGES[0]!.files[0]!.data!).digest('base64')}`;
    assert.equal(
      dbOf(pare)
        .find((d) => d.fields.get('P') === 'wolfi-baselayout')
        ?.files.get('etc/os-release')?.checksum,
      shipped,
    );
    assert.notEqual(
      `Q1${createHash('sha1').update(pare.get('etc/os-release')!.data!).digest('base64')}`,
      shipped,
      'pare marks os-release',
    );
  });
});
