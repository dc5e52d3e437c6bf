/** The archive and tree modules are pure format code: bytes in, values out, no I/O. */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';

const FORBIDDEN = /from ['"](node:)?(fs|fs\/promises|net|http|https|child_process)['"]|\bfetch\(/;

it('tree/, the .deb reader and decompression never import node:fs, node:net or fetch', async () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'src'); // from dist/test/tree
  const tree = (await readdir(path.join(root, 'tree')))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join('tree', f));
  assert.ok(tree.includes(path.join('tree', 'tree.ts')));
  for (const f of [...tree, 'sources/debian/ar.ts', 'sources/debian/deb.ts', 'util/decompress.ts']) {
    const text = await readFile(path.join(root, f), 'utf8');
    assert.doesNotMatch(text, FORBIDDEN, `${f} must stay pure`);
  }
});
