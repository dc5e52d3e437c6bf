import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasCode, type PareError } from '../../src/errors.js';
import { readDeb } from '../../src/sources/debian/deb.js';
import type { RawTarEntry } from '../../src/tree/tar-read.js';
import { FileTree } from '../../src/tree/tree.js';
import type { TreeEntry } from '../../src/tree/types.js';
import { makeDeb, type DebFile } from '../helpers/debfile.js';

type Spec = Partial<RawTarEntry> & { data?: Uint8Array };

function raw(name: string, spec: Omit<Spec, 'data'> & { data?: string | Uint8Array } = {}): RawTarEntry {
  const type = spec.type ?? (name.endsWith('/') ? 'dir' : 'file');
  const data = typeof spec.data === 'string' ? Buffer.from(spec.data) : (spec.data ?? new Uint8Array(0));
  return {
    name,
    linkname: spec.linkname ?? '',
    type,
    typeflag: spec.typeflag ?? { file: '0', dir: '5', symlink: '2', hardlink: '1' }[type as 'file'] ?? '3',
    mode: spec.mode ?? (type === 'dir' ? 0o755 : type === 'symlink' ? 0o777 : 0o644),
    uid: spec.uid ?? 0,
    gid: spec.gid ?? 0,
    mtime: spec.mtime ?? 1_700_000_000,
    data,
  };
}
const file = (name: string, data = name, mode = 0o644): RawTarEntry => raw(name, { data, mode });
const dir = (name: string, mode = 0o755): RawTarEntry => raw(name, { type: 'dir', mode });
const link = (name: string, target: string): RawTarEntry => raw(name, { type: 'symlink', linkname: target });
const hard = (name: string, target: string): RawTarEntry => raw(name, { type: 'hardlink', linkname: target });

function code(e: unknown, c: 'PATH_HOSTILE' | 'FILE_CONFLICT'): PareError {
  assert.ok(hasCode(e, c), `expected ${c}, got ${e instanceof Error ? e.stack : e}`);
  return e;
}

function hostile(entries: RawTarEntry[], path: string, setup: (t: FileTree) => void = () => {}): void {
  const t = new FileTree();
  setup(t);
  assert.throws(
    () => t.addPackage('evil', entries),
    (e: unknown) => {
      const err = code(e, 'PATH_HOSTILE');
      assert.match(err.message, /'evil'/);
      assert.ok(err.message.includes(`'${path}'`), err.message);
      return true;
    },
  );
}

/** One line per entry; `dirOwners: false` leaves out who brought a directory (the first package to ship it). */
function listing(t: FileTree, dirOwners = true): string[] {
  const owner = (e: TreeEntry): string => (e.type === 'dir' && !dirOwners ? '' : ` (${e.owner ?? '-'})`);
  return t
    .entries()
    .map(
      (e) =>
        `${e.path} ${e.type} ${e.mode.toString(8)} ${e.uid}:${e.gid}${e.target ? ` -> ${e.target}` : ''}${e.data ? ` [${Buffer.from(e.data).toString()}]` : ''}${owner(e)}`,
    );
}

describe('FileTree: paths', () => {
  it('normalizes archive names and skips the root entry', () => {
    const t = new FileTree();
    t.addPackage('p', [
      dir('./'),
      dir('./usr/'),
      dir('./usr/bin/'),
      file('./usr/bin/x', 'x', 0o755),
      file('.//usr/./bin//y', 'y'),
    ]);
    assert.deepEqual(listing(t), [
      'usr dir 755 0:0 (p)',
      'usr/bin dir 755 0:0 (p)',
      'usr/bin/x file 755 0:0 [x] (p)',
      'usr/bin/y file 644 0:0 [y] (p)',
    ]);
    assert.equal(t.get('/usr/bin/x')?.path, 'usr/bin/x');
    assert.equal(t.get('./usr/bin/x')?.path, 'usr/bin/x');
    assert.ok(t.has('usr/bin/y'));
    assert.equal(t.get('../usr/bin/y')?.path, 'usr/bin/y'); // '..' at the root stays at the root
  });

  it('rejects ../ and absolute names, naming the package and the path', () => {
    hostile([file('../etc/passwd')], '../etc/passwd');
    hostile([file('./usr/../../etc/passwd')], './usr/../../etc/passwd');
    hostile([file('./usr/..')], './usr/..');
    hostile([file('/etc/passwd')], '/etc/passwd');
    hostile([link('/etc/x', 'y')], '/etc/x');
  });

  it('rejects symlinks whose target climbs above the root', () => {
    hostile([link('./usr/lib/evil', '../../../etc')], './usr/lib/evil');
    hostile([link('./evil', '..')], './evil');
    hostile([link('./evil', '/../etc')], './evil');
    hostile([link('./usr/evil', 'a/../../..')], './usr/evil');
    // within the root is fine, relative or absolute
    const t = new FileTree();
    t.addPackage('ok', [
      link('./usr/lib/ok', '../../etc/x'),
      link('./usr/lib/abs', '/etc/x'),
      link('./usr/lib/dot', '.'),
    ]);
    assert.equal(t.size.symlinks, 3);
  });

  it('rejects paths that walk through a symlink that leads out of the root', () => {
    // d/a -> / is fine; d/t -> a/../.. looks fine lexically, but a is the root, so t climbs above it
    hostile([link('./d/a', '/'), link('./d/t', 'a/../..'), file('./d/t/etc/passwd')], './d/t/etc/passwd');
    // the same when the symlinks came from another package
    hostile([file('./d/t/etc/passwd')], './d/t/etc/passwd', (t) =>
      t.addPackage('innocent', [link('./d/a', '/'), link('./d/t', 'a/../..')]),
    );
    // a symlink loop
    hostile([link('./a', 'b'), link('./b', 'a'), file('./a/x')], './a/x');
  });

  it('rejects hard links outside the tree or to anything but a regular file', () => {
    hostile([hard('./x', '../../etc/shadow')], './x');
    hostile([hard('./x', '/etc/shadow')], './x');
    hostile([hard('./x', './etc/shadow')], './x');
    hostile([dir('./etc/'), hard('./x', './etc')], './x');
    hostile([link('./l', 'etc/shadow'), hard('./x', './l')], './x');
  });

  it('rejects hostile entries read from a real .deb', async () => {
    const cases: Array<[DebFile[], string]> = [
      [[{ path: '../../etc/cron.d/evil', data: 'x' }], '../../etc/cron.d/evil'],
      [[{ path: '/etc/passwd', data: 'x' }], '/etc/passwd'],
      [[{ path: './usr/lib/escape', type: 'symlink', target: '../../../../' }], './usr/lib/escape'],
      [[{ path: './usr/x', type: 'hardlink', target: '../../etc/shadow' }], './usr/x'],
    ];
    for (const [files, path] of cases) {
      const deb = await readDeb(await makeDeb({ name: 'evil', version: '1', arch: 'all', files }), 'evil_1_all.deb');
      hostile(deb.data, path);
    }
  });
});

describe('FileTree: conflicts', () => {
  function conflict(a: RawTarEntry[], b: RawTarEntry[], path: string): void {
    const t = new FileTree();
    t.addPackage('alpha', a);
    assert.throws(
      () => t.addPackage('beta', b),
      (e: unknown) => {
        const err = code(e, 'FILE_CONFLICT');
        assert.match(err.message, /'alpha'/);
        assert.match(err.message, /'beta'/);
        assert.ok(err.message.includes(path), err.message);
        assert.deepEqual(err.detail, { path, packages: ['alpha', 'beta'] });
        return true;
      },
    );
  }

  it('reports the same path with different content, mode, type or target', () => {
    conflict([file('./usr/bin/x', 'one')], [file('./usr/bin/x', 'two')], 'usr/bin/x');
    conflict([file('./usr/bin/x', 'same', 0o755)], [file('./usr/bin/x', 'same', 0o4755)], 'usr/bin/x');
    conflict([raw('./usr/bin/x', { data: 'same', uid: 1 })], [file('./usr/bin/x', 'same')], 'usr/bin/x');
    conflict([file('./usr/bin/x')], [link('./usr/bin/x', 'y')], 'usr/bin/x');
    conflict([link('./usr/bin/x', 'a')], [link('./usr/bin/x', 'b')], 'usr/bin/x');
    conflict([file('./usr/bin/x')], [dir('./usr/bin/x/')], 'usr/bin/x');
    conflict([dir('./usr/bin/x/')], [file('./usr/bin/x')], 'usr/bin/x');
    // a path through another package's file
    conflict([file('./usr/bin/x')], [file('./usr/bin/x/y')], 'usr/bin/x');
  });

  it('accepts identical files and symlinks (first owner kept) and shared directories (first metadata kept)', () => {
    const t = new FileTree();
    t.addPackage('alpha', [dir('./usr/', 0o755), file('./usr/same', 'x'), link('./usr/l', 'same')]);
    t.addPackage('beta', [dir('./usr/', 0o700), file('./usr/same', 'x'), link('./usr/l', 'same')]);
    assert.equal(t.get('usr/same')!.owner, 'alpha');
    assert.equal(t.get('usr')!.mode, 0o755);
    assert.equal(t.get('usr')!.owner, 'alpha');
  });

  it('never overwrites generated files unless asked to', () => {
    const t = new FileTree();
    t.addPackage('base-files', [file('./etc/os-release', 'debian')]);
    assert.throws(
      () => t.add({ path: 'etc/os-release', type: 'file', mode: 0o644, uid: 0, gid: 0, data: Buffer.from('pare') }),
      (e: unknown) => {
        const err = code(e, 'FILE_CONFLICT');
        assert.deepEqual(err.detail, { path: 'etc/os-release', packages: ['base-files', 'pare'] });
        return true;
      },
    );
    t.add(
      { path: '/etc/os-release', type: 'file', mode: 0o644, uid: 0, gid: 0, data: Buffer.from('pare') },
      { replace: true },
    );
    assert.equal(Buffer.from(t.get('etc/os-release')!.data!).toString(), 'pare');
    assert.equal(t.get('etc/os-release')!.owner, 'pare');
    assert.throws(
      () => t.add({ path: '../x', type: 'file', mode: 0o644, uid: 0, gid: 0 }),
      (e: unknown) => !!code(e, 'PATH_HOSTILE'),
    );
  });
});

describe('FileTree: merged /usr', () => {
  const base = [
    dir('./'),
    link('./bin', 'usr/bin'),
    link('./lib', 'usr/lib'),
    link('./sbin', '/usr/sbin'),
    dir('./usr/'),
    dir('./usr/bin/'),
    dir('./usr/lib/'),
    dir('./usr/sbin/'),
  ];
  const shell = [
    dir('./'),
    dir('./bin/', 0o700),
    file('./bin/sh', 'shell', 0o755),
    hard('./bin/bash', './bin/sh'),
    link('./bin/rbash', 'bash'),
    dir('./sbin/'),
    file('./sbin/init', 'init', 0o700),
    raw('./bin/su', { data: 'su', mode: 0o4755 }),
    dir('./lib/'),
    dir('./lib/x86_64-linux-gnu/'),
    file('./lib/x86_64-linux-gnu/libc.so.6', 'libc'),
  ];
  const coreutils = [
    dir('./usr/'),
    dir('./usr/bin/'),
    file('./usr/bin/env', 'env', 0o755),
    dir('./bin/'),
    file('./bin/ls', 'ls', 0o755),
  ];
  const pkgs: Record<string, RawTarEntry[]> = { base, shell, coreutils };

  function build(order: string[]): FileTree {
    const t = new FileTree();
    for (const name of order) t.addPackage(name, pkgs[name]!);
    return t;
  }

  it('lands files under the aliased directory, in every package order, with identical trees', () => {
    const expected = [
      'bin symlink 777 0:0 -> usr/bin (base)',
      'lib symlink 777 0:0 -> usr/lib (base)',
      'sbin symlink 777 0:0 -> /usr/sbin (base)',
      'usr dir 755 0:0 (base)',
      'usr/bin dir 755 0:0 (base)',
      'usr/bin/bash file 755 0:0 [shell] (shell)',
      'usr/bin/env file 755 0:0 [env] (coreutils)',
      'usr/bin/ls file 755 0:0 [ls] (coreutils)',
      'usr/bin/rbash symlink 777 0:0 -> bash (shell)',
      'usr/bin/sh hardlink 755 0:0 -> usr/bin/bash (shell)',
      'usr/bin/su file 4755 0:0 [su] (shell)',
      'usr/lib dir 755 0:0 (base)',
      'usr/lib/x86_64-linux-gnu dir 755 0:0 (shell)',
      'usr/lib/x86_64-linux-gnu/libc.so.6 file 644 0:0 [libc] (shell)',
      'usr/sbin dir 755 0:0 (base)',
      'usr/sbin/init file 700 0:0 [init] (shell)',
    ];
    for (const order of [
      ['base', 'shell', 'coreutils'],
      ['shell', 'base', 'coreutils'],
      ['shell', 'coreutils', 'base'],
      ['coreutils', 'shell', 'base'],
      ['coreutils', 'base', 'shell'],
      ['base', 'coreutils', 'shell'],
    ]) {
      assert.deepEqual(
        listing(build(order), false),
        expected.map((l) => l.replace(/ dir (.*) \(base\)$/, ' dir $1').replace(/ dir (.*) \(shell\)$/, ' dir $1')),
        order.join(','),
      );
    }
  });

  it('resolves through the aliases with chroot semantics', () => {
    const t = build(['shell', 'base', 'coreutils']);
    assert.equal(t.realpath('/bin/sh'), 'usr/bin/sh');
    assert.equal(t.resolve('/bin/rbash')!.path, 'usr/bin/bash');
    assert.equal(t.resolve('sbin/init')!.path, 'usr/sbin/init');
    assert.equal(t.get('bin')!.type, 'symlink');
    assert.equal(t.get('bin/ls')!.path, 'usr/bin/ls');
    assert.equal(t.resolve('bin')!.path, 'usr/bin');
    assert.equal(t.realpath('/usr/bin/../../../../bin/ls'), 'usr/bin/ls'); // '..' at the root stays there
    assert.equal(t.resolve('bin/missing'), undefined);
  });

  it('reports conflicts between files that meet through an alias', () => {
    for (const order of [
      ['base', 'a', 'b'],
      ['a', 'base', 'b'],
      ['a', 'b', 'base'],
    ]) {
      const t = new FileTree();
      const p: Record<string, RawTarEntry[]> = { base, a: [file('./bin/x', 'one')], b: [file('./usr/bin/x', 'two')] };
      assert.throws(
        () => {
          for (const n of order) t.addPackage(n, p[n]!);
        },
        (e: unknown) => {
          const err = code(e, 'FILE_CONFLICT');
          assert.equal(err.detail!.path, 'usr/bin/x');
          assert.deepEqual([...(err.detail!.packages as string[])].sort(), ['a', 'b'], order.join(','));
          return true;
        },
      );
    }
  });
});

describe('FileTree: entries', () => {
  it('keeps hard links as hard links to the path that sorts first, and promotes a link when its file is deleted', () => {
    const t = new FileTree();
    t.addPackage('p', [
      file('./usr/bin/zz', 'data', 0o4755),
      hard('./usr/bin/aa', './usr/bin/zz'),
      hard('./usr/bin/mm', './usr/bin/aa'),
    ]);
    assert.deepEqual(listing(t), [
      'usr dir 755 0:0 (-)',
      'usr/bin dir 755 0:0 (-)',
      'usr/bin/aa file 4755 0:0 [data] (p)',
      'usr/bin/mm hardlink 4755 0:0 -> usr/bin/aa (p)',
      'usr/bin/zz hardlink 4755 0:0 -> usr/bin/aa (p)',
    ]);
    assert.equal(t.size.bytes, 4);
    assert.equal(t.size.hardlinks, 2);
    t.delete('usr/bin/aa');
    assert.deepEqual(listing(t).slice(2), [
      'usr/bin/mm file 4755 0:0 [data] (p)',
      'usr/bin/zz hardlink 4755 0:0 -> usr/bin/mm (p)',
    ]);
  });

  it('sorts bytewise and adds missing parents as 0755 root:root', () => {
    const t = new FileTree();
    t.addPackage('p', [
      file('./a/b-c'),
      file('./a/b/c'),
      file('./a/\u00e9'),
      file('./a/\u{1f600}'),
      file('./a/\uffe0'),
      file('./A'),
    ]);
    assert.deepEqual(
      t.entries().map((e) => e.path),
      ['A', 'a', 'a/b', 'a/b-c', 'a/b/c', 'a/\u00e9', 'a/\uffe0', 'a/\u{1f600}'],
    );
    const parent = t.entries().find((e) => e.path === 'a/b')!;
    assert.deepEqual([parent.type, parent.mode, parent.uid, parent.gid], ['dir', 0o755, 0, 0]);
    // implicit parents do not stop a later package from bringing its own
    t.addPackage('q', [dir('./a/', 0o700)]);
    assert.equal(t.get('a')!.mode, 0o700);
  });

  it('keeps setuid/setgid modes, numeric ids and long names', async () => {
    const long = `./usr/share/${'d'.repeat(120)}/${'f'.repeat(120)}`;
    const deb = await readDeb(
      await makeDeb({
        name: 'p',
        version: '1',
        arch: 'all',
        files: [
          { path: './usr/bin/su', mode: 0o4755, data: 'su' },
          { path: './usr/bin/wall', mode: 0o2755, gid: 5, data: 'wall' },
          { path: './tmp/', type: 'dir', mode: 0o1777 },
          { path: long, data: 'long', uid: 70000, gid: 70001 },
        ],
      }),
      'p.deb',
    );
    const t = new FileTree();
    t.addPackage('p', deb.data);
    assert.equal(t.get('usr/bin/su')!.mode, 0o4755);
    assert.deepEqual([t.get('usr/bin/wall')!.mode, t.get('usr/bin/wall')!.gid], [0o2755, 5]);
    assert.equal(t.get('tmp')!.mode, 0o1777);
    const l = t.get(long)!;
    assert.deepEqual([l.uid, l.gid, Buffer.from(l.data!).toString()], [70000, 70001, 'long']);
  });

  it('deletes directories recursively, through aliases', () => {
    const t = new FileTree();
    t.addPackage('p', [
      link('./doc', 'usr/share/doc'),
      file('./usr/share/doc/a/copyright'),
      file('./usr/share/doc/b'),
      file('./usr/share/docs'),
    ]);
    assert.equal(t.delete('/doc/a'), true);
    assert.equal(t.delete('doc/a'), false);
    assert.deepEqual(
      t.entries().map((e) => e.path),
      ['doc', 'usr', 'usr/share', 'usr/share/doc', 'usr/share/doc/b', 'usr/share/docs'],
    );
    t.delete('usr/share/doc');
    assert.deepEqual(
      t.entries().map((e) => e.path),
      ['doc', 'usr', 'usr/share', 'usr/share/docs'],
    );
  });

  it('always holds the parents of every entry', () => {
    const t = new FileTree();
    t.addPackage('p', [
      link('./lib', 'usr/lib'),
      file('./lib/a/b/c'),
      file('./opt/x/y'),
      hard('./opt/z', './lib/a/b/c'),
    ]);
    t.add({
      path: '/etc/ssl/certs/ca-certificates.crt',
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      data: Buffer.from('pem'),
    });
    t.delete('opt/x');
    const paths = new Set(t.entries().map((e) => e.path));
    for (const p of paths) {
      for (
        let d = p.slice(0, Math.max(0, p.lastIndexOf('/')));
        d !== '';
        d = d.slice(0, Math.max(0, d.lastIndexOf('/')))
      )
        assert.ok(paths.has(d), `${d} of ${p}`);
    }
    assert.equal(t.get('etc/ssl/certs/ca-certificates.crt')!.owner, 'pare');
    assert.deepEqual(t.size, {
      entries: 12,
      files: 2,
      dirs: 8,
      symlinks: 1,
      hardlinks: 1,
      bytes: './lib/a/b/c'.length + 3,
    });
  });

  it('records entries it cannot hold instead of dropping them silently', () => {
    const t = new FileTree();
    t.addPackage('p', [raw('./dev/null', { type: 'char', typeflag: '3' })]);
    assert.deepEqual(t.skipped, [{ owner: 'p', name: './dev/null', typeflag: '3' }]);
    assert.equal(t.size.entries, 0);
  });

  it('inserts 2,000 entries through a directory alias', () => {
    const entries: RawTarEntry[] = [dir('./'), link('./lib', 'usr/lib')];
    for (let d = 0; d < 40; d++) entries.push(dir(`./usr/lib/pkg${d}/`));
    for (let i = 0; i < 2000; i++) entries.push(file(`./lib/pkg${i % 40}/module-${i}.so`, `content ${i}`));
    const t = new FileTree();
    t.addPackage('p', entries);
    const all: TreeEntry[] = t.entries();
    assert.equal(all.length, 2000 + 40 + 3);
    assert.equal(t.get('usr/lib/pkg7/module-7.so')?.type, 'file');
    assert.equal(t.get('lib')?.type, 'symlink');
  });
});
