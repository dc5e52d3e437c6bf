/**
 * The squarified treemap and the why-paths, as pure functions: rectangles
 * tile the box without overlapping, each with its weight's share of the
 * area, aspect ratios near 1 for equal weights; zero weights get empty
 * rectangles. Why-paths are shortest chains from top-level packages, and a
 * cycle nothing else depends on still gets a path.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { squarify, whyPaths, type Placed } from '../../src/report/index.js';

function overlap(a: Placed<unknown>, b: Placed<unknown>): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

describe('squarify', () => {
  it('tiles the box with areas proportional to the weights', () => {
    const weights = [6, 6, 4, 3, 2, 2, 1, 0.5, 12345, 7, 1e-3];
    const box = { x: 10, y: 20, w: 600, h: 400 };
    const placed = squarify(weights, (w) => w, box);
    assert.equal(placed.length, weights.length);
    const total = weights.reduce((n, w) => n + w, 0);
    for (const p of placed) {
      assert.ok(Math.abs(p.w * p.h - (p.item / total) * box.w * box.h) < 1e-6 * box.w * box.h, `weight ${p.item}`);
      assert.ok(p.x >= box.x - 1e-9 && p.y >= box.y - 1e-9, 'inside');
      assert.ok(p.x + p.w <= box.x + box.w + 1e-9 && p.y + p.h <= box.y + box.h + 1e-9, 'inside');
    }
    for (let i = 0; i < placed.length; i++)
      for (let j = i + 1; j < placed.length; j++) assert.ok(overlap(placed[i]!, placed[j]!) < 1e-6, `${i} and ${j}`);
  });

  it('keeps equal weights square', () => {
    const placed = squarify([1, 1, 1, 1], (w) => w, { x: 0, y: 0, w: 100, h: 100 });
    for (const p of placed) {
      assert.ok(Math.abs(p.w - 50) < 1e-9 && Math.abs(p.h - 50) < 1e-9, JSON.stringify(p));
    }
  });

  it('gives zero weights empty rectangles and handles nothing at all', () => {
    const placed = squarify(['a', 'b'], (s) => (s === 'a' ? 5 : 0), { x: 0, y: 0, w: 10, h: 10 });
    assert.deepEqual(
      placed.map((p) => [p.item, p.w * p.h]),
      [
        ['a', 100],
        ['b', 0],
      ],
    );
    assert.deepEqual(
      squarify([0], (w) => w, { x: 0, y: 0, w: 10, h: 10 }).map((p) => p.w),
      [0],
    );
    assert.deepEqual(
      squarify([], (w: number) => w, { x: 0, y: 0, w: 10, h: 10 }),
      [],
    );
  });
});

describe('whyPaths', () => {
  it('finds the shortest chain from a top-level package', () => {
    const { why, dependents } = whyPaths([
      { name: 'app', dependencies: ['libfoo', 'libc'] },
      { name: 'libfoo', dependencies: ['libc', 'libbar'] },
      { name: 'libbar', dependencies: ['libc'] },
      { name: 'libc', dependencies: ['libgcc', 'not-installed'] },
      { name: 'libgcc', dependencies: ['libc'] },
      { name: 'tzdata', dependencies: [] },
    ]);
    assert.deepEqual(why.get('libc'), ['app', 'libc']);
    assert.deepEqual(why.get('libbar'), ['app', 'libfoo', 'libbar']);
    assert.deepEqual(why.get('libgcc'), ['app', 'libc', 'libgcc']);
    assert.deepEqual(why.get('tzdata'), ['tzdata']);
    assert.deepEqual(dependents.get('libc'), ['app', 'libbar', 'libfoo', 'libgcc']);
  });

  it('gives a cycle nothing depends on its first member as the top', () => {
    const { why } = whyPaths([
      { name: 'libgcc', dependencies: ['libc'] },
      { name: 'libc', dependencies: ['libgcc'] },
    ]);
    assert.deepEqual(why.get('libc'), ['libc']);
    assert.deepEqual(why.get('libgcc'), ['libc', 'libgcc']);
  });
});
