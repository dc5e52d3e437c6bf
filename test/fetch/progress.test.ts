import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progressFrom } from '../../src/cli/common.js';
import { silentProgress, ttyProgress } from '../../src/fetch/index.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WriteStream & {
    writes: string[];
  };
}

describe('progress display', () => {
  it('redraws one line in place on a TTY and clears it at the end', () => {
    const s = fakeStream(true);
    const p = ttyProgress(s);
    p.phase('fetching packages', 2, 2048);
    p.bytes(1024);
    p.done('a.deb');
    p.done('b.deb');
    p.end();
    assert.equal(s.writes[0], '\r\x1b[Kfetching packages 0/2 0 B/2.0 KiB');
    assert.equal(s.writes.at(-2), '\r\x1b[Kfetching packages 2/2 1.0 KiB/2.0 KiB');
    assert.equal(s.writes.at(-1), '\r\x1b[K');
    assert.ok(
      s.writes.every((w) => !w.includes('\n')),
      'never scrolls',
    );
  });

  it('is silent in CI, when piped, and with --quiet', () => {
    assert.equal(
      progressFrom({}, { stdout: fakeStream(true), stderr: fakeStream(true), env: { CI: 'true' } }),
      silentProgress,
    );
    assert.equal(progressFrom({}, { stdout: fakeStream(true), stderr: fakeStream(false), env: {} }), silentProgress);
    assert.equal(
      progressFrom({ quiet: true }, { stdout: fakeStream(true), stderr: fakeStream(true), env: {} }),
      silentProgress,
    );
    assert.notEqual(progressFrom({}, { stdout: fakeStream(true), stderr: fakeStream(true), env: {} }), silentProgress);
  });
});
