import { test } from 'node:test';
import assert from 'node:assert/strict';
import { universe } from './fixtures.js';
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
