import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appliesToArch,
  formatAlternatives,
  formatRelation,
  parseProvides,
  parseRelations,
  satisfies,
  scanProvides,
} from '../../../src/sources/debian/relations.js';
import { hasCode } from '../../../src/errors.js';

test('relations: and-list of or-lists with versions', () => {
  const r = parseRelations('libc6 (>= 2.34), debconf (>= 0.5) | debconf-2.0,  zlib1g (>= 1:1.1.4)');
  assert.deepEqual(r, [
    [{ name: 'libc6', op: '>=', version: '2.34' }],
    [{ name: 'debconf', op: '>=', version: '0.5' }, { name: 'debconf-2.0' }],
    [{ name: 'zlib1g', op: '>=', version: '1:1.1.4' }],
  ]);
  assert.deepEqual(parseRelations(''), []);
  assert.deepEqual(parseRelations('a,\n b'), [[{ name: 'a' }], [{ name: 'b' }]]);
});

test('relations: all operators, obsolete < and >, spacing', () => {
  const ops = parseRelations('a (<< 1), b (<= 1), c (= 1), d (>= 1), e (>> 1), f (< 1), g (> 1), h(>=1.0)').map(
    (g) => g[0]!.op,
  );
  assert.deepEqual(ops, ['<<', '<=', '=', '>=', '>>', '<=', '>=', '>=']);
});

test('relations: arch qualifiers, restrictions, build profiles', () => {
  assert.deepEqual(parseRelations('python3:any (>= 3.11), perl:native, libc6:amd64'), [
    [{ name: 'python3', arch: 'any', op: '>=', version: '3.11' }],
    [{ name: 'perl', arch: 'native' }],
    [{ name: 'libc6', arch: 'amd64' }],
  ]);
  const [[r]] = parseRelations('libfoo (>= 1) [amd64 !i386] <!nocheck> <stage1 cross>') as [
    [ReturnType<typeof parseRelations>[0][0]],
  ];
  assert.deepEqual(r, { name: 'libfoo', op: '>=', version: '1', archs: ['amd64', '!i386'] });
  assert.equal(appliesToArch({ name: 'x', archs: ['amd64'] }, 'amd64'), true);
  assert.equal(appliesToArch({ name: 'x', archs: ['amd64'] }, 'arm64'), false);
  assert.equal(appliesToArch({ name: 'x', archs: ['!i386'] }, 'amd64'), true);
  assert.equal(appliesToArch({ name: 'x', archs: ['!amd64'] }, 'amd64'), false);
  assert.equal(appliesToArch({ name: 'x', archs: ['linux-any'] }, 'arm64'), true);
});

test('relations: errors are RELATION_PARSE with the field and line', () => {
  for (const bad of ['a (>= )', 'a (=> 1)', 'A-Upper', 'a | ', 'a (>= 1.0 beta)', 'a [ ]', 'a (>= 1.0_x)']) {
    assert.throws(
      () => parseRelations(bad, { file: 'Packages', line: 7, field: 'Depends' }),
      (e: unknown) => hasCode(e, 'RELATION_PARSE') && e.message.startsWith('Packages:7: Depends:'),
      bad,
    );
  }
});

test('provides: versions only with =, no alternatives; scan agrees with full parse', () => {
  const text = 'awk, librust-foo-dev (= 1.2.3-1), librust-foo+std-dev (= 1.2.3-1),\n mail-transport-agent';
  assert.deepEqual(scanProvides(text), parseProvides(text));
  assert.deepEqual(parseProvides('libfoo (= 1:2.0)'), [{ name: 'libfoo', op: '=', version: '1:2.0' }]);
  assert.throws(
    () => parseProvides('a | b'),
    (e: unknown) => hasCode(e, 'RELATION_PARSE'),
  );
  assert.throws(
    () => parseProvides('a (>= 1)'),
    (e: unknown) => hasCode(e, 'RELATION_PARSE'),
  );
  assert.throws(
    () => scanProvides('a (>= 1)'),
    (e: unknown) => hasCode(e, 'RELATION_PARSE'),
  );
});

test('satisfies and formatting', () => {
  assert.equal(satisfies('2.36-9', '>=', '2.34'), true);
  assert.equal(satisfies('2.36-9', '<<', '2.36'), false);
  assert.equal(satisfies('2.36~rc1', '<<', '2.36'), true);
  assert.equal(satisfies('1.0', '=', '0:1.0-0'), true);
  assert.equal(satisfies('1.0', '>>', '1.0'), false);
  assert.equal(satisfies('1.0', '<=', '1.0'), true);
  assert.equal(satisfies('1.0', undefined, undefined), true);
  assert.equal(formatRelation({ name: 'python3', arch: 'any', op: '>=', version: '3.11' }), 'python3:any (>= 3.11)');
  assert.equal(formatAlternatives([{ name: 'a', op: '>=', version: '1' }, { name: 'b' }]), 'a (>= 1) | b');
});
