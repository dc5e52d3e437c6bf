/**
 * End to end, ELF closure alone (no trace): a C program compiled here that
 * links Debian's libssl, libcrypto and libz is added to a Debian 12 image of
 * base-files, libc6, libssl3 and zlib1g from the real mirror, with `keep:`
 * naming only the program and `elf: true`. The minimized image runs it under
 * runc as 65532 with the same output as the unminimized image; the three
 * libraries, the C library and the loader are kept, files nobody loads are
 * gone; every md5sums line of both images verifies (slicing and
 * minimization keep the metadata true); without `elf` the program cannot start. The host must be Debian 12
 * (the program is linked against its libssl3/zlib1g headers and glibc).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pare } from '../helpers/cli.js';
import { runImage } from '../helpers/runc.js';
import { run } from '../helpers/tools.js';

const PROGRAM = `#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/crypto.h>
#include <zlib.h>

int main(void) {
  const char *msg = "pare keeps what the program loads";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!EVP_Digest(msg, strlen(msg), md, &n, EVP_sha256(), NULL)) return 2;
  printf("sha256 ");
  for (unsigned int i = 0; i < n; i++) printf("%02x", md[i]);
  printf("\\n");
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) return 3;
  printf("tls ctx ok, min proto %ld\\n", SSL_CTX_get_min_proto_version(ctx));
  SSL_CTX_free(ctx);
  unsigned char z[256], back[256];
  uLongf zn = sizeof z, bn = sizeof back;
  if (compress(z, &zn, (const Bytef *)msg, strlen(msg)) != Z_OK) return 4;
  if (uncompress(back, &bn, z, zn) != Z_OK || bn != strlen(msg) || memcmp(back, msg, bn)) return 5;
  printf("zlib %s round trip %lu -> %lu bytes\\n", zlibVersion(), (unsigned long)strlen(msg), (unsigned long)zn);
  printf("%s\\n", OpenSSL_version(OPENSSL_VERSION));
  return 0;
}
`;

const LIBS = 'usr/lib/x86_64-linux-gnu';
const ROOT_LIBS = 'lib/x86_64-linux-gnu'; // libc6 and zlib1g ship under /lib in Debian 12

/** Whether PATH is in the extracted image itself (an absolute symlink is not followed to the host). */
const inImage = (root: string, path: string): boolean =>
  lstatSync(join(root, path), { throwIfNoEntry: false }) !== undefined;

function config(minimize: string): string {
  return `contents:
  repositories:
    - suites: [bookworm, bookworm-updates]
      components: [main]
    - suites: [bookworm-security]
      components: [main]
  packages: [base-files, libc6, libssl3, zlib1g]
paths:
  - path: /usr/local/bin/prog
    type: file
    source: prog
    permissions: 0o755
archs: [amd64]
entrypoint:
  command: /usr/local/bin/prog
${minimize}`;
}

describe('e2e: ELF closure alone keeps a program linking libssl, libcrypto and libz', { timeout: 900_000 }, () => {
  let work: string;

  async function build(name: string, minimize: string): Promise<{ layout: string; digest: string }> {
    const file = join(work, `${name}.yaml`);
    await writeFile(file, config(minimize));
    const layout = join(work, name);
    const r = await pare(['build', file, '-o', layout], { timeoutMs: 600_000 });
    assert.equal(r.code, 0, r.stderr);
    return { layout, digest: r.stdout.trim() };
  }

  async function rootfs(layout: string): Promise<string> {
    const root = `${layout}-rootfs`;
    await mkdir(root, { recursive: true });
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const manifest = JSON.parse(
      await readFile(join(layout, 'blobs/sha256', index.manifests[0]!.digest.slice(7)), 'utf8'),
    ) as { layers: { digest: string }[] };
    for (const l of manifest.layers)
      execFileSync('tar', ['-xzf', join(layout, 'blobs/sha256', l.digest.slice(7)), '-C', root]);
    return root;
  }

  before(async () => {
    for (const h of ['/usr/include/openssl/ssl.h', '/usr/include/zlib.h'])
      assert.ok(existsSync(h), `${h} is missing: run scripts/install-test-tools.sh (libssl-dev, zlib1g-dev)`);
    work = await mkdtemp(join(tmpdir(), 'pare-e2e-elf-'));
    await writeFile(join(work, 'prog.c'), PROGRAM);
    await run('gcc', ['-O2', '-o', join(work, 'prog'), join(work, 'prog.c'), '-lssl', '-lcrypto', '-lz']);
  });
  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('runs as 65532 with the output of the full image; libraries kept, the rest gone; reproducible', async () => {
    const full = await build('full', '');
    const min = await build('min', 'minimize:\n  keep: [/usr/local/bin/prog]\n  elf: true\n');
    const a = await runImage(full.layout, { tag: 'latest', user: '65532' });
    const b = await runImage(min.layout, { tag: 'latest', user: '65532' });
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /^sha256 [0-9a-f]{64}\ntls ctx ok.*\nzlib 1\.2\.13 round trip.*\nOpenSSL 3\./);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.stdout, a.stdout);

    for (const layout of [full.layout, min.layout]) {
      const status = join(await rootfs(layout), 'var/lib/dpkg/status.d');
      for (const f of (await readdir(status)).filter((e) => e.endsWith('.md5sums')))
        execFileSync('md5sum', ['--check', '--quiet', '--strict', join(status, f)], {
          cwd: join(status, '../../../..'),
        });
    }

    const root = await rootfs(min.layout);
    for (const kept of [
      'usr/local/bin/prog',
      `${LIBS}/libssl.so.3`,
      `${LIBS}/libcrypto.so.3`,
      `${ROOT_LIBS}/libz.so.1`,
      `${ROOT_LIBS}/libz.so.1.2.13`,
      `${ROOT_LIBS}/libc.so.6`,
      `${ROOT_LIBS}/ld-linux-x86-64.so.2`,
      'lib64/ld-linux-x86-64.so.2',
      'usr/share/doc/libssl3/copyright',
      'usr/share/doc/zlib1g/copyright',
    ])
      assert.ok(inImage(root, kept), `${kept} is kept`);
    for (const gone of [
      `${LIBS}/engines-3`,
      `${LIBS}/ossl-modules`,
      `${ROOT_LIBS}/libresolv.so.2`,
      'usr/share/common-licenses',
    ])
      assert.ok(!inImage(root, gone), `${gone} is removed`);

    const again = await build('min-again', 'minimize:\n  keep: [/usr/local/bin/prog]\n  elf: true\n');
    assert.equal(again.digest, min.digest, 'two builds give one digest');
  });

  it('without elf the libraries go and the program cannot start', async () => {
    const img = await build('no-elf', 'minimize:\n  keep: [/usr/local/bin/prog]\n');
    const r = await runImage(img.layout, { tag: 'latest', user: '65532' });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr + r.stdout, /lib(ssl|crypto|z)\.so|No such file/);
  });
});
