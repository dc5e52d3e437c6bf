/**
 * Two small images for the report tests, built by pare from a generated,
 * signed Debian repository served on 127.0.0.1: A = app (→ libfoo 1.0 →
 * libbase) + tool, signed and attested with a `pare keygen` key; B = app
 * (→ libfoo 2.0 → libbase) + extra, also as a docker-archive. Known
 * differences: tool only in A, extra only in B, libfoo 1.0 → 2.0.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pareInProcess } from '../helpers/cli.js';
import { startFixtureRepo, type FixtureRepo } from '../helpers/repo.js';

export const ENV = { PARE_PASSWORD: 'pw' };

export interface ReportFixture {
  repo: FixtureRepo;
  /** OCI layouts (tag latest), B's docker-archive, the key pair. */
  a: string;
  b: string;
  bTar: string;
  key: string;
  pub: string;
  otherPub: string;
}

const bytes = (n: number, c: string): string => c.repeat(n);

export async function buildFixture(work: string): Promise<ReportFixture> {
  const repo = await startFixtureRepo({
    suites: {
      stable: [
        { name: 'libbase', version: '1.0', files: [{ path: './usr/lib/libbase.so.1', data: bytes(50_000, 'b') }] },
        {
          name: 'libfoo',
          version: '1.0',
          depends: 'libbase',
          files: [{ path: './usr/lib/libfoo.so.1', data: bytes(20_000, 'f') }],
        },
        {
          name: 'libfoo',
          version: '2.0',
          depends: 'libbase',
          files: [
            { path: './usr/lib/libfoo.so.1', data: bytes(24_000, 'F') },
            { path: './usr/share/foo/data', data: bytes(9_000, 'd') },
          ],
        },
        {
          name: 'app',
          version: '3.1',
          depends: 'libfoo',
          files: [{ path: './usr/bin/app', data: bytes(3_000, 'a'), mode: 0o755 }],
        },
        { name: 'tool', version: '0.9', files: [{ path: './usr/share/tool/tool.dat', data: bytes(7_000, 't') }] },
        { name: 'extra', version: '5', files: [{ path: './usr/share/extra/extra.dat', data: bytes(11_000, 'e') }] },
      ],
    },
  });
  const config = async (name: string, packages: string): Promise<string> => {
    const file = join(work, `${name}.yaml`);
    await writeFile(
      file,
      `contents:\n  repositories:\n    - url: ${repo.url}\n      suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: ${packages}\nentrypoint:\n  command: /usr/bin/app\n`,
    );
    return file;
  };
  const prefix = join(work, 'cosign');
  const other = join(work, 'other');
  for (const p of [prefix, other]) {
    const k = await pareInProcess(['keygen', '--output-key-prefix', p], ENV);
    assert.equal(k.code, 0, k.stderr);
  }
  const cache = join(work, 'cache');
  const a = join(work, 'a');
  const b = join(work, 'b');
  const bTar = join(work, 'b.tar');
  const ra = await pareInProcess(
    [
      'build',
      await config('a', '[app, tool, libfoo=1.0]'),
      '-o',
      a,
      '--cache-dir',
      cache,
      '--sign-key',
      `${prefix}.key`,
    ],
    ENV,
  );
  assert.equal(ra.code, 0, ra.stderr);
  const rb = await pareInProcess([
    'build',
    await config('b', '[app, extra, libfoo=2.0]'),
    '-o',
    b,
    '--tarball',
    bTar,
    '--cache-dir',
    cache,
  ]);
  assert.equal(rb.code, 0, rb.stderr);
  return { repo, a, b, bTar, key: `${prefix}.key`, pub: `${prefix}.pub`, otherPub: `${other}.pub` };
}
