/** Temporary directories for one test file, all removed when the file's tests end. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

export function tempDirs(prefix: string): () => Promise<string> {
  const made: string[] = [];
  after(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));
  return async () => {
    const d = await mkdtemp(path.join(tmpdir(), prefix));
    made.push(d);
    return d;
  };
}
