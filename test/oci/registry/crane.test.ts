/**
 * crane (go-containerregistry) reads, validates, pulls and copies what pare
 * pushed to the real docker-registry: the manifest bytes are pare's, byte for
 * byte; `crane validate` accepts the remote image and what crane pulled; pare
 * reads crane's pulls (OCI layout and docker-archive tarball); an image and
 * its signature copied by crane to another repository still verify with pare's key
 * (and with cosign's: test/supply/cosign.test.ts); an image extended with
 * `crane append` is a `base:` pare builds on, and crane reads the result.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { pare } from '../../helpers/cli.js';
import { goTool, runTool, tool } from '../../helpers/go-tools.js';
import { signedFixture, type SignedFixture } from '../../helpers/signed-image.js';
import { tempDirs } from '../../helpers/tmp.js';
import { sha256 } from '../../../src/oci/digest.js';

const run = promisify(execFile);

const tempDir = tempDirs('pare-crane-');
let fx: SignedFixture;
let tmp: string;
before(async () => {
  tmp = await tempDir();
  fx = await signedFixture(tmp);
});
after(() => fx?.close());

const crane = (args: string[]) => tool('crane', [...args, '--insecure']);

it('crane manifest returns the bytes pare wrote, and crane digest the digest pare printed', async () => {
  const raw = await crane(['manifest', fx.pushed]);
  assert.equal(sha256(Buffer.from(raw, 'utf8')), fx.digest);
  const local = await readFile(path.join(fx.layout, 'blobs', 'sha256', fx.digest.slice(7)), 'utf8');
  assert.equal(raw, local);
  assert.equal((await crane(['digest', fx.pushed.replace(/@.*$/, ':1.0')])).trim(), fx.digest);
  const tags = (await crane(['ls', fx.pushed.replace(/@.*$/, '')])).trim().split('\n').sort();
  const hex = fx.digest.slice(7);
  for (const t of ['1.0', `sha256-${hex}.sig`, `sha256-${hex}.att`]) assert.ok(tags.includes(t), tags.join(' '));
});

it('crane validate accepts the pushed image; its signature and attestation images as cosign makes them', async () => {
  const out = await crane(['validate', '--remote', fx.pushed]);
  assert.match(out, /PASS/);
  // cosign's signature images list their (non-layer) blobs in rootfs.diff_ids, and
  // pare's are built the same way, so crane's full validation, which counts only
  // layer media types, rejects cosign's own .sig images too: check them with --fast.
  const repo = fx.pushed.replace(/@.*$/, '');
  for (const suffix of ['sig', 'att']) {
    const r = await crane(['validate', '--fast', '--remote', `${repo}:sha256-${fx.digest.slice(7)}.${suffix}`]);
    assert.match(r, /PASS/, suffix);
  }
  // A negative control: crane validate fails on a reference that is not there.
  const missing = await runTool('crane', ['validate', '--remote', `${repo}:no-such-tag`, '--insecure']);
  assert.notEqual(missing.code, 0);
});

it('crane pull (OCI layout and tarball): crane validates them, pare checks them, the digest is kept', async () => {
  const dir = path.join(tmp, 'pulled-oci');
  await crane(['pull', '--format', 'oci', fx.pushed, dir]);
  assert.match(await tool('crane', ['validate', '--tarball', await tarballOf(fx.pushed)]), /PASS/);
  const index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8')) as {
    manifests: { digest: string }[];
  };
  assert.deepEqual(
    index.manifests.map((m) => m.digest),
    [fx.digest],
  );
  const check = await pare(['check', dir, '--json']);
  assert.equal(check.code, 0, check.stderr);
  const report = JSON.parse(check.stdout) as { summary: { packages: { name: string }[] } };
  assert.deepEqual(
    report.summary.packages.map((p) => p.name),
    ['hello', 'libhello'],
  );
});

async function tarballOf(ref: string): Promise<string> {
  const file = path.join(tmp, `pulled-${sha256(ref).slice(7, 19)}.tar`);
  await crane(['pull', ref, file]);
  const check = await pare(['check', file]);
  assert.equal(check.code, 0, `pare check on crane's tarball: ${check.stdout}${check.stderr}`);
  return file;
}

it('crane copy --all-tags moves the image and its cosign tags, digests unchanged', async () => {
  const src = fx.pushed.replace(/@.*$/, '');
  const dst = `${fx.reg.host}/copied/hello`;
  await crane(['copy', '--all-tags', src, dst]);
  assert.equal((await crane(['digest', `${dst}:1.0`])).trim(), fx.digest);
  for (const suffix of ['sig', 'att']) {
    const tag = `sha256-${fx.digest.slice(7)}.${suffix}`;
    assert.equal((await crane(['digest', `${dst}:${tag}`])).trim(), (await crane(['digest', `${src}:${tag}`])).trim());
  }
  // Pulled back into a layout with skopeo, the copy verifies with pare's key.
  const back = path.join(tmp, 'copied-back');
  for (const t of ['1.0', `sha256-${fx.digest.slice(7)}.sig`])
    await run('skopeo', ['copy', '--src-tls-verify=false', `docker://${dst}:${t}`, `oci:${back}:${t}`]);
  const v = await pare(['verify', `${back}:1.0`, '--key', fx.pub]);
  assert.equal(v.code, 0, v.stderr);
});

it('crane append extends the pushed image; pare builds on it as base: and crane exports the result', async () => {
  const dir = path.join(tmp, 'append');
  await mkdir(path.join(dir, 'srv'), { recursive: true });
  await writeFile(path.join(dir, 'srv', 'from-crane.txt'), 'appended by crane\n');
  const layer = path.join(tmp, 'append.tar');
  await run('tar', ['-cf', layer, '-C', dir, 'srv']);
  const appended = `${fx.reg.host}/appended/hello:1.0`;
  await crane(['append', '-f', layer, '-b', fx.pushed, '-t', appended]);
  assert.match(await crane(['validate', '--remote', appended]), /PASS/);
  type M = { layers: { digest: string; mediaType: string }[] };
  const pushedLayers = (JSON.parse(await crane(['manifest', fx.pushed])) as M).layers;
  const baseLayers = (JSON.parse(await crane(['manifest', appended])) as M).layers;
  assert.equal(baseLayers.length, pushedLayers.length + 1);

  const config = path.join(tmp, 'on-crane.yaml');
  await writeFile(path.join(tmp, 'pare.txt'), 'added by pare\n');
  await writeFile(
    config,
    `base: ${appended}\ncontents:\n  repositories:\n    - url: ${fx.repo.url}\n      suites: [stable]\n  keyring: [${fx.repo.keyringFile}]\n  packages: [hello]\npaths:\n  - path: /srv/pare.txt\n    type: file\n    source: pare.txt\n`,
  );
  const out = path.join(tmp, 'on-crane');
  const b = await pare(['build', config, '-o', out, '--insecure', '--cache-dir', path.join(tmp, 'cache'), '-q']);
  assert.equal(b.code, 0, b.stderr);
  const digest = b.stdout.trim();
  const built = JSON.parse(await readFile(path.join(out, 'blobs', 'sha256', digest.slice(7)), 'utf8')) as M;
  // crane's layers, its appended one included, are reused byte for byte
  assert.deepEqual(
    built.layers.slice(0, baseLayers.length).map((l) => l.digest),
    baseLayers.map((l) => l.digest),
  );
  const check = await pare(['check', out, '--json']);
  assert.equal(check.code, 0, check.stderr);
  const p = await pare(['push', `${out}:latest`, `${fx.reg.host}/on-crane/hello:1.0`, '--insecure', '-q']);
  assert.equal(p.code, 0, p.stderr);
  const ref = p.stdout.trim();
  assert.match(await crane(['validate', '--remote', ref]), /PASS/);
  const listing = await run('sh', ['-c', `"$0" export --insecure "$1" - | tar -t`, goTool('crane'), ref], {
    maxBuffer: 16 << 20,
  });
  const files = listing.stdout.split('\n');
  for (const f of ['srv/from-crane.txt', 'srv/pare.txt', 'usr/bin/hello']) assert.ok(files.includes(f), f);
});
