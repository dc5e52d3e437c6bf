/** The format modules of oci/ are pure: only the sinks touch the disk. */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';

// The files that read and write image files: the layout object and writer, docker-archives, the merged-rootfs reader.
const SINKS = new Set(['layout-path.ts', 'layout.ts', 'docker-archive.ts', 'read-image.ts']);
const FORBIDDEN = /from ['"](node:)?(fs|fs\/promises|net|http|https|child_process)['"]|\bfetch\(/;

it('only layout-path.ts, layout.ts, docker-archive.ts and read-image.ts import node:fs (or any I/O)', async () => {
  const here = path.dirname(fileURLToPath(import.meta.url)); // dist/test/oci
  const src = path.resolve(here, '..', '..', '..', 'src', 'oci');
  const files = (await readdir(src)).filter((f) => f.endsWith('.ts'));
  assert.ok(files.includes('layer.ts'));
  for (const f of files) {
    if (SINKS.has(f)) continue;
    const text = await readFile(path.join(src, f), 'utf8');
    assert.doesNotMatch(text, FORBIDDEN, `${f} must stay pure`);
  }
});
