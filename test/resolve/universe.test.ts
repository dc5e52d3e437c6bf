import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packagesText, universe } from './fixtures.js';
import { parsePackagesIndex } from '../../src/sources/debian/packages-index.js';
import { Universe } from '../../src/resolve/universe.js';
import { resolve } from '../../src/resolve/solver.js';
import { formatSize } from '../../src/resolve/explain.js';

test('universe: target arch and all only, versions highest first, duplicates once', () => {
  const u = universe(
    [
      { name: 'a', version: '1' },
      { name: 'a', version: '2', arch: 'all' },
      { name: 'a', version: '9', arch: 'arm64' },
    ],
    [
      { name: 'a', version: '1' },
      { name: 'a', version: '1:0.5' },
    ],
  );
  assert.deepEqual(
    u.versions('a').map((c) => c.version),
    ['1:0.5', '2', '1'],
  );
  assert.equal(u.versions('a')[2]!.record.origin?.suite, 'suite0');
  assert.equal(u.candidate('a')!.version, '1:0.5');
  assert.deepEqual(u.versions('nope'), []);
});

test('universe: providers by whole name, sorted, versioned', () => {
  const u = universe([
    { name: 'z', Provides: 'awk, awk-x (= 2)' },
    { name: 'b', Provides: 'mawk, awk' },
    { name: 'c', Provides: 'awkward' },
  ]);
  assert.deepEqual(
    u.providers('awk').map((p) => p.pkg.name),
    ['b', 'z'],
  );
  assert.deepEqual(
    u.providers('awk-x').map((p) => [p.pkg.name, p.version]),
    [['z', '2']],
  );
  assert.deepEqual(u.providers('wk'), []);
  assert.equal(u.has('awkward'), true);
  assert.equal(u.has('awkwar'), false);
});

test('formatSize', () => {
  assert.equal(formatSize(512), '512 B');
  assert.equal(formatSize(1536), '1.5 KiB');
  assert.equal(formatSize(3 * 1024 * 1024), '3.0 MiB');
});

test('universe: a kept version comes first while the solver can use it; a constraint moves past it', () => {
  const stanzas = packagesText([
    { name: 'libc', version: '2.0' },
    { name: 'libc', version: '2.2' },
    { name: 'libc', version: '2.1' },
    { name: 'app', version: '1', Depends: 'libc' },
    { name: 'app', version: '2', Depends: 'libc (>= 2.1)' },
  ]);
  const kept = (keep: Record<string, string>) =>
    new Universe('amd64', new Map(Object.entries(keep))).addIndex(parsePackagesIndex(stanzas, 'Packages'));
  assert.deepEqual(
    kept({ libc: '2.0' })
      .versions('libc')
      .map((c) => c.version),
    ['2.0', '2.2', '2.1'],
  );
  const plan = (keep: Record<string, string>) =>
    resolve(kept(keep), { packages: ['app'] }).packages.map((p) => `${p.record.name}=${p.record.version}`);
  assert.deepEqual(plan({ app: '1', libc: '2.0' }), ['app=1', 'libc=2.0'], 'both kept');
  assert.deepEqual(plan({ libc: '2.0' }), ['app=2', 'libc=2.2'], 'app moves; libc 2.0 no longer fits: the highest');
  assert.deepEqual(plan({ libc: '2.1' }), ['app=2', 'libc=2.1'], 'libc 2.1 still fits: kept');
  assert.deepEqual(plan({ libc: '9.9' }), ['app=2', 'libc=2.2'], 'a version no index has: the highest');
});
