import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { compareVersions, parseVersion } from '../../../src/sources/debian/version.js';
import { hasCode } from '../../../src/errors.js';

/** [a, b, expected compareVersions(a, b)]: deb-version(7), dpkg's t-version.c, real archive versions. */
const PAIRS: Array<[string, string, -1 | 0 | 1]> = [
  ['1.0', '1.0', 0],
  ['0:1.0', '1.0', 0],
  ['1.0-0', '1.0', 0],
  ['1.0', '1.00', 0],
  ['1.0', '1.1', -1],
  ['1.2', '1.10', -1],
  ['1:0.1', '2.0', 1],
  ['1:1.0', '0:9.9', 1],
  ['2:0', '10:0', -1],
  ['1.0~rc1', '1.0', -1],
  ['1.0~rc1', '1.0~rc2', -1],
  ['1.0~~', '1.0~', -1],
  ['1.0~~a', '1.0~', -1],
  ['1.0~', '1.0', -1],
  ['1.0', '1.0a', -1],
  ['1.0a', '1.0+', -1],
  ['1.0+', '1.0.', -1],
  ['1.0.', '1.0.1', -1],
  ['1.0+dfsg', '1.0', 1],
  ['1.0+b1', '1.0', 1],
  ['1.0-1', '1.0-1+b1', -1],
  ['1.0-1', '1.0-2', -1],
  ['1.0-1', '1.0-10', -1],
  ['1.0-1~bpo1', '1.0-1', -1],
  ['1.0-1+deb12u1', '1.0-1', 1],
  ['1.0-1+deb12u9', '1.0-1+deb12u10', -1],
  ['1.0-a', '1.0-1', 1],
  ['2.36-9+deb12u4', '2.36-9+deb12u14', -1],
  ['3.0.11-1~deb12u2', '3.0.11-1', -1],
  ['1:1.2.13.dfsg-1', '1:1.2.0', 1],
  ['72.1-3', '72.1~rc-1~', 1],
  ['12.2.0-14', '12.2.0-14+deb12u1', -1],
  ['0.0.0', '0', 1],
  ['00001', '1', 0],
  ['1.0-1a', '1.0-1b', -1],
  ['a', 'b', -1],
  ['1.a', '1.+', -1],
  ['1.0.0~git20230101', '1.0.0', -1],
  ['9', '10', -1],
  ['99999999999999999999999999999', '100000000000000000000000000000', -1],
  ['1.99999999999999999999999999999998', '1.99999999999999999999999999999999', -1],
  ['0.0.0', '0', 1],
  ['1.2.3-4-5', '1.2.3-4-6', -1],
  ['1:2:3', '1:2:4', -1],
  ['7.6p2-4', '7.6-0', 1],
  ['1.0.3-3', '1.0-1', 1],
  ['1.3', '1.2.2-2', 1],
  ['1.3', '1.2.2', 1],
  ['0-pre', '0-pre', 0],
  ['0-pre', '0-pree', -1],
  ['1.1.6r2-2', '1.1.6r-1', 1],
  ['2.6b2-1', '2.6b-2', 1],
  ['98.1p5-1', '98.1-pre2-b6-2', -1],
  ['0.4a6-2', '0.4-1', 1],
  ['1:3.0.5-2', '1:3.0.5.1', -1],
  ['4.4.3-2', '4.4.3-2', 0],
  ['1:2.0.7pre1-4', '1:2.0.7r-1', -1],
  ['0.2.0-1+b1', '0.2.0-1+b1', 0],
  ['1:1.18.36:5.4', '1:1.18.36:5.5', -1],
  ['1:1.18.36:5.4', '1:1.18.37:1.1', -1],
  ['2.7.2+2.7.2', '2.7.2+2.7.2a', -1],
  ['1.0~beta+1', '1.0~beta', 1],
];

test(`compareVersions: ${PAIRS.length} pairs, both directions`, () => {
  for (const [a, b, want] of PAIRS) {
    assert.equal(compareVersions(a, b), want, `${a} vs ${b}`);
    assert.equal(compareVersions(b, a), want === 0 ? 0 : -want, `${b} vs ${a}`);
  }
});

test('compareVersions agrees with dpkg --compare-versions on every pair', () => {
  const ops = { [-1]: 'lt', 0: 'eq', 1: 'gt' } as const;
  for (const [a, b] of PAIRS) {
    const ours = compareVersions(a, b);
    let dpkgOk = true;
    try {
      execFileSync('dpkg', ['--compare-versions', a, ops[ours], b], { stdio: 'ignore' });
    } catch {
      dpkgOk = false;
    }
    assert.ok(dpkgOk, `dpkg disagrees: ${a} ${ops[ours]} ${b}`);
  }
});

test('parseVersion splits epoch, upstream, revision', () => {
  assert.deepEqual(parseVersion('1:2.3-4+b1'), { epoch: 1, upstream: '2.3', revision: '4+b1' });
  assert.deepEqual(parseVersion('2.3-4-5'), { epoch: 0, upstream: '2.3-4', revision: '5' });
  assert.deepEqual(parseVersion('2.3'), { epoch: 0, upstream: '2.3', revision: '' });
});

test('invalid versions are VERSION_PARSE', () => {
  for (const v of ['', ' ', '1.0-', ':1.0', 'a:1.0', '1:', '1.0 beta', '1.0_1', '1.0-1_2', '1:-1', '99999999999:1']) {
    assert.throws(
      () => parseVersion(v),
      (e: unknown) => hasCode(e, 'VERSION_PARSE'),
      JSON.stringify(v),
    );
  }
});
