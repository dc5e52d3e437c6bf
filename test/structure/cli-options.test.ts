/**
 * Commands get typed option values: each is defined with command({...}),
 * whose option specs type what run() receives, so no command casts a flag
 * (`values.x as string` hides a typo or a changed option type from tsc).
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { it } from 'node:test';
import { REPO_ROOT } from '../helpers/cli.js';

const CAST = /\bvalues(?:\.[\w$]+|\[[^\]]+\])\s+as\s/;

it('every command is defined with command() and casts no option value', async () => {
  const dir = path.join(REPO_ROOT, 'src', 'cli');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.ts'));
  let commands = 0;
  for (const f of files) {
    const text = await readFile(path.join(dir, f), 'utf8');
    assert.doesNotMatch(
      text,
      /:\s*Command\s*=\s*\{/,
      `${f}: define the command with command({...}) so its values are typed`,
    );
    const cast = text.split('\n').findIndex((l) => CAST.test(l));
    assert.equal(
      cast,
      -1,
      `${f}:${cast + 1}: an option value is cast; type the option in the command's options instead`,
    );
    if (/=\s*command\(\{/.test(text)) commands++;
  }
  assert.ok(commands >= 12, `found ${commands} commands`);
});
