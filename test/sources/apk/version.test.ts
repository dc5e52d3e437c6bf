/** apk version ordering against apk-tools' own test data, plus fuzzy (~) matching and validity. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { compareApkVersions, isValidApkVersion } from '../../../src/sources/apk/version.js';

const here = path.dirname(fileURLToPath(import.meta.url)); // dist/test/sources/apk
const DATA = path.resolve(here, '..', '..', '..', '..', 'test', 'fixtures', 'apk', 'version.data');

describe('apk versions', () => {
  it("agrees with every line of apk-tools' version.data", () => {
    const lines = readFileSync(DATA, 'utf8')
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter((l) => l !== '');
    assert.ok(lines.length > 600, `only ${lines.length} lines read`);
    const wrong: string[] = [];
    for (const line of lines) {
      const [a, op, b] = line.split(/\s+/) as [string, string, string];
      const want = op === '<' ? -1 : op === '>' ? 1 : 0;
      const got = Math.sign(compareApkVersions(a, b));
      const back = Math.sign(compareApkVersions(b, a));
      if (got !== want || back !== -want) wrong.push(`${line} (got ${got}, reversed ${back})`);
    }
    assert.deepEqual(wrong, []);
  });

  it('matches ~ constraints by prefix', () => {
    assert.equal(compareApkVersions('3.10.5-r0', '3.10', true), 0);
    assert.equal(compareApkVersions('3.10-r2', '3.10', true), 0);
    assert.notEqual(compareApkVersions('3.11.1-r0', '3.10', true), 0);
    assert.notEqual(compareApkVersions('3.1.0-r0', '3.10', true), 0);
  });

  it('tells valid from invalid versions', () => {
    for (const v of ['1.0', '2.12.1-r0', '1.0_alpha2', '20230201-r23', '1.3_pre1-r1', '2.25b-r5']) {
      assert.ok(isValidApkVersion(v), v);
    }
    for (const v of ['', 'abc', '1.0-', '1.0-x', '1..0', '1.0_foo']) assert.ok(!isValidApkVersion(v), v);
  });
});
