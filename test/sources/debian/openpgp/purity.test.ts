/**
 * The OpenPGP verifier's source stays pure and small (moved out of
 * cleartext.test.ts: a check of the source text, not of behaviour, so
 * `npm run mutation -- openpgp`, whose instrumented sources are longer, does
 * not run it).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { it } from 'node:test';

it('openpgp/ stays pure: no node:fs, node:net or fetch', () => {
  const dir = new URL('../../../../../src/sources/debian/openpgp/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length >= 8);
  for (const f of files) {
    const src = readFileSync(new URL(f, dir), 'utf8');
    assert.doesNotMatch(src, /node:fs|node:net|node:http|\bfetch\(/, f);
    assert.ok(src.split('\n').length <= 250, `${f} is over 250 lines`);
  }
});
