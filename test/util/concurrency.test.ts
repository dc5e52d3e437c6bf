import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachLimit, mapLimit } from '../../src/util/concurrency.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mapLimit', () => {
  it('returns results in input order whatever order the calls finish in', async () => {
    const out = await mapLimit([30, 1, 20, 5, 0], 3, async (ms, i) => {
      await tick(ms);
      return `${i}:${ms}`;
    });
    assert.deepEqual(out, ['0:30', '1:1', '2:20', '3:5', '4:0']);
  });

  it('never has more than `limit` calls in flight, and uses all of them', async () => {
    let running = 0;
    let most = 0;
    await forEachLimit(
      Array.from({ length: 20 }, (_, i) => i),
      4,
      async (i) => {
        running++;
        most = Math.max(most, running);
        await tick(i % 3);
        running--;
      },
    );
    assert.equal(most, 4);
  });

  it('rethrows the first failure, starts nothing after it, and returns only when running calls settled', async () => {
    const started: number[] = [];
    let settled = 0;
    await assert.rejects(
      mapLimit([0, 1, 2, 3, 4, 5, 6, 7], 2, async (i) => {
        started.push(i);
        await tick(i === 1 ? 1 : 15);
        settled++;
        if (i === 1) throw new Error('boom 1');
        if (i === 0) throw new Error('boom 0 (later)');
        return i;
      }),
      /boom 1/,
    );
    assert.deepEqual(started.sort(), [0, 1], 'no item is started after the first failure');
    assert.equal(settled, 2, 'the call still running when the first failed has settled before the rejection');
  });

  it('handles an empty list and a limit below 1', async () => {
    assert.deepEqual(await mapLimit([], 4, async () => 1), []);
    assert.deepEqual(await mapLimit([1, 2], 0, async (x) => x * 2), [2, 4]);
  });
});
