import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requireTool, run } from '../helpers/tools.js';

describe('requireTool (test helper)', () => {
  it('finds an installed tool and runs it', async () => {
    assert.match(requireTool('tar'), /\/tar$/);
    assert.match((await run('tar', ['--version'])).stdout, /tar/);
  });

  it('fails with the tool name and the install script when a tool is missing, instead of skipping', async () => {
    assert.throws(() => requireTool('pare-no-such-tool'), /pare-no-such-tool is not installed.*install-test-tools\.sh/);
    await assert.rejects(run('pare-no-such-tool', []), /pare-no-such-tool is not installed/);
  });
});
