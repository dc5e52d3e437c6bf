/**
 * Error codes: each belongs to exactly one class, every class accepts only its
 * own (checked by the compiler; here, that CODES lists none twice), and the
 * README's error table lists every code with its class and exit status.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { CODES, exitStatusOf, type ErrorCode, UsageError, VerifyError } from '../src/errors.js';
import { REPO_ROOT } from './helpers/cli.js';

describe('error codes', () => {
  it('no code belongs to two classes', () => {
    const owner = new Map<string, string>();
    for (const [cls, codes] of Object.entries(CODES))
      for (const code of Object.keys(codes)) {
        assert.equal(owner.get(code), undefined, `${code} is under ${owner.get(code)} and ${cls}`);
        owner.set(code, cls);
      }
  });

  it('README.md lists every code with its class, exit status and meaning', async () => {
    const readme = await readFile(`${REPO_ROOT}/README.md`, 'utf8');
    const rows = new Map(
      [...readme.matchAll(/^\| `([A-Z_]+)` \| (\w+) \| (\d+) \| (.+) \|$/gm)].map((m) => [m[1]!, m.slice(2)]),
    );
    for (const [cls, codes] of Object.entries(CODES))
      for (const [code, meaning] of Object.entries(codes)) {
        const row = rows.get(code);
        assert.ok(row, `README.md has no row for ${code}`);
        assert.deepEqual(row, [cls, String(exitStatusOf(code as ErrorCode)), meaning.replaceAll('|', '\\|')], code);
        rows.delete(code);
      }
    assert.deepEqual([...rows.keys()], [], 'README.md lists codes that do not exist');
  });

  it('exit status: 2 for usage errors, 1 for every other code', () => {
    assert.equal(exitStatusOf(new UsageError('USAGE', 'x').code), 2);
    assert.equal(exitStatusOf(new VerifyError('HASH_MISMATCH', 'x').code), 1);
  });
});
