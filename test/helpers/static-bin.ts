/**
 * Test helper: compile a tiny static C program (gcc -static -O2) into a temp
 * dir and return its bytes. Cached per process and per source. Installs gcc
 * and libc6-dev with apt-get if they are missing.
 *
 * The default program (PROBE_SOURCE) prints, one per line:
 *   uid=<uid> gid=<gid>
 *   cwd=<working directory>
 *   argv[i]=<arg>           for each argument
 * and treats some arguments specially:
 *   @PATH      print the contents of the file PATH (exit 3 if unreadable)
 *   $NAME      print NAME=<value of the environment variable> (or NAME unset)
 *   exit=N     exit with status N after printing
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from './tools.js';

export const PROBE_SOURCE = String.raw`
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
  int status = 0;
  char cwd[4096];
  printf("uid=%d gid=%d\n", (int)getuid(), (int)getgid());
  if (getcwd(cwd, sizeof cwd)) printf("cwd=%s\n", cwd);
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (i > 0 && a[0] == '@') {
      FILE *f = fopen(a + 1, "r");
      if (!f) { printf("cannot open %s\n", a + 1); status = 3; continue; }
      char buf[4096]; size_t n;
      while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stdout);
      fclose(f);
    } else if (i > 0 && a[0] == '$') {
      const char *v = getenv(a + 1);
      if (v) printf("%s=%s\n", a + 1, v); else printf("%s unset\n", a + 1);
    } else if (i > 0 && strncmp(a, "exit=", 5) == 0) {
      status = atoi(a + 5);
    } else {
      printf("argv[%d]=%s\n", i, a);
    }
  }
  fflush(stdout);
  return status;
}
`;

const cache = new Map<string, Promise<Buffer>>();

/** Compile `source` (default: the probe) statically; returns the ELF bytes. */
export function staticBinary(source: string = PROBE_SOURCE): Promise<Buffer> {
  const key = createHash('sha256').update(source).digest('hex');
  let p = cache.get(key);
  if (!p) {
    p = compile(source);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

async function ensureToolchain(): Promise<void> {
  const haveGcc = await run('gcc', ['--version']).then(
    () => true,
    () => false,
  );
  const libc = await run('gcc', ['-print-file-name=libc.a']).then(
    (r) => r.stdout.trim(),
    () => '',
  );
  if (haveGcc && libc !== '' && libc !== 'libc.a' && existsSync(libc)) return;
  await run('apt-get', ['install', '-y', '--no-install-recommends', 'gcc', 'libc6-dev'], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

async function compile(source: string): Promise<Buffer> {
  await ensureToolchain();
  const dir = await mkdtemp(path.join(tmpdir(), 'pare-static-'));
  const src = path.join(dir, 'prog.c');
  const out = path.join(dir, 'prog');
  try {
    await writeFile(src, source);
    await run('gcc', ['-static', '-O2', '-s', '-o', out, src]);
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
