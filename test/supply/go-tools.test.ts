/**
 * The Go tools the compatibility tests run (cosign, cosign3, syft, crane):
 * each installed binary is the version scripts/install-test-tools.sh pins,
 * and a missing tool fails with the command that installs it (never a skip).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { it } from 'node:test';
import { REPO_ROOT } from '../helpers/cli.js';
import { goTool, toolVersion, type GoTool } from '../helpers/go-tools.js';
import { tempDirs } from '../helpers/tmp.js';

const tempDir = tempDirs('pare-go-tools-');

it('a missing tool is an error naming the install script', async () => {
  const saved = { GOBIN: process.env.GOBIN, PATH: process.env.PATH };
  process.env.GOBIN = await tempDir();
  process.env.PATH = '';
  try {
    // runs first: the helper remembers the tools it has found
    assert.throws(() => goTool('cosign3'), /cosign3 is not installed .*install-test-tools\.sh/);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

it('every tool is installed at the version the install script pins', async () => {
  const script = await readFile(path.join(REPO_ROOT, 'scripts', 'install-test-tools.sh'), 'utf8');
  const pins = new Map([...script.matchAll(/^go_tool (\S+) \S+ (v\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  assert.deepEqual([...pins.keys()].sort(), ['cosign', 'cosign3', 'crane', 'syft']);
  for (const [name, version] of pins) assert.equal(await toolVersion(name as GoTool), version, name);
});
