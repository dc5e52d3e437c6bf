/**
 * After `pare push`, podman (runc, cgroupfs, vfs storage) pulls the image from
 * the real docker-registry and runs it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { writeLayout } from '../../../src/oci/layout.js';
import { pare } from '../../helpers/cli.js';
import { probeImage } from '../../helpers/image.js';
import { startRegistry, type Registry } from '../../helpers/registry.js';
import { run } from '../../helpers/tools.js';

let reg: Registry;
let tmp: string;
before(async () => {
  reg = await startRegistry();
  tmp = await mkdtemp(path.join(tmpdir(), 'pare-podman-pull-'));
});
after(async () => {
  await reg?.close();
  await rm(tmp, { recursive: true, force: true });
});

it('podman pulls the pushed image and runs it as 65532', async () => {
  const img = await probeImage({ user: '65532:65532' });
  const dir = path.join(tmp, 'layout');
  await writeLayout(dir, img, { tag: 'v1' });
  const pushed = await pare(['push', `${dir}:v1`, `${reg.host}/podman/probe:v1`, '--insecure']);
  assert.equal(pushed.code, 0, pushed.stderr);
  const podman = (args: string[]) =>
    run(
      'podman',
      [
        '--root',
        path.join(tmp, 'root'),
        '--runroot',
        path.join(tmp, 'run'),
        '--storage-driver',
        'vfs',
        '--cgroup-manager',
        'cgroupfs',
        ...args,
      ],
      { timeout: 120_000 },
    );
  try {
    await podman(['pull', '--tls-verify=false', `${reg.host}/podman/probe:v1`]);
    const digest = (
      await podman(['image', 'inspect', '--format', '{{.Digest}}', `${reg.host}/podman/probe:v1`])
    ).stdout.trim();
    assert.equal(digest, img.digest);
    // This sandbox refuses to raise rlimits, so pass low ones explicitly.
    const r = await podman([
      'run',
      '--rm',
      '--runtime',
      'runc',
      '--network',
      'none',
      '--ulimit',
      'nofile=1024:1024',
      '--ulimit',
      'nproc=1024:1024',
      `${reg.host}/podman/probe:v1`,
    ]);
    assert.match(r.stdout, /^uid=65532 gid=65532\n/);
    assert.match(r.stdout, /hello from the image/);
  } finally {
    await podman(['rmi', '--all', '--force']).catch(() => undefined);
  }
});
