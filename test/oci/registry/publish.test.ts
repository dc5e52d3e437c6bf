/**
 * `pare publish`: build from a signed fixture repository, sign, attach SBOM
 * and provenance attestations, push everything to a real docker-registry.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { pare } from '../../helpers/cli.js';
import { skopeo } from '../../helpers/image.js';
import { startRegistry, type Registry } from '../../helpers/registry.js';
import { startFixtureRepo, type FixtureRepo } from '../../helpers/repo.js';

let reg: Registry;
let repo: FixtureRepo;
let tmp: string;
before(async () => {
  reg = await startRegistry();
  repo = await startFixtureRepo({
    suites: {
      stable: [{ name: 'hello', version: '1.0', files: [{ path: './usr/bin/hello', data: 'hello', mode: 0o755 }] }],
    },
  });
  tmp = await mkdtemp(path.join(tmpdir(), 'pare-publish-'));
});
after(async () => {
  await reg?.close();
  await repo?.close();
  await rm(tmp, { recursive: true, force: true });
});

it('builds, signs, attaches SBOMs and provenance, pushes, and prints REF@digest', async () => {
  const env = { PARE_PASSWORD: 'pw' };
  const prefix = path.join(tmp, 'cosign');
  assert.equal((await pare(['keygen', '--output-key-prefix', prefix], { env })).code, 0);
  const config = path.join(tmp, 'pare.yaml');
  await writeFile(
    config,
    `contents:\n  repositories:\n    - url: ${repo.url}\n      suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: [hello]\nentrypoint:\n  command: /usr/bin/hello\n`,
  );
  const r = await pare(
    [
      'publish',
      config,
      `${reg.host}/pub/hello:1.0`,
      '--key',
      `${prefix}.key`,
      '--insecure',
      '--cache-dir',
      path.join(tmp, 'cache'),
    ],
    { env },
  );
  assert.equal(r.code, 0, r.stderr);
  const m = /^(.+):1\.0@(sha256:[0-9a-f]{64})\n$/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.equal(m[1], `${reg.host}/pub/hello`);
  const digest = m[2]!;
  const info = JSON.parse(await skopeo(['inspect', '--tls-verify=false', `docker://${reg.host}/pub/hello:1.0`])) as {
    Digest: string;
  };
  assert.equal(info.Digest, digest);

  // Pull the image, its signature and its attestations back; pare verifies them.
  const hex = digest.slice(7);
  const back = path.join(tmp, 'back');
  for (const t of ['1.0', `sha256-${hex}.sig`, `sha256-${hex}.att`]) {
    await skopeo(['copy', '--src-tls-verify=false', `docker://${reg.host}/pub/hello:${t}`, `oci:${back}:${t}`]);
  }
  const v = await pare(['verify', `${back}:1.0`, '--key', `${prefix}.pub`]);
  assert.equal(v.code, 0, v.stderr);
  for (const type of ['spdx', 'cyclonedx', 'slsaprovenance']) {
    const a = await pare(['verify-attestation', `${back}:1.0`, '--key', `${prefix}.pub`, '--type', type]);
    assert.equal(a.code, 0, `${type}: ${a.stderr}`);
  }
  // A real key pair that did not sign this image: its public key must not verify it.
  const otherPrefix = path.join(tmp, 'other');
  assert.equal((await pare(['keygen', '--output-key-prefix', otherPrefix], { env })).code, 0);
  const other = await pare(['verify', `${back}:1.0`, '--key', `${otherPrefix}.pub`]);
  assert.equal(other.code, 1, other.stderr);
  assert.match(other.stderr, /error\[SIG_INVALID\]/);
  const otherAtt = await pare(['verify-attestation', `${back}:1.0`, '--key', `${otherPrefix}.pub`, '--type', 'spdx']);
  assert.equal(otherAtt.code, 1, otherAtt.stderr);
  assert.doesNotMatch(otherAtt.stderr, /internal error/);
});

it('fails with a usage error without a registry reference', async () => {
  const r = await pare(['publish', 'pare.yaml']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /expected a config file and a registry reference/);
});
