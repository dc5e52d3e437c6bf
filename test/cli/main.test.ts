import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { ConfigError } from '../../src/errors.js';
import { pare, pareInProcess } from '../helpers/cli.js';

describe('pare command line', () => {
  it('prints help listing the commands, and exits 2 without a command', async () => {
    const r = await pareInProcess([]);
    assert.equal(r.code, 2);
    for (const c of ['build', 'resolve', 'schema']) assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'));
    const h = await pareInProcess(['build', '--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /--tarball/);
    assert.match(h.stdout, /--cache-dir/);
  });

  it('rejects an unknown command and an unknown flag with usage (exit 2)', async () => {
    const a = await pareInProcess(['bulid']);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /unknown command "bulid"/);
    const b = await pareInProcess(['build', 'x.yaml', '--no-such-flag']);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /Usage: pare build/);
  });

  it('reports a missing config file as a user error without a stack trace (exit 1)', async () => {
    const r = await pare(['build', '/nonexistent/pare.yaml']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error\[CONFIG_READ\]: cannot read config \/nonexistent\/pare\.yaml: no such file/);
    assert.match(r.stderr, /hint: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('reports config errors with file:line:column and leaves no output', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pare-cli-'));
    try {
      const file = join(dir, 'bad.yaml');
      await writeFile(file, 'contents:\n  repositories: [bookworm]\n  packages: [libc6]\nentrypoint: /bin/x\n');
      const r = await pare(['build', file, '-o', join(dir, 'out')]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`${file.replace(/[/.]/g, '\\$&')}:4:13: entrypoint: expected a map`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints a JSON Schema that describes pare.yaml', async () => {
    const r = await pareInProcess(['schema']);
    assert.equal(r.code, 0);
    const s = JSON.parse(r.stdout) as {
      type: string;
      properties: Record<string, { properties?: Record<string, unknown> }>;
      required: string[];
    };
    assert.equal(s.type, 'object');
    assert.deepEqual(s.required, ['contents']);
    for (const k of ['repositories', 'keyring', 'packages', 'exclude'])
      assert.ok(s.properties.contents!.properties![k], k);
    for (const k of ['entrypoint', 'cmd', 'work-dir', 'environment', 'accounts', 'annotations', 'archs'])
      assert.ok(s.properties[k], k);
  });

  it('prints its version', async () => {
    const r = await pareInProcess(['--version']);
    assert.match(r.stdout, /^pare \d+\.\d+\.\d+\n$/);
  });

  it('exits 70 with a stack trace on an internal error (a bug), 1 on a user error', async () => {
    let stderr = '';
    const io = (fail: unknown) => ({
      stdout: {
        write: () => {
          throw fail;
        },
      } as unknown as NodeJS.WritableStream,
      stderr: { write: (s: string) => ((stderr += s), true) } as unknown as NodeJS.WritableStream,
      env: {},
    });
    const code = await main(['schema'], io(new TypeError('boom: a bug')));
    assert.equal(code, 70);
    assert.match(stderr, /internal error \(a bug in pare; please report it\)/);
    assert.match(stderr, /TypeError: boom: a bug\n\s+at /);
    stderr = '';
    const user = await main(['schema'], io(new ConfigError('CONFIG_READ', 'cannot read it', { hint: 'fix it' })));
    assert.equal(user, 1);
    assert.equal(stderr, 'pare: error[CONFIG_READ]: cannot read it\n  hint: fix it\n');
  });

  it('--tarball refuses a multi-arch config with a usage error (exit 2), before any network access', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pare-cli-'));
    try {
      const file = join(dir, 'multi.yaml');
      await writeFile(
        file,
        'contents:\n  repositories:\n    - url: http://127.0.0.1:1\n      suites: [stable]\n  packages: [hello]\narchs: [amd64, arm64]\n',
      );
      const r = await pareInProcess(['build', file, '--tarball', join(dir, 'x.tar'), '--cache-dir', join(dir, 'c')]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /error\[USAGE\]: --tarball writes one platform, but .*multi\.yaml builds amd64, arm64/);
      assert.match(r.stderr, /hint: use -o DIR/);
      assert.equal(existsSync(join(dir, 'x.tar')), false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
