/**
 * The fuzzing corpus under `npm test`: every seed (test/fuzz/corpus/) and
 * every input a fuzzer ever found (test/fuzz/findings/) runs through its
 * target, which must return or throw a PareError. Deterministic and fast;
 * `npm run fuzz` is the slow, random search that adds findings here. Also
 * checks that the engine finds what coverage guidance should find.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { describeError, fuzz, runOnce } from './engine.js';
import { deepBug } from './deep-bug.js';
import { TARGETS } from './targets.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CORPUS = path.join(ROOT, 'test/fuzz/corpus');
const FINDINGS = path.join(ROOT, 'test/fuzz/findings');
const files = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

describe('fuzz corpus replay: only PareErrors escape', () => {
  it('every target has a seed corpus, and every findings directory belongs to a target', () => {
    for (const t of TARGETS) assert.ok(files(path.join(CORPUS, t.name)).length > 0, `no seeds for ${t.name}`);
    const names = new Set(TARGETS.map((t) => t.name));
    for (const d of [...files(CORPUS), ...files(FINDINGS)]) assert.ok(names.has(d), `${d} is not a fuzz target`);
  });

  for (const t of TARGETS) {
    it(t.name, async () => {
      const inputs = [
        ...files(path.join(CORPUS, t.name)).map((f) => path.join(CORPUS, t.name, f)),
        ...files(path.join(FINDINGS, t.name)).map((f) => path.join(FINDINGS, t.name, f)),
      ];
      for (const file of inputs) {
        const err = await runOnce(t, readFileSync(file));
        assert.equal(err, undefined, `${path.relative(ROOT, file)}: ${describeError(err)}`);
      }
    });
  }
});

describe('the fuzzing engine', () => {
  it('finds a bug behind nested comparisons by following coverage, and not without it (seeded)', async () => {
    const search = async (guided: boolean) => {
      const found: string[] = [];
      const stats = await fuzz(
        { name: 'deep', run: deepBug },
        {
          seconds: 600,
          seed: 1,
          maxExecs: 5_000,
          stopAtFinding: true,
          corpus: [Buffer.from('abcd')],
          include: (url) => guided && url.endsWith('/fuzz/deep-bug.js'),
          onFinding: (f) => found.push(f.error),
        },
      );
      return { found, stats };
    };
    const guided = await search(true);
    assert.equal(guided.found.length, 1, `not found in ${guided.stats.execs} runs`);
    assert.match(guided.found[0]!, /TypeError: deep bug/);
    const blind = await search(false);
    assert.deepEqual(blind.found, [], 'found without coverage: the test no longer shows guidance');
  });

  it('does not report a PareError', async () => {
    const found: string[] = [];
    const [target] = TARGETS.filter((t) => t.name === 'debian-version');
    await fuzz(target!, {
      seconds: 600,
      seed: 2,
      maxExecs: 500,
      corpus: [Buffer.from('1.0\n2.0')],
      onFinding: (f) => found.push(f.error),
    });
    assert.deepEqual(found, []);
  });
});
