/** `pare push DIR[:TAG] REF` against the real docker-registry; skopeo sees the same digest. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { makeIndex } from '../../../src/oci/image-index.js';
import { writeLayout } from '../../../src/oci/layout.js';
import { pare } from '../../helpers/cli.js';
import { skopeo } from '../../helpers/image.js';
import {
  blobPuts,
  mounts,
  randomImage,
  startProxy,
  startRegistry,
  type Proxy,
  type Registry,
} from '../../helpers/registry.js';

let reg: Registry;
let proxy: Proxy;
let tmp: string;
before(async () => {
  reg = await startRegistry();
  proxy = await startProxy(reg);
  tmp = await mkdtemp(path.join(tmpdir(), 'pare-cli-push-'));
});
after(async () => {
  await proxy?.close();
  await reg?.close();
  await rm(tmp, { recursive: true, force: true });
});

it('pushes a layout, prints REF@digest, skopeo inspect and copy agree', async () => {
  const img = await randomImage('cli', [100_000, 2000]);
  const dir = path.join(tmp, 'out');
  await writeLayout(dir, img, { tag: 'v1' });
  const r = await pare(['push', `${dir}:v1`, `${reg.host}/cli/app`, '--insecure']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${reg.host}/cli/app:v1@${img.digest}\n`, 'the layout tag is used when REF has none');
  const info = JSON.parse(await skopeo(['inspect', '--tls-verify=false', `docker://${reg.host}/cli/app:v1`])) as {
    Digest: string;
  };
  assert.equal(info.Digest, img.digest);
  const back = path.join(tmp, 'back');
  await skopeo(['copy', '--src-tls-verify=false', `docker://${reg.host}/cli/app:v1`, `oci:${back}:v1`]);
  const raw = await skopeo(['inspect', '--raw', `oci:${back}:v1`]);
  assert.equal(raw, img.manifestBytes.toString(), 'the same manifest bytes, hence the same digest');
  assert.equal(r.stderr.includes('\r'), false, 'no progress display off a TTY');
});

it('pushes an index layout under an explicit tag; a second repository mounts with --mount-from', async () => {
  const idx = makeIndex({
    manifests: [await randomImage('cli-a', [5000], 'amd64'), await randomImage('cli-b', [5000], 'arm64')],
  });
  const dir = path.join(tmp, 'multi');
  await writeLayout(dir, idx, { tag: 'latest' });
  const r = await pare(['push', dir, `${proxy.host}/cli/multi:2.0`, '--insecure']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${proxy.host}/cli/multi:2.0@${idx.digest}\n`);
  const puts = blobPuts(proxy).length;
  const r2 = await pare(['push', dir, `${proxy.host}/cli/other:2.0`, '--insecure', '--mount-from', 'cli/multi']);
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal(blobPuts(proxy).length, puts, 'every blob mounted');
  assert.equal(mounts(proxy).length, 4);
});

it('errors: no --insecure for an http registry, bad reference, missing layout', async () => {
  const dir = path.join(tmp, 'out');
  const r = await pare(['push', `${dir}:v1`, `${reg.host}/cli/app:v2`]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /error\[REGISTRY_HTTP\]/);
  assert.match(r.stderr, /--insecure/);
  const bad = await pare(['push', `${dir}:v1`, 'app:v2', '--insecure']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no registry host/);
  const missing = await pare(['push', path.join(tmp, 'nope'), `${reg.host}/cli/app:v2`, '--insecure']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /IMAGE_READ/);
  assert.equal(r.stdout + bad.stdout + missing.stdout, '');
});
