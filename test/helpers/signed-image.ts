/**
 * Test helper for the tool-compatibility tests: a real docker-registry, a
 * signed fixture repository, a `pare keygen` key pair, and a pare-built
 * image — as an OCI layout signed and attested by `pare build --sign-key`
 * (SPDX, CycloneDX, SLSA provenance v1) and pushed with everything attached
 * by `pare push`. Also an unsigned image pushed for other tools to sign.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pare } from './cli.js';
import { startRegistry, type Registry } from './registry.js';
import { startFixtureRepo, type FixtureRepo } from './repo.js';

export const PASSWORD_ENV = { PARE_PASSWORD: 'pw', COSIGN_PASSWORD: 'pw' };

export interface SignedFixture {
  reg: Registry;
  repo: FixtureRepo;
  /** pare keygen's files: PREFIX.key, PREFIX.pub */
  key: string;
  pub: string;
  config: string;
  /** The signed, attested layout (tag latest) and its image digest. */
  layout: string;
  digest: string;
  /** REPO@sha256:... of the pushed signed image, and of an unsigned one. */
  pushed: string;
  unsigned: string;
  unsignedLayout: string;
  close(): Promise<void>;
}

/** Build, sign, attest and push; `tmp` is the test file's temp directory. */
export async function signedFixture(tmp: string): Promise<SignedFixture> {
  const reg = await startRegistry();
  const repo = await startFixtureRepo({
    suites: {
      stable: [
        {
          name: 'hello',
          version: '1.0-1',
          depends: 'libhello',
          files: [{ path: './usr/bin/hello', data: 'hi', mode: 0o755 }],
        },
        { name: 'libhello', version: '2:1.2.3-4', files: [{ path: './usr/lib/libhello.so.1', data: 'lib' }] },
      ],
    },
  });
  const prefix = path.join(tmp, 'pare');
  const env = PASSWORD_ENV;
  const keygen = await pare(['keygen', '--output-key-prefix', prefix], { env });
  assert.equal(keygen.code, 0, keygen.stderr);
  const config = path.join(tmp, 'pare.yaml');
  await writeFile(
    config,
    `contents:\n  repositories:\n    - url: ${repo.url}\n      suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: [hello]\nentrypoint:\n  command: /usr/bin/hello\n`,
  );
  const cache = path.join(tmp, 'cache');
  const layout = path.join(tmp, 'signed');
  const b = await pare(['build', config, '-o', layout, '--cache-dir', cache, '-q', '--sign-key', `${prefix}.key`], {
    env,
  });
  assert.equal(b.code, 0, b.stderr);
  const digest = b.stdout.trim();
  const p = await pare(['push', `${layout}:latest`, `${reg.host}/signed/hello:1.0`, '--insecure', '-q']);
  assert.equal(p.code, 0, p.stderr);
  const pushed = p.stdout.trim().replace(/:1\.0@/, '@');
  assert.equal(pushed, `${reg.host}/signed/hello@${digest}`);

  const unsignedLayout = path.join(tmp, 'unsigned');
  const u = await pare(['build', config, '-o', unsignedLayout, '--cache-dir', cache, '-q', '--no-sbom']);
  assert.equal(u.code, 0, u.stderr);
  const up = await pare(['push', `${unsignedLayout}:latest`, `${reg.host}/unsigned/hello:1.0`, '--insecure', '-q']);
  assert.equal(up.code, 0, up.stderr);
  const unsigned = up.stdout.trim().replace(/:1\.0@/, '@');

  return {
    reg,
    repo,
    key: `${prefix}.key`,
    pub: `${prefix}.pub`,
    config,
    layout,
    digest,
    pushed,
    unsigned,
    unsignedLayout,
    async close() {
      await reg.close();
      await repo.close();
    },
  };
}
