/**
 * The path rules every archive name passes through (src/tree/path.ts), case
 * by case: what becomes an image path, what is flagged as hostile (absolute,
 * '..', control characters) instead of being repaired, and the bytewise order
 * the layers and the contents records are sorted in. Written to kill the
 * mutants `npm run mutation -- path` found surviving (docs/MUTATION.md).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compareBytewise,
  hasControlChar,
  isWithin,
  joinPath,
  normalizeName,
  parentOf,
  sortBytewise,
} from '../../src/tree/path.js';

describe('normalizeName', () => {
  const clean: Array<[string, string]> = [
    ['usr/bin/x', 'usr/bin/x'],
    ['./usr/bin/x', 'usr/bin/x'],
    ['usr/bin/', 'usr/bin'],
    ['./usr/bin/', 'usr/bin'],
    ['./', ''],
    ['.', ''],
    ['', ''],
    ['usr//bin', 'usr/bin'],
    ['.//usr/bin', 'usr/bin'],
    ['usr/./bin', 'usr/bin'],
    ['usr/bin/.', 'usr/bin'],
    ['./usr/bin/./', 'usr/bin'],
    ['usr/..bin', 'usr/..bin'],
    ['usr/bin..', 'usr/bin..'],
    ['usr/lib./', 'usr/lib.'],
    ['./usr/lib./', 'usr/lib.'],
    ['..usr', '..usr'],
    ['.profile', '.profile'],
    ['./.profile', '.profile'],
    ['etc/.d/x', 'etc/.d/x'],
    ['usr/bin/x~', 'usr/bin/x~'],
    ['caf\u00e9/\u{1f600}', 'caf\u00e9/\u{1f600}'],
  ];
  for (const [name, path] of clean) {
    it(`${JSON.stringify(name)} is the image path ${JSON.stringify(path)}`, () => {
      assert.deepEqual(normalizeName(name), { path });
    });
  }

  const hostile: Array<[string, 'dotdot' | 'absolute' | 'control']> = [
    ['..', 'dotdot'],
    ['./..', 'dotdot'],
    ['../etc/passwd', 'dotdot'],
    ['./../etc/passwd', 'dotdot'],
    ['usr/..', 'dotdot'],
    ['usr/../..', 'dotdot'],
    ['usr/../../etc/shadow', 'dotdot'],
    ['usr/bin/../../../etc', 'dotdot'],
    ['usr/../', 'dotdot'],
    ['usr//../etc', 'dotdot'],
    ['/etc/passwd', 'absolute'],
    ['/', 'absolute'],
    ['usr/bin/su\0x', 'control'],
    ['usr/bin/\x01', 'control'],
    ['usr/bin/a\x1fb', 'control'],
    ['usr/bin/a\nb', 'control'],
    ['usr/bin/a\x7fb', 'control'],
    ['/etc/\0', 'control'],
  ];
  for (const [name, problem] of hostile) {
    it(`${JSON.stringify(name)} is flagged ${problem}, unchanged`, () => {
      assert.deepEqual(normalizeName(name), { path: name, problem });
    });
  }
});

describe('hasControlChar', () => {
  it('is true for U+0000-U+001F and U+007F, false for every other character', () => {
    for (let c = 0; c < 0x100; c++) {
      const s = `a${String.fromCharCode(c)}b`;
      assert.equal(hasControlChar(s), c < 0x20 || c === 0x7f, `U+${c.toString(16)}`);
    }
    assert.equal(hasControlChar(''), false);
    assert.equal(hasControlChar('\x1f'), true);
    assert.equal(hasControlChar('abc\x00'), true);
  });
});

describe('parentOf, joinPath, isWithin', () => {
  it('parentOf is the directory part, the root ("") for a top-level entry', () => {
    assert.equal(parentOf('usr/bin/x'), 'usr/bin');
    assert.equal(parentOf('usr'), '');
    assert.equal(parentOf(''), '');
  });
  it('joinPath joins with one "/", the root being ""', () => {
    assert.equal(joinPath('', 'usr/bin'), 'usr/bin');
    assert.equal(joinPath('usr', ''), 'usr');
    assert.equal(joinPath('usr', 'bin/x'), 'usr/bin/x');
    assert.equal(joinPath('', ''), '');
  });
  it('isWithin: the directory itself and what lies below it, not a sibling sharing its prefix', () => {
    assert.equal(isWithin('usr/bin/x', 'usr/bin'), true);
    assert.equal(isWithin('usr/bin', 'usr/bin'), true);
    assert.equal(isWithin('usr/binx', 'usr/bin'), false);
    assert.equal(isWithin('usr/bin-old/x', 'usr/bin'), false);
    assert.equal(isWithin('usr', 'usr/bin'), false);
    assert.equal(isWithin('etc/x', 'usr'), false);
    assert.equal(isWithin('etc/x', ''), true);
    assert.equal(isWithin('', ''), true);
  });
});

describe('bytewise order', () => {
  // UTF-8 byte order = code point order; UTF-16 code unit order puts U+10000
  // (surrogates D800-DFFF) before U+E000-U+FFFF.
  const ordered = ['', 'a', 'a/b', 'ab', 'b', '\u00e9', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{10ffff}'];

  it('compareBytewise orders by UTF-8 bytes: shorter prefix first, supplementary planes last', () => {
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        const got = Math.sign(compareBytewise(ordered[i]!, ordered[j]!));
        assert.equal(got, Math.sign(i - j), `${JSON.stringify(ordered[i])} vs ${JSON.stringify(ordered[j])}`);
      }
    }
  });

  it('compareBytewise agrees with comparing the UTF-8 bytes', () => {
    const words = ['x\u{1f600}', 'x\ufb01', 'x\ue000y', 'x\ud7ffz', 'x\u{10000}a', 'xa', 'x'];
    for (const a of words) {
      for (const b of words) {
        const bytes = Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
        assert.equal(Math.sign(compareBytewise(a, b)), bytes, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      }
    }
  });

  it('sortBytewise sorts by the key in UTF-8 byte order, keeping the items', () => {
    const shuffled = [5, 0, 9, 2, 7, 10, 1, 8, 3, 6, 4];
    const items = shuffled.map((i) => ({ name: ordered[i]!, i }));
    const sorted = sortBytewise(items, (x) => x.name);
    assert.deepEqual(
      sorted.map((x) => x.i),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    assert.deepEqual(
      sortBytewise(['x\u{10000}', 'x\ue000', 'x\u{1f600}b', 'x\u{1f600}a'], (x) => x),
      ['x\ue000', 'x\u{10000}', 'x\u{1f600}a', 'x\u{1f600}b'],
    );
  });

  it('sortBytewise sorts hundreds of distinct paths (past insertion sort) as their UTF-8 bytes sort', () => {
    const alphabet = ['a', 'b', '/', '.', '\u00e9', '\ue000', '\uffff', '\u{10000}', '\u{1f600}'];
    const keys = new Set<string>();
    for (let i = 0; keys.size < 600; i++) {
      let k = '';
      for (let n = (i * 7) % 5, x = i; n >= 0; n--, x = Math.floor(x / alphabet.length) + i)
        k += alphabet[x % alphabet.length];
      keys.add(`${k}${i % 13}`);
    }
    const items = [...keys].map((path) => ({ path }));
    const want = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    assert.deepEqual(
      sortBytewise(items, (e) => e.path).map((e) => e.path),
      want,
    );
  });
});
