/**
 * `pare trace` for real: a program built here with gcc (dynamically linked to
 * this host's glibc, packaged in a signed fixture repository) runs under runc
 * as 65532 while strace follows it and a child it forks; the trace file lists
 * exactly the image paths they used, is deterministic and merges with
 * --append; a server is traced until a host probe returns; and the image
 * minimized by the trace alone runs and has lost the unused files.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { StraceReader } from '../../src/trace/strace.js';
import { pareInProcess } from '../helpers/cli.js';
import { startFixtureRepo, type FixtureRepo } from '../helpers/repo.js';
import { runImage } from '../helpers/runc.js';
import { tempDirs } from '../helpers/tmp.js';
import { requireTool, run } from '../helpers/tools.js';

const tempDir = tempDirs('pare-trace-');
const LIBC = '/lib/x86_64-linux-gnu/libc.so.6';
const LOADER = '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2';
const PORT = 20000 + (process.pid % 20000);

const SOURCE = String.raw`
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
static void cat(const char *p) { char b[256]; FILE *f = fopen(p, "r"); if (!f) { printf("no %s\n", p); return; }
  size_t n = fread(b, 1, sizeof b - 1, f); b[n] = 0; fputs(b, stdout); fclose(f); }
int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "serve") == 0) {
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(${PORT}), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 4)) { perror("listen"); return 2; }
    for (;;) { int c = accept(s, 0, 0); char buf[512]; read(c, buf, sizeof buf);
      FILE *f = fopen("/usr/share/foo/served", "r"); char b[64] = {0}; if (f) { fread(b, 1, 63, f); fclose(f); }
      dprintf(c, "HTTP/1.0 200 OK\r\nContent-Length: %zu\r\n\r\n%s", strlen(b), b); close(c); }
  }
  cat("/usr/share/foo/data");
  fflush(stdout);
  pid_t p = fork();
  if (p == 0) { struct stat st; chdir("/usr/share"); printf("child sees %d\n", stat("foo/child-only", &st) == 0); fflush(stdout); _exit(0); }
  waitpid(p, 0, 0);
  return 0;
}
`;

const copyright = (name: string) => ({ path: `./usr/share/doc/${name}/copyright`, data: `${name}: MIT\n` });

describe('pare trace', { timeout: 300_000 }, () => {
  let repo: FixtureRepo;
  let work: string;
  let config: string;

  before(async () => {
    requireTool('strace');
    requireTool('runc');
    work = await tempDir();
    await writeFile(join(work, 'prog.c'), SOURCE);
    await run('gcc', ['-O2', '-o', join(work, 'prog'), join(work, 'prog.c')]);
    repo = await startFixtureRepo({
      suites: {
        stable: [
          {
            name: 'libc6',
            version: '2.36-9',
            files: [
              { path: './usr/lib/x86_64-linux-gnu/libc.so.6', data: readFileSync(LIBC), mode: 0o755 },
              { path: './usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', data: readFileSync(LOADER), mode: 0o755 },
              {
                path: './lib64/ld-linux-x86-64.so.2',
                type: 'symlink',
                target: '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
              },
              { path: './usr/share/i18n/unused', data: 'unused' },
              copyright('libc6'),
            ],
          },
          {
            name: 'prog',
            version: '1',
            depends: 'libc6',
            files: [
              { path: './usr/bin/prog', data: readFileSync(join(work, 'prog')), mode: 0o755 },
              { path: './usr/share/foo/data', data: 'data file\n' },
              { path: './usr/share/foo/child-only', data: 'child\n' },
              { path: './usr/share/foo/served', data: 'served\n' },
              { path: './usr/share/foo/unused', data: 'never read\n' },
              { path: './usr/share/foo/current', type: 'symlink', target: 'data' },
              copyright('prog'),
            ],
          },
        ],
      },
    });
    config = join(work, 'pare.yaml');
    await writeFile(
      config,
      `contents:\n  repositories:\n    - url: ${repo.url}\n      suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: [prog]\nentrypoint:\n  command: /usr/bin/prog\n`,
    );
  });
  after(async () => {
    await repo?.close();
  });

  const trace = (args: string[]) => pareInProcess(['trace', config, '--cache-dir', join(work, 'cache'), ...args]);

  it('records what the program and its forked child used, as 65532, deterministically', async () => {
    const out = join(work, 'a.trace');
    const r = await trace(['-o', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /data file\nchild sees 1\n/, 'the program ran and its output went to stderr');
    const paths = (await readFile(out, 'utf8')).split('\n');
    assert.equal(paths[0], '# pare trace v1');
    for (const p of [
      '/usr/bin/prog',
      '/usr/share/foo/data',
      '/usr/share/foo/child-only',
      '/usr/lib/x86_64-linux-gnu/libc.so.6',
    ])
      assert.ok(paths.includes(p), `${p} in the trace:\n${paths.join('\n')}`);
    for (const p of ['/usr/share/foo/unused', '/usr/share/foo/served', '/proc/self/maps'])
      assert.ok(!paths.includes(p), `${p} not in the trace`);
    assert.deepEqual([...paths.slice(1, -1)].sort(), paths.slice(1, -1), 'sorted');
    const again = join(work, 'b.trace');
    assert.equal((await trace(['-o', again])).code, 0);
    assert.equal(await readFile(again, 'utf8'), await readFile(out, 'utf8'), 'the same run gives the same file');
  });

  it('--append merges runs; a command given after -- replaces the entrypoint', async () => {
    const out = join(work, 'merged.trace');
    assert.equal((await trace(['-o', out])).code, 0);
    const r = await trace(['-o', out, '--append', '--', '/usr/bin/prog', 'extra']);
    assert.equal(r.code, 0, r.stderr);
    const single = (await readFile(join(work, 'a.trace'), 'utf8')).split('\n');
    const merged = (await readFile(out, 'utf8')).split('\n');
    for (const p of single) assert.ok(merged.includes(p), p);
  });

  it('a server is traced until the probe returns; a failing command writes no trace', async () => {
    const out = join(work, 'served.trace');
    const probe = `curl -sf --retry 30 --retry-connrefused --retry-delay 1 http://127.0.0.1:${PORT}/`;
    const r = await trace(['-o', out, '--probe', probe, '--timeout', '120', '--', '/usr/bin/prog', 'serve']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /served/);
    assert.ok((await readFile(out, 'utf8')).split('\n').includes('/usr/share/foo/served'));
    const bad = join(work, 'bad.trace');
    const f = await trace(['-o', bad, '--', '/usr/bin/missing']);
    assert.equal(f.code, 1);
    assert.match(f.stderr, /TRACE_FAILED/);
    assert.ok(!existsSync(bad));
  });

  it('the image minimized by the trace runs and lost what was never used', async () => {
    const min = join(work, 'min.yaml');
    await writeFile(min, `${await readFile(config, 'utf8')}minimize:\n  keep: [a.trace]\n`);
    const out = join(work, 'min-out');
    const b = await pareInProcess(['build', min, '-o', out, '--cache-dir', join(work, 'cache')]);
    assert.equal(b.code, 0, b.stderr);
    const r = await runImage(out, { tag: 'latest', user: '65532' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'data file\nchild sees 1\n');
    // prog, data, child-only and the copyright stay; served, unused and the unused symlink go
    assert.match(b.stderr, /prog: partial, kept 4 of 7 files/);
    assert.match(b.stderr, /libc6: partial, kept 4 of 5 files/);
  });

  it('StraceReader: follows forks from the exec on, resolves *at() against fds and chdir, skips runc', () => {
    const r = new StraceReader({ rootfs: '/b/rootfs', cwd: '/app' });
    for (const l of [
      '10 execve("/usr/sbin/runc", ["runc", "run"], 0x1 /* 3 vars */) = 0',
      '10 openat(AT_FDCWD, "/etc/runc-host-only", O_RDONLY) = 3</etc/runc-host-only>',
      '11 execve("/usr/bin/prog", ["/usr/bin/prog"], 0x1 /* 3 vars */ <unfinished ...>',
      '11 <... execve resumed>)              = 0',
      '11 openat(AT_FDCWD, "rel.txt", O_RDONLY) = -1 ENOENT (No such file or directory)',
      '11 openat(3</b/rootfs/usr/lib>, "x.so", O_RDONLY|O_CLOEXEC <unfinished ...>',
      '11 <... openat resumed>) = 4</b/rootfs/usr/lib/x.so.1>',
      '12 chdir("/srv") = 0', // the child's first lines can come before its parent's clone() returns
      "11 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD) = 7 /* 12 in strace's PID NS */",
      '12 newfstatat(AT_FDCWD, "a\\"b", {st_mode=S_IFREG|0644}, 0) = 0',
      '12 openat(AT_FDCWD</etc>, "hosts", O_RDONLY) = 3</etc/hosts>',
      '13 openat(AT_FDCWD, "/not/traced", O_RDONLY) = 3',
    ])
      r.line(l);
    assert.deepEqual(r.paths().sort(), [
      '/app/rel.txt',
      '/etc/hosts',
      '/srv/a"b',
      '/usr/bin/prog',
      '/usr/lib/x.so',
      '/usr/lib/x.so.1',
    ]);
  });
});
