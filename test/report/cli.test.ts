/**
 * `pare report` without a browser: the JSON document (packages with bytes,
 * why-paths, layers, supply chain verified or not, check results, the
 * comparison), the same document from an OCI layout and from a
 * docker-archive, and bad input (missing file, not an image, a corrupt
 * layout, a bad key) as a coded error, exit 1, with a hint and no output
 * file left behind.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ReportDocument } from '../../src/report/index.js';
import { pareInProcess } from '../helpers/cli.js';
import { startRegistry, type Registry } from '../helpers/registry.js';
import { buildFixture, type ReportFixture } from './fixture.js';

async function reportJson(args: string[]): Promise<ReportDocument> {
  const r = await pareInProcess(['report', ...args, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as ReportDocument;
}

describe('pare report', { timeout: 180_000 }, () => {
  let work: string;
  let fx: ReportFixture;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'pare-report-cli-'));
    fx = await buildFixture(work);
  });
  after(async () => {
    await fx?.repo.close();
    await rm(work, { recursive: true, force: true });
  });

  it('reports packages, bytes, why-paths, layers and checks', async () => {
    const d = await reportJson([fx.a]);
    const img = d.image;
    const pkg = (n: string) => img.packages.find((p) => p.name === n)!;
    assert.deepEqual(
      img.packages.map((p) => [p.name, p.version, p.bytes, p.files]),
      [
        ['app', '3.1', 3000, 1],
        ['libbase', '1.0', 50000, 1],
        ['libfoo', '1.0', 20000, 1],
        ['tool', '0.9', 7000, 1],
      ],
    );
    assert.deepEqual(pkg('libbase').why, ['app', 'libfoo', 'libbase']);
    assert.deepEqual(pkg('libfoo').dependents, ['app']);
    assert.deepEqual(pkg('tool').why, ['tool']);
    assert.equal(pkg('app').status, 'install ok installed');
    assert.match(pkg('app').sha256!, /^[0-9a-f]{64}$/);
    assert.deepEqual(pkg('libbase').dirs, [{ dir: '/usr/lib', bytes: 50000, files: 1 }]);
    assert.equal(img.check.ok, true);
    const fileBytes = img.packages.reduce((n, p) => n + p.bytes, 0) + img.groups.reduce((n, g) => n + g.bytes, 0);
    assert.equal(fileBytes, img.totals.bytes);
    assert.equal(img.layers.length, img.totals.layers);
    for (const p of img.packages) {
      assert.ok(p.layers.length >= 1, p.name);
      for (const i of p.layers) assert.ok(img.layers[i]!.packages.includes(p.name));
    }
    assert.equal(
      img.totals.compressed,
      img.layers.reduce((n, l) => n + l.compressed, 0),
    );
    assert.ok(img.layers.every((l) => l.uncompressed > 0 && /^sha256:/.test(l.diffId)));
  });

  it('lists the supply chain, and verifies it with --key', async () => {
    const plain = (await reportJson([fx.a])).image.supply;
    assert.deepEqual(plain.signatures, [{ kind: 'cosign signature' }]);
    assert.deepEqual(plain.attestations.map((a) => a.kind).sort(), [
      'https://cyclonedx.org/bom',
      'https://slsa.dev/provenance/v1',
      'https://spdx.dev/Document',
    ]);
    assert.deepEqual(plain.sboms.map((s) => `${s.format} ${s.where}`).sort(), [
      'CycloneDX attestation',
      'CycloneDX file a.cdx.json',
      'SPDX attestation',
      'SPDX file a.spdx.json',
    ]);
    assert.deepEqual(plain.provenance!.materials.map((m) => m.sha256).length, 4);
    const good = (await reportJson([fx.a, '--key', fx.pub])).image.supply;
    assert.ok(good.signatures.every((s) => s.verified === true));
    assert.ok(good.attestations.every((s) => s.verified === true));
    assert.deepEqual(good.problems, []);
    const bad = (await reportJson([fx.a, '--key', fx.otherPub])).image.supply;
    assert.ok(bad.signatures.every((s) => s.verified === false));
    assert.deepEqual(
      bad.problems.map((p) => `${p.what} ${p.code}`),
      ['signatures SIG_BAD', 'attestations SIG_BAD'],
    );
    const unsigned = (await reportJson([fx.b])).image.supply;
    assert.deepEqual(unsigned.signatures, []);
    assert.match((await reportJson([fx.bTar])).image.supply.where, /docker-archive/);
  });

  it('compares two images', async () => {
    const d = await reportJson([fx.a, '--compare', fx.bTar]);
    const c = d.compare!;
    assert.deepEqual(c.packages.removed, [{ name: 'tool', version: '0.9', size: 7000 }]);
    assert.deepEqual(c.packages.added, [{ name: 'extra', version: '5', size: 11000 }]);
    assert.deepEqual(c.packages.changed, [{ name: 'libfoo', from: '1.0', to: '2.0', sizeFrom: 20000, sizeTo: 33000 }]);
    assert.ok(c.files.added.some((f) => f.path === '/usr/share/foo/data' && f.package === 'libfoo'));
    assert.equal(c.image.source, `docker-archive:${fx.bTar}`);
    const fromLayout = await reportJson([fx.a, '--compare', fx.b]);
    assert.deepEqual(fromLayout.compare!.packages, c.packages);
  });

  it('reports a registry image as it reports the layout it was pushed from', async () => {
    let reg: Registry | undefined;
    try {
      reg = await startRegistry();
      const ref = `${reg.host}/report/a:1`;
      const p = await pareInProcess(['push', `${fx.a}:latest`, ref, '--insecure']);
      assert.equal(p.code, 0, p.stderr);
      const cache = ['--cache-dir', join(work, 'cache'), '--insecure'];
      const remote = await reportJson([ref, ...cache]);
      const local = await reportJson([fx.a]);
      assert.equal(remote.image.source, ref);
      assert.equal(remote.image.digest, local.image.digest);
      assert.deepEqual(remote.image.packages, local.image.packages);
      assert.deepEqual(remote.image.layers, local.image.layers);
      assert.match(remote.image.supply.where, /registry image/);
      const c = await reportJson([ref, '--compare', fx.bTar, ...cache]);
      assert.deepEqual(c.compare!.packages.added, [{ name: 'extra', version: '5', size: 11000 }]);
    } finally {
      await reg?.close();
    }
  });

  it('fails on bad input with a coded error, exit 1 and no output file', async () => {
    const out = join(work, 'bad.html');
    const notImage = join(work, 'not-an-image');
    await writeFile(notImage, 'hello\n');
    const corrupt = join(work, 'corrupt');
    await cp(fx.b, corrupt, { recursive: true });
    const blobs = join(corrupt, 'blobs', 'sha256');
    const sizes = await Promise.all(
      (await readdir(blobs)).map(async (f) => [f, (await stat(join(blobs, f))).size] as const),
    );
    const largest = sizes.sort((x, y) => y[1] - x[1])[0]![0];
    await truncate(join(blobs, largest), 100);
    const cases: Array<[string[], string]> = [
      [[join(work, 'missing')], 'IMAGE_READ'],
      [[notImage], 'IMAGE_READ'],
      [[work], 'IMAGE_READ'],
      [[corrupt], 'IMAGE_READ'],
      [[fx.a, '--compare', corrupt], 'IMAGE_READ'],
      [[fx.a, '--key', notImage], 'KEY_READ'],
    ];
    for (const [args, code] of cases) {
      const r = await pareInProcess(['report', ...args, '-o', out]);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`error\\[${code}\\]`), args.join(' '));
      assert.match(r.stderr, /hint: /, args.join(' '));
      await assert.rejects(stat(out), `no ${out} after ${args.join(' ')}`);
    }
    assert.deepEqual(
      (await readdir(work)).filter((f) => f.includes('pare-tmp')),
      [],
    );
    const usage = await pareInProcess(['report', fx.a, '--format', 'pdf']);
    assert.equal(usage.code, 2, usage.stderr);
    const ok = await pareInProcess(['report', fx.a, '-o', out]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(await readFile(out, 'utf8'), /^<!doctype html>/);
  });
});
