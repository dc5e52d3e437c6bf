import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PathConfig } from '../../src/config/types.js';
import { hasCode } from '../../src/errors.js';
import { FileTree } from '../../src/tree/tree.js';
import { applyPaths, type SourceNode } from '../../src/tree/paths.js';

const enc = new TextEncoder();
const p = (x: Partial<PathConfig> & Pick<PathConfig, 'path' | 'type'>): PathConfig => ({
  recursive: false,
  pos: { file: 'pare.yaml', line: 7, col: 5 },
  ...x,
});

function base(): FileTree {
  const t = new FileTree();
  t.add({ path: 'usr/bin/app', type: 'file', mode: 0o755, uid: 0, gid: 0, data: enc.encode('APP') });
  t.add({ path: 'var/lib/app', type: 'dir', mode: 0o755, uid: 0, gid: 0 });
  t.add({ path: 'var/lib/app/state', type: 'file', mode: 0o644, uid: 0, gid: 0, data: enc.encode('s') });
  return t;
}

describe('paths', () => {
  it('directory, empty-file, symlink, hardlink and permissions entries', () => {
    const t = base();
    applyPaths(t, [
      p({ path: '/srv/data', type: 'directory', uid: 65532, gid: 65532, permissions: 0o750 }),
      p({ path: '/srv/data/.keep', type: 'empty-file' }),
      p({ path: '/usr/local/bin/app', type: 'symlink', target: '/usr/bin/app' }),
      p({ path: '/usr/bin/app2', type: 'hardlink', target: '/usr/bin/app' }),
      p({ path: '/var/lib/app', type: 'permissions', uid: 65532, gid: 65532, permissions: 0o700, recursive: true }),
    ]);
    assert.deepEqual(t.get('srv/data'), {
      path: 'srv/data',
      type: 'dir',
      mode: 0o750,
      uid: 65532,
      gid: 65532,
      owner: 'paths',
    });
    assert.equal(t.get('srv/data/.keep')?.data?.byteLength, 0);
    assert.equal(t.get('srv/data/.keep')?.mode, 0o644);
    assert.equal(t.get('usr/local/bin/app')?.target, '/usr/bin/app');
    assert.equal(t.get('usr/bin/app2')?.type, 'hardlink');
    assert.equal(t.get('usr/bin/app2')?.target, 'usr/bin/app');
    for (const x of ['var/lib/app', 'var/lib/app/state']) {
      const e = t.get(x)!;
      assert.deepEqual([e.mode, e.uid, e.gid], [0o700, 65532, 65532], x);
    }
  });

  it('files and directories from the build context', () => {
    const t = base();
    const sources = new Map<string, SourceNode[]>([
      ['/ctx/app.py', [{ rel: '', type: 'file', data: enc.encode('print(1)\n') }]],
      ['/ctx/run', [{ rel: '', type: 'file', data: enc.encode('#!/x\n'), executable: true }]],
      [
        '/ctx/site',
        [
          { rel: '', type: 'dir' },
          { rel: 'index.html', type: 'file', data: enc.encode('<p>') },
          { rel: 'img', type: 'dir' },
          { rel: 'img/logo', type: 'symlink', target: '../index.html' },
        ],
      ],
    ]);
    applyPaths(
      t,
      [
        p({ path: '/app/app.py', type: 'file', source: '/ctx/app.py', uid: 65532, gid: 65532 }),
        p({ path: '/app/run', type: 'file', source: '/ctx/run' }),
        p({ path: '/srv/www', type: 'file', source: '/ctx/site', permissions: 0o640 }),
        p({ path: '/usr/bin/app', type: 'file', source: '/ctx/run', permissions: 0o700 }),
      ],
      sources,
    );
    assert.equal(new TextDecoder().decode(t.get('app/app.py')!.data), 'print(1)\n');
    assert.deepEqual([t.get('app/app.py')!.mode, t.get('app/app.py')!.uid], [0o644, 65532]);
    assert.equal(t.get('app/run')!.mode, 0o755);
    assert.equal(t.get('srv/www')!.type, 'dir');
    assert.equal(t.get('srv/www')!.mode, 0o755);
    assert.equal(t.get('srv/www/index.html')!.mode, 0o640);
    assert.equal(t.get('srv/www/img/logo')!.target, '../index.html');
    assert.equal(t.get('usr/bin/app')!.mode, 0o700, 'a file from the context replaces a package file');
  });

  it('errors name the entry and its position', () => {
    const cases: PathConfig[] = [
      p({ path: '/nope', type: 'permissions', permissions: 0o600 }),
      p({ path: '/usr/bin/x', type: 'hardlink', target: '/missing' }),
      p({ path: '/usr/bin/app', type: 'directory' }),
    ];
    for (const c of cases) {
      assert.throws(
        () => applyPaths(base(), [c]),
        (e: unknown) => {
          assert.ok(hasCode(e, 'CONFIG_SCHEMA'));
          assert.match((e as Error).message, /^pare\.yaml:7:5: paths\[0\]/);
          assert.ok((e as Error).message.includes(c.path));
          return true;
        },
      );
    }
  });
});
