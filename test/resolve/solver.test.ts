import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve, type Plan } from '../../src/resolve/solver.js';
import { formatPlan } from '../../src/resolve/explain.js';
import { hasCode } from '../../src/errors.js';
import { universe, type P } from './fixtures.js';

const names = (p: Plan): string[] => p.packages.map((x) => `${x.record.name}=${x.record.version}`);
const reasons = (p: Plan, n: string): string[] => p.packages.find((x) => x.record.name === n)!.reasons;

const BASE: P[] = [
  { name: 'libc6', version: '2.36-9', 'Multi-Arch': 'same', Depends: 'libgcc-s1' },
  { name: 'libgcc-s1', version: '12.2.0-14', Depends: 'libc6 (>= 2.35)' },
  { name: 'libssl3', version: '3.0.11-1', Depends: 'libc6 (>= 2.34)' },
  { name: 'openssl', version: '3.0.11-1', Depends: 'libc6 (>= 2.34), libssl3 (>= 3.0.9)' },
  {
    name: 'ca-certificates',
    version: '20230311',
    arch: 'all',
    Depends: 'openssl (>= 1.1.1), debconf (>= 0.5) | debconf-2.0',
  },
  {
    name: 'debconf',
    version: '1.5.82',
    arch: 'all',
    Provides: 'debconf-2.0',
    'Pre-Depends': 'perl-base (>= 5.20.1-3~)',
  },
  { name: 'cdebconf', version: '0.270', Provides: 'debconf-2.0', Depends: 'libc6' },
  { name: 'perl-base', version: '5.36.0-7', Depends: 'libc6 (>= 2.34)' },
];

test('depends chain, reasons, sorted output', () => {
  const plan = resolve(universe(BASE), { packages: ['openssl'] });
  assert.deepEqual(names(plan), ['libc6=2.36-9', 'libgcc-s1=12.2.0-14', 'libssl3=3.0.11-1', 'openssl=3.0.11-1']);
  assert.deepEqual(reasons(plan, 'openssl'), ['requested']);
  assert.deepEqual(reasons(plan, 'libc6'), [
    'openssl Depends libc6 (>= 2.34)',
    'libssl3 Depends libc6 (>= 2.34)',
    'libgcc-s1 Depends libc6 (>= 2.35)',
  ]);
  assert.equal(plan.arch, 'amd64');
  assert.deepEqual(plan.excluded, []);
});

test('alternatives: first satisfiable; an already requested one wins', () => {
  const first = resolve(universe(BASE), { packages: ['ca-certificates'] });
  assert.ok(names(first).includes('debconf=1.5.82'));
  assert.ok(!names(first).some((n) => n.startsWith('cdebconf')));
  const chosen = resolve(universe(BASE), { packages: ['cdebconf', 'ca-certificates'] });
  assert.ok(!names(chosen).some((n) => n.startsWith('debconf=')));
  assert.deepEqual(reasons(chosen, 'cdebconf'), [
    'requested',
    'ca-certificates Depends debconf (>= 0.5) | debconf-2.0',
  ]);
  const skip = universe([
    { name: 'app', Depends: 'missing | libc6 (>= 9) | real' },
    { name: 'libc6', version: '2.36' },
    { name: 'real' },
  ]);
  assert.deepEqual(names(resolve(skip, { packages: ['app'] })), ['app=1.0', 'real=1.0']);
});

test('exclude: never installed, recorded with who needed it', () => {
  const plan = resolve(universe(BASE), { packages: ['ca-certificates'], exclude: ['debconf', 'openssl'] });
  assert.deepEqual(names(plan), ['ca-certificates=20230311']);
  assert.deepEqual(plan.excluded, [
    { name: 'debconf', neededBy: ['ca-certificates Depends debconf (>= 0.5) | debconf-2.0'] },
    { name: 'openssl', neededBy: ['ca-certificates Depends openssl (>= 1.1.1)'] },
  ]);
  const prov = universe([
    { name: 'app', Depends: 'awk' },
    { name: 'mawk', Provides: 'awk' },
    { name: 'gawk', Provides: 'awk' },
  ]);
  const p2 = resolve(prov, { packages: ['app'], exclude: ['mawk'] });
  assert.deepEqual(names(p2), ['app=1.0']);
  assert.deepEqual(p2.excluded, [{ name: 'mawk', neededBy: ['app Depends awk'] }]);
  assert.throws(
    () => resolve(prov, { packages: ['mawk'], exclude: ['mawk'] }),
    (e: unknown) => hasCode(e, 'UNSATISFIABLE'),
  );
});

test('virtual packages: priority, then name; selected provider preferred', () => {
  const u = universe([
    { name: 'app', Depends: 'awk' },
    { name: 'original-awk', Provides: 'awk', Priority: 'optional' },
    { name: 'mawk', Provides: 'awk', Priority: 'required' },
    { name: 'gawk', Provides: 'awk', Priority: 'optional' },
    { name: 'busybox-awk', Provides: 'awk' },
  ]);
  assert.deepEqual(names(resolve(u, { packages: ['app'] })), ['app=1.0', 'mawk=1.0']);
  assert.deepEqual(names(resolve(u, { packages: ['gawk', 'app'] })), ['app=1.0', 'gawk=1.0']);
  assert.deepEqual(names(resolve(u, { packages: ['awk'] })), ['mawk=1.0']);
  const tie = universe([
    { name: 'app', Depends: 'v' },
    { name: 'zz', Provides: 'v' },
    { name: 'aa', Provides: 'v' },
  ]);
  assert.deepEqual(names(resolve(tie, { packages: ['app'] })), ['aa=1.0', 'app=1.0']);
});

test('versioned provides satisfy versioned deps; unversioned ones do not', () => {
  const u = universe([
    { name: 'app', Depends: 'libfoo-api (>= 2)' },
    { name: 'old', Provides: 'libfoo-api' },
    { name: 'new', version: '5', Provides: 'libfoo-api (= 2.1)' },
  ]);
  assert.deepEqual(names(resolve(u, { packages: ['app'] })), ['app=1.0', 'new=5']);
  const only = universe([
    { name: 'app', Depends: 'libfoo-api (>= 2)' },
    { name: 'old', Provides: 'libfoo-api' },
  ]);
  assert.throws(
    () => resolve(only, { packages: ['app'] }),
    (e: unknown) => hasCode(e, 'UNSATISFIABLE') && /only provided without a version \(by old\)/.test(e.message),
  );
});

test('Multi-Arch qualifiers', () => {
  const u = universe([
    { name: 'app', Depends: 'python3:any (>= 3.11), make:i386' },
    { name: 'python3', version: '3.11.2', 'Multi-Arch': 'allowed' },
    { name: 'make', 'Multi-Arch': 'foreign' },
  ]);
  assert.deepEqual(names(resolve(u, { packages: ['app'] })), ['app=1.0', 'make=1.0', 'python3=3.11.2']);
  const no = universe([{ name: 'app', Depends: 'perl:any' }, { name: 'perl' }, { name: 'x', arch: 'i386' }]);
  assert.throws(
    () => resolve(no, { packages: ['app'] }),
    (e: unknown) => hasCode(e, 'UNSATISFIABLE') && /not Multi-Arch: allowed/.test(e.message),
  );
  assert.throws(
    () => resolve(no, { packages: ['x'] }),
    (e: unknown) => hasCode(e, 'PACKAGE_NOT_FOUND'),
  );
});

test('suites merge: highest version wins; older versions serve versioned constraints', () => {
  const main: P[] = [
    { name: 'libfoo', version: '1.0-1' },
    { name: 'app', Depends: 'libfoo (>= 1.0)' },
    { name: 'pinned', Depends: 'libfoo (<< 1.0-2)' },
  ];
  const security: P[] = [{ name: 'libfoo', version: '1.0-1+deb12u1' }];
  const updates: P[] = [{ name: 'libfoo', version: '1.0-2' }];
  const u = universe(main, updates, security);
  assert.deepEqual(names(resolve(u, { packages: ['app'] })), ['app=1.0', 'libfoo=1.0-2']);
  assert.deepEqual(names(resolve(u, { packages: ['app', 'pinned'] })), [
    'app=1.0',
    'libfoo=1.0-1+deb12u1',
    'pinned=1.0',
  ]);
  assert.deepEqual(names(resolve(u, { packages: ['libfoo=1.0-1'] })), ['libfoo=1.0-1']);
  assert.equal(resolve(u, { packages: ['libfoo'] }).packages[0]!.record.origin?.suite, 'suite1');
});

test('unsatisfiable: the message shows the chain', () => {
  const u = universe([
    { name: 'foo', Depends: 'libbar (>= 2)' },
    { name: 'libbar', version: '1.0' },
    { name: 'top', Depends: 'foo' },
  ]);
  assert.throws(
    () => resolve(u, { packages: ['top'] }),
    (e: unknown) =>
      hasCode(e, 'UNSATISFIABLE') &&
      e.message.includes('requested top → top Depends foo → foo Depends libbar (>= 2) → only libbar 1.0 is available'),
  );
  const gone = universe([{ name: 'foo', Depends: 'ghost' }]);
  assert.throws(
    () => resolve(gone, { packages: ['foo'] }),
    (e: unknown) => hasCode(e, 'UNSATISFIABLE') && /ghost is not available for amd64/.test(e.message),
  );
  const pin = universe([
    { name: 'a', Depends: 'lib (= 2)' },
    { name: 'lib', version: '1' },
    { name: 'lib', version: '2' },
  ]);
  assert.throws(
    () => resolve(pin, { packages: ['lib=1', 'a'] }),
    (e: unknown) => hasCode(e, 'UNSATISFIABLE') && /lib 1 is already selected \(requested lib=1\)/.test(e.message),
  );
});

test('package not found: did you mean', () => {
  assert.throws(
    () => resolve(universe(BASE), { packages: ['opensll'] }),
    (e: unknown) =>
      hasCode(e, 'PACKAGE_NOT_FOUND') && /opensll/.test(e.message) && /did you mean openssl/.test(e.hint ?? ''),
  );
});

test('conflicts and breaks between selected packages fail clearly', () => {
  const u = universe([
    { name: 'a', Conflicts: 'b' },
    { name: 'b' },
    { name: 'c', Breaks: 'd (<< 2)' },
    { name: 'd', version: '1' },
    { name: 'mta', Provides: 'mail-transport-agent', Conflicts: 'mail-transport-agent' },
  ]);
  assert.throws(
    () => resolve(u, { packages: ['a', 'b'] }),
    (e: unknown) => hasCode(e, 'UNSATISFIABLE') && /a 1.0 Conflicts b, but b 1.0 is also selected/.test(e.message),
  );
  assert.throws(
    () => resolve(u, { packages: ['d', 'c'] }),
    (e: unknown) => hasCode(e, 'UNSATISFIABLE') && /Breaks d \(<< 2\)/.test(e.message),
  );
  assert.deepEqual(names(resolve(u, { packages: ['mta'] })), ['mta=1.0']);
});

test('determinism: same universe and request, same plan and table', () => {
  const a = resolve(universe(BASE), { packages: ['ca-certificates', 'openssl'] });
  const b = resolve(universe([...BASE].reverse()), { packages: ['ca-certificates', 'openssl'] });
  assert.deepEqual(names(a), names(b));
  assert.equal(formatPlan(a), formatPlan(resolve(universe(BASE), { packages: ['ca-certificates', 'openssl'] })));
  assert.match(formatPlan(a), /^NAME +VERSION +ARCH +SIZE +WHY\n/);
  assert.match(formatPlan(a), /packages for amd64/);
});
