/** pare as a library: the package entry point builds, writes and checks an image. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import * as pare from '../src/index.js';
import { startFixtureRepo, type FixtureRepo } from './helpers/repo.js';

let repo: FixtureRepo;
let work: string;
before(async () => {
  repo = await startFixtureRepo({
    suites: {
      stable: [{ name: 'hello', version: '1.0', files: [{ path: './usr/bin/hello', data: 'hi', mode: 0o755 }] }],
    },
  });
  work = await mkdtemp(join(tmpdir(), 'pare-lib-'));
});
after(async () => {
  await repo.close();
  await rm(work, { recursive: true, force: true });
});

it('loadConfig → build → writeLayout → readLayout, as the README shows', async () => {
  const file = join(work, 'pare.yaml');
  await writeFile(
    file,
    `contents:\n  repositories:\n    - url: ${repo.url}\n      suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: [hello]\n`,
  );
  const config = await pare.loadConfig(file);
  const result = await pare.build(config, { cache: new pare.BlobCache(join(work, 'cache')) });
  const { digest } = await pare.writeLayout(join(work, 'out'), result.root, { tag: 'latest' });
  assert.equal(digest, result.images[0]!.image.digest);
  const back = await pare.readLayout(join(work, 'out'), 'latest');
  assert.equal(back.digest, digest);
  assert.deepEqual(JSON.parse(await readFile(join(work, 'out', 'oci-layout'), 'utf8')), {
    imageLayoutVersion: '1.0.0',
  });
  assert.equal(pare.compareVersions('1.0~rc1', '1.0'), -1);
  assert.equal(typeof pare.VERSION, 'string');
});
