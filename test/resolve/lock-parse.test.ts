/**
 * A lock file read back (src/resolve/lock.ts parseLockfile, checkLockMatches;
 * src/resolve/lock-file.ts) and compared (src/resolve/lock-diff.ts): every
 * field a locked build relies on is checked before it is used, a hostile
 * filename never reaches a URL or a path, and `pare lock --update` reports
 * exactly what changed. Written to kill the mutants `npm run mutation -- lock`
 * found surviving (docs/MUTATION.md).
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/config/index.js';
import { hasCode } from '../../src/errors.js';
import { diffLocks, formatLockDiff, isEmptyDiff } from '../../src/resolve/lock-diff.js';
import { defaultLockPath, previousRepositories, readLockfile, writeLockfile } from '../../src/resolve/lock-file.js';
import {
  checkLockMatches,
  lockedConfigDigest,
  makeLockfile,
  parseLockfile,
  serializeLockfile,
  type LockedPackage,
  type Lockfile,
} from '../../src/resolve/lock.js';
import type { Plan } from '../../src/resolve/solver.js';
import type { PackageRecord } from '../../src/sources/debian/packages-index.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('pare-lock-parse-');

const pkg = (name: string, version = '1.0-1'): LockedPackage => ({
  name,
  version,
  architecture: 'amd64',
  sha256: 'a'.repeat(64),
  size: 10,
  filename: `pool/main/${name[0]}/${name}/${name}_${version}_amd64.deb`,
  repository: 0,
  source: { name, version },
  reasons: ['requested'],
});

function valid(packages: LockedPackage[] = [pkg('hello')]): Lockfile {
  return {
    lockfileVersion: 1,
    config: { digest: `sha256:${'0'.repeat(64)}`, file: 'pare.yaml' },
    keyring: { fingerprints: [] },
    repositories: [{ suite: 'stable', components: ['main'], inRelease: { sha256: 'b'.repeat(64) }, signedBy: [] }],
    archs: { amd64: { packages, excluded: [] } },
  };
}

/** parseLockfile must refuse `lock` with LOCK_MISMATCH naming the file and matching `why`. */
function refuses(lock: unknown, why: RegExp): void {
  const text = typeof lock === 'string' ? lock : JSON.stringify(lock);
  assert.throws(
    () => parseLockfile(text, '/w/pare.lock.json'),
    (e) =>
      hasCode(e, 'LOCK_MISMATCH') &&
      e.message.startsWith('/w/pare.lock.json: not a valid pare lock file: ') &&
      why.test(e.message) &&
      /pare lock CONFIG/.test(e.hint ?? ''),
    text.slice(0, 200),
  );
}

describe('parseLockfile', () => {
  it('reads back what serializeLockfile wrote (JSON, two-space indent, final newline)', () => {
    const lock = valid();
    lock.archs.amd64!.base = { ref: 'example/base:1', digest: `sha256:${'c'.repeat(64)}` };
    const text = serializeLockfile(lock);
    assert.equal(text, JSON.stringify(lock, null, 2) + '\n');
    assert.deepEqual(parseLockfile(text, 'l.json'), lock);
    assert.deepEqual(parseLockfile(serializeLockfile(valid([])), 'l.json'), valid([]));
  });

  it('refuses what is not JSON, another lockfileVersion, or a lock without repositories, archs or config', () => {
    refuses('{', /JSON/);
    refuses('null', /lockfileVersion undefined \(this pare reads 1\)/);
    refuses({ ...valid(), lockfileVersion: 2 }, /lockfileVersion 2 \(this pare reads 1\)/);
    refuses({ ...valid(), lockfileVersion: '1' }, /lockfileVersion 1 /);
    refuses({ ...valid(), repositories: {} }, /missing repositories, archs or config/);
    refuses({ ...valid(), repositories: undefined }, /missing repositories, archs or config/);
    refuses({ ...valid(), archs: 'amd64' }, /missing repositories, archs or config/);
    refuses({ ...valid(), config: { file: 'pare.yaml' } }, /missing repositories, archs or config/);
    refuses({ ...valid(), config: undefined }, /missing repositories, archs or config/);
    refuses({ ...valid(), archs: { amd64: { excluded: [] } } }, /archs\.amd64\.packages is missing/);
  });

  const incomplete: Array<[string, Partial<Record<keyof LockedPackage, unknown>>]> = [
    ['a name that is not a string', { name: 42 }],
    ['an uppercase sha256', { sha256: 'A'.repeat(64) }],
    ['a short sha256', { sha256: 'a'.repeat(63) }],
    ['a long sha256', { sha256: 'a'.repeat(65) }],
    ['a sha256 with a prefix', { sha256: `sha256:${'a'.repeat(64)}` }],
    ['no sha256', { sha256: undefined }],
    ['a fractional size', { size: 1.5 }],
    ['a size that is a string', { size: '10' }],
    ['a filename that is not a string', { filename: 7 }],
    ['a repository index past the end', { repository: 1 }],
    ['a negative repository index', { repository: -1 }],
  ];
  for (const [what, change] of incomplete) {
    it(`refuses a package entry with ${what}`, () => {
      refuses(
        valid([pkg('ok'), { ...pkg('hello'), ...change } as LockedPackage]),
        /archs\.amd64: package entry .* is incomplete/,
      );
    });
  }

  it('refuses a hostile filename: absolute or with a ".." component', () => {
    for (const filename of ['/etc/passwd', '../../etc/passwd', 'pool/../../x.deb', 'pool/main/..', '..']) {
      refuses(
        valid([{ ...pkg('hello'), filename }]),
        new RegExp(`hello has a hostile filename ${filename.replace(/[.]/g, '\\.')}`),
      );
    }
    for (const filename of ['pool/main/h/hello/..hello_1.deb', 'pool/..x/y.deb', 'pool/x..']) {
      assert.equal(
        parseLockfile(JSON.stringify(valid([{ ...pkg('hello'), filename }])), 'l').archs.amd64!.packages[0]!.filename,
        filename,
      );
    }
  });

  it('refuses a base without a ref or a sha256 digest', () => {
    const withBase = (base: unknown) => {
      const lock = valid() as unknown as { archs: { amd64: { base?: unknown } } };
      lock.archs.amd64.base = base;
      return lock;
    };
    const digest = `sha256:${'c'.repeat(64)}`;
    refuses(withBase({ digest }), /archs\.amd64\.base needs a ref and a sha256 digest/);
    refuses(withBase({ ref: 'x:1', digest: 'c'.repeat(64) }), /archs\.amd64\.base needs/);
    refuses(withBase({ ref: 'x:1', digest: `${digest}0` }), /archs\.amd64\.base needs/);
    refuses(withBase({ ref: 'x:1', digest: `x${digest}` }), /archs\.amd64\.base needs/);
    refuses(withBase({ ref: 'x:1', digest: `sha256:${'C'.repeat(64)}` }), /archs\.amd64\.base needs/);
  });
});

describe('makeLockfile', () => {
  const config = parseConfig(
    `contents:\n  repositories:\n    - url: http://127.0.0.1:1/alpine\n      suites: [main]\n  packages: [busybox]\narchs: [amd64]\n`,
    '/w/pare.yaml',
    '/w',
  );
  const record = (url: string, fields: Record<string, string>) =>
    ({
      name: 'busybox',
      version: '1.36.1-r2',
      architecture: 'x86_64',
      sha256: 'd'.repeat(64),
      size: 500,
      filename: 'x86_64/busybox-1.36.1-r2.apk',
      source: { name: 'busybox', version: '1.36.1-r2' },
      fields,
      origin: { url, suite: 'main', component: 'main' },
    }) as unknown as PackageRecord;
  const plan = (r: PackageRecord): Plan => ({
    arch: 'amd64',
    packages: [{ record: r, reasons: ['requested'] }],
    excluded: [],
  });
  const repositories = [
    {
      url: 'http://127.0.0.1:1/alpine',
      configured: true,
      suite: 'main',
      components: ['main'],
      inReleaseSha256: 'e'.repeat(64),
      signers: [],
    },
  ];

  it("records an APK package's C: checksum, which every locked build checks; a Debian package has none", () => {
    const C = 'Q1abcdefghijklmnopqrstuvwxyz0=';
    const withC = makeLockfile({
      config,
      repositories,
      fingerprints: [],
      plans: [plan(record('http://127.0.0.1:1/alpine', { C }))],
    });
    assert.equal(withC.archs.amd64!.packages[0]!.checksum, C);
    const without = makeLockfile({
      config,
      repositories,
      fingerprints: [],
      plans: [plan(record('http://127.0.0.1:1/alpine', {}))],
    });
    assert.equal('checksum' in without.archs.amd64!.packages[0]!, false);
  });

  it('refuses a package from a repository that is not locked (LOCK_MISMATCH naming it)', () => {
    assert.throws(
      () =>
        makeLockfile({ config, repositories, fingerprints: [], plans: [plan(record('http://127.0.0.1:9/other', {}))] }),
      (e) =>
        hasCode(e, 'LOCK_MISMATCH') &&
        e.message === 'busybox: its repository http://127.0.0.1:9/other main is not among the locked ones',
    );
  });
});

describe('checkLockMatches', () => {
  const text = `contents:\n  repositories:\n    - url: http://127.0.0.1:1/debian\n      suites: [stable]\n  keyring: [/k.gpg]\n  packages: [hello]\narchs: [amd64, arm64]\n`;
  const config = parseConfig(text, '/w/pare.yaml', '/w');

  it('passes a lock made from this config for each of its archs; a missing arch is LOCK_MISMATCH naming it', () => {
    const lock = valid();
    lock.config.digest = lockedConfigDigest(config);
    lock.archs.arm64 = { packages: [], excluded: [] };
    checkLockMatches(lock, config, 'pare.lock.json');
    delete lock.archs.arm64;
    assert.throws(
      () => checkLockMatches(lock, config, 'pare.lock.json'),
      (e) =>
        hasCode(e, 'LOCK_MISMATCH') &&
        /pare\.lock\.json has no packages for architecture arm64/.test(e.message) &&
        /pare lock/.test(e.hint ?? ''),
    );
  });

  it('a lock of another config is LOCK_MISMATCH naming both files, with both digests', () => {
    assert.throws(
      () => checkLockMatches(valid(), config, 'pare.lock.json'),
      (e) =>
        hasCode(e, 'LOCK_MISMATCH') &&
        /pare\.lock\.json was made from a different \/w\/pare\.yaml/.test(e.message) &&
        (e.hint ?? '').includes('pare lock /w/pare.yaml') &&
        // For programs using pare as a library: both digests.
        JSON.stringify(e.detail) ===
          JSON.stringify({ lock: valid().config.digest, config: lockedConfigDigest(config) }),
    );
  });
});

describe('lock files on disk', () => {
  it('the default lock of a config sits beside it', () => {
    assert.equal(defaultLockPath('/w/pare.yaml'), '/w/pare.lock.json');
    assert.equal(defaultLockPath('/w/images/app.yml'), '/w/images/app.lock.json');
    assert.equal(defaultLockPath('app'), 'app.lock.json');
  });

  it('writes and reads a lock; a missing one is LOCK_READ naming the option; a broken one is LOCK_MISMATCH', async () => {
    const dir = await tmp();
    const file = join(dir, 'pare.lock.json');
    await writeLockfile(file, valid());
    assert.equal(await readFile(file, 'utf8'), serializeLockfile(valid()));
    assert.deepEqual(await readLockfile(file), valid());
    assert.deepEqual(await previousRepositories(file), valid().repositories);
    await assert.rejects(
      readLockfile(join(dir, 'none.json'), '--lock X'),
      (e) =>
        hasCode(e, 'LOCK_READ') &&
        e.message === `cannot read lock file ${join(dir, 'none.json')}: no such file` &&
        (e.hint ?? '').includes('pass --lock X'),
    );
    await assert.rejects(readLockfile(dir), (e) => hasCode(e, 'LOCK_READ') && !/no such file/.test(e.message));
    await assert.rejects(
      readLockfile(join(dir, 'none.json')),
      (e) => hasCode(e, 'LOCK_READ') && (e.hint ?? '').endsWith('or pass --lock FILE'),
    );
    assert.equal(await previousRepositories(join(dir, 'none.json')), undefined);
    await writeFile(file, '{"lockfileVersion": 99}');
    await assert.rejects(readLockfile(file), (e) => hasCode(e, 'LOCK_MISMATCH'));
    assert.equal(await previousRepositories(file), undefined);
  });

  it('a lock that cannot be written is OUTPUT_WRITE naming it', async () => {
    const file = join(await tmp(), 'missing', 'pare.lock.json');
    await assert.rejects(
      writeLockfile(file, valid()),
      (e) =>
        hasCode(e, 'OUTPUT_WRITE') &&
        e.message.includes(`cannot write lock file ${file}`) &&
        /directory exists and is writable/.test(e.hint ?? ''),
    );
  });
});

describe('lock diff', () => {
  const lock = (archs: Record<string, LockedPackage[]>): Lockfile => ({
    ...valid(),
    archs: Object.fromEntries(Object.entries(archs).map(([a, packages]) => [a, { packages, excluded: [] }])),
  });

  it('lists packages added, removed and changed per architecture, sorted by name', () => {
    const before = lock({
      amd64: [pkg('zlib', '1'), pkg('libc', '2.36'), pkg('gone', '1'), pkg('same', '1')],
      i386: [pkg('old', '1')],
    });
    const after = lock({
      amd64: [pkg('same', '1'), pkg('new', '3'), pkg('libc', '2.37'), pkg('zlib', '2'), pkg('abc', '1')],
      arm64: [pkg('x', '1')],
    });
    const d = diffLocks(before, after);
    assert.deepEqual(d, {
      archs: {
        amd64: {
          added: [
            { name: 'abc', version: '1' },
            { name: 'new', version: '3' },
          ],
          removed: [{ name: 'gone', version: '1' }],
          changed: [
            { name: 'libc', from: '2.36', to: '2.37' },
            { name: 'zlib', from: '1', to: '2' },
          ],
        },
        i386: { added: [], removed: [{ name: 'old', version: '1' }], changed: [] },
        arm64: { added: [{ name: 'x', version: '1' }], removed: [], changed: [] },
      },
    });
    assert.equal(isEmptyDiff(d), false);
    assert.equal(
      formatLockDiff(d),
      [
        'amd64: + abc 1',
        'amd64: - gone 1',
        'amd64: libc 2.36 -> 2.37',
        'amd64: + new 3',
        'amd64: zlib 1 -> 2',
        'i386: - old 1',
        'arm64: + x 1',
        '',
      ].join('\n'),
    );
  });

  it('without a previous lock everything is added; the same lock is an empty diff, printed as nothing', () => {
    const l = lock({ amd64: [pkg('b'), pkg('a')] });
    assert.deepEqual(diffLocks(undefined, l).archs.amd64!.added, [
      { name: 'a', version: '1.0-1' },
      { name: 'b', version: '1.0-1' },
    ]);
    const same = diffLocks(l, lock({ amd64: [pkg('a'), pkg('b')] }));
    assert.equal(isEmptyDiff(same), true);
    assert.equal(formatLockDiff(same), '');
    for (const one of [
      { added: [{ name: 'a', version: '1' }], removed: [], changed: [] },
      { added: [], removed: [{ name: 'a', version: '1' }], changed: [] },
      { added: [], removed: [], changed: [{ name: 'a', from: '1', to: '2' }] },
    ]) {
      assert.equal(isEmptyDiff({ archs: { amd64: { added: [], removed: [], changed: [] }, arm64: one } }), false);
    }
  });
});
