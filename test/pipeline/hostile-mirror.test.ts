/**
 * A mirror (or the network path to it) that holds no signing key: every
 * attack it can mount against a build with a signed fixture repository on
 * 127.0.0.1 ends in a specific error code, exit 1 (never 70), and no output.
 * Suite substitution, rollback, cache poisoning, unbounded bodies, and
 * signatures shaped to exhaust the stack, the heap or the CPU.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasCode } from '../../src/errors.js';
import { BlobCache, fetchBlob, nodeHttp, silentProgress, type Http } from '../../src/fetch/index.js';
import { parseKeyring } from '../../src/sources/debian/openpgp/index.js';
import { openSuite } from '../../src/sources/debian/repository.js';
import { pareInProcess } from '../helpers/cli.js';
import { clearsigned, nestedEmbedded, partialLengthSignature } from '../helpers/hostile-pgp.js';
import { startFixtureRepo, type FixtureRepo, type StreamedBody } from '../helpers/repo.js';

/** The documented cap on an InRelease (src/sources/debian/repository.ts MAX_INRELEASE_BYTES). */
const MAX_INRELEASE_BYTES = 32 << 20;

const hello = (version: string) => ({
  name: 'hello',
  version,
  files: [{ path: './usr/bin/hello', data: `hello ${version}`, mode: 0o755 }],
});

/** `first`, then filler up to `total` bytes, in 64 KiB chunks made as the client reads them. */
function chunks(total: number, first: Uint8Array = Buffer.alloc(0)): StreamedBody {
  function* gen() {
    yield first;
    for (let sent = first.length; sent < total; sent += 65536) yield Buffer.alloc(Math.min(65536, total - sent), 0x41);
  }
  return { chunks: gen() };
}

describe('a hostile mirror without a signing key', { timeout: 300_000 }, () => {
  let repo: FixtureRepo;
  let work: string;
  let n = 0;

  before(async () => {
    repo = await startFixtureRepo({
      suites: { stable: [hello('1.0-1')], 'stable-security': [hello('1.0-2')] },
      date: new Date('2025-06-01T00:00:00Z'),
    });
    work = await mkdtemp(join(tmpdir(), 'pare-mirror-'));
  });
  after(async () => {
    await repo.close();
    await rm(work, { recursive: true, force: true });
  });

  async function config(url = repo.url, suites = ['stable', 'stable-security']): Promise<string> {
    const file = join(work, `pare-${++n}.yaml`);
    await writeFile(
      file,
      `contents:\n  repositories:\n    - url: ${url}\n      suites: [${suites.join(', ')}]\n  keyring: [${repo.keyringFile}]\n  packages: [hello]\nentrypoint:\n  command: /usr/bin/hello\n`,
    );
    return file;
  }

  async function run(args: string[], cache = join(work, `cache-${++n}`)) {
    const out = join(work, `out-${++n}`);
    const cmd = args[0] === 'lock' ? args : [...args, '-o', out];
    const r = await pareInProcess([...cmd, '--cache-dir', cache]);
    return { ...r, out };
  }

  async function expectFailure(args: string[], code: string, cache?: string, pattern?: RegExp): Promise<string> {
    const r = await run(args, cache);
    assert.equal(r.code, 1, `exit ${r.code}, want 1 (never 70):\n${r.stderr}`);
    assert.match(r.stderr, new RegExp(`error\\[${code}\\]`), r.stderr);
    assert.match(r.stderr, /hint: /);
    if (pattern) assert.match(r.stderr, pattern);
    assert.equal(existsSync(r.out), false, 'no output left behind');
    return r.stderr;
  }

  async function serveInRelease(text: string | Buffer, fn: () => Promise<void>): Promise<void> {
    repo.override('dists/stable/InRelease', () => Buffer.from(text));
    try {
      await fn();
    } finally {
      repo.override('dists/stable/InRelease', (b) => b);
    }
  }

  it("refuses another suite's InRelease served at the requested suite's URL (RELEASE_SUITE_MISMATCH)", async () => {
    // A mirror that serves stable's whole tree, validly signed, as stable-security.
    const mirror = await startFixtureRepo({
      suites: { stable: [hello('1.0-1')], 'stable-security': [hello('1.0-2')] },
      key: repo.key,
    });
    try {
      await rm(join(mirror.dir, 'dists/stable-security'), { recursive: true });
      await cp(join(mirror.dir, 'dists/stable'), join(mirror.dir, 'dists/stable-security'), { recursive: true });
      const stderr = await expectFailure(['build', await config(mirror.url)], 'RELEASE_SUITE_MISMATCH');
      assert.match(stderr, /"stable-security"/);
      assert.match(stderr, /Suite "stable"/);
    } finally {
      await mirror.close();
    }
  });

  it('refuses a signed Release older than the cache or the lock has seen (RELEASE_ROLLBACK); --allow-rollback accepts it', async () => {
    // The same URL first serves 2025's suite (hello 1.0-1), then 2024's (hello 0.9-1), both validly signed.
    const mirror = await startFixtureRepo({
      suites: { stable: [hello('1.0-1')] },
      key: repo.key,
      date: new Date('2025-06-01T00:00:00Z'),
    });
    const old = await startFixtureRepo({
      suites: { stable: [hello('0.9-1')] },
      key: repo.key,
      date: new Date('2024-01-01T00:00:00Z'),
    });
    try {
      const file = await config(mirror.url, ['stable']);
      const cache = join(work, 'rollback-cache');
      const first = await run(['build', file], cache);
      assert.equal(first.code, 0, first.stderr);
      const lockFile = join(work, 'rollback.lock.json');
      const lock = await run(['lock', file, '-o', lockFile]);
      assert.equal(lock.code, 0, lock.stderr);

      await rm(join(mirror.dir, 'dists'), { recursive: true });
      await cp(join(old.dir, 'dists'), join(mirror.dir, 'dists'), { recursive: true });
      await cp(join(old.dir, 'pool'), join(mirror.dir, 'pool'), { recursive: true });

      const stderr = await expectFailure(['build', file], 'RELEASE_ROLLBACK', cache, /--allow-rollback/);
      assert.match(stderr, /2024-01-01T00:00:00\.000Z/);
      assert.match(stderr, /2025-06-01T00:00:00\.000Z/);
      // A fresh cache does not help when a lock recorded the newer Release.
      const relock = await run(['lock', file, '-o', lockFile]);
      assert.equal(relock.code, 1, relock.stderr);
      assert.match(relock.stderr, /error\[RELEASE_ROLLBACK\].*the lock file/s);
      assert.match(await readFile(lockFile, 'utf8'), /2025-06-01/, 'the lock is left as it was');

      const snapshot = await run(['build', file, '--allow-rollback'], cache);
      assert.equal(snapshot.code, 0, snapshot.stderr);
      const again = await run(['lock', file, '-o', lockFile, '--allow-rollback']);
      assert.equal(again.code, 0, again.stderr);
      assert.match(await readFile(lockFile, 'utf8'), /"version": "0\.9-1"/);
    } finally {
      await mirror.close();
      await old.close();
    }
  });

  it('keeps the verified InRelease in the cache when a bad one arrives, so --offline still builds', async () => {
    const file = await config(repo.url, ['stable']);
    const cache = join(work, 'poison-cache');
    const good = await run(['build', file], cache);
    assert.equal(good.code, 0, good.stderr);
    repo.override('dists/stable/InRelease', (b) =>
      Buffer.from(b.toString().replace('Origin: pare-fixture', 'Origin: pare-fixturf')),
    );
    try {
      await expectFailure(['build', file], 'SIG_BAD', cache);
    } finally {
      repo.override('dists/stable/InRelease', (b) => b);
    }
    const offline = await run(['build', file, '--offline'], cache);
    assert.equal(offline.code, 0, offline.stderr);
    assert.equal(offline.stdout, good.stdout);
  });

  it('aborts an InRelease past 32 MiB and a .deb past its signed size while they download', async () => {
    const file = await config(repo.url, ['stable']);
    repo.override('dists/stable/InRelease', () => chunks(MAX_INRELEASE_BYTES + (16 << 20)));
    let received = 0;
    const counting: Http = { get: (url, o) => nodeHttp.get(url, { ...o, onData: (k) => (received += k) }) };
    try {
      await expectFailure(['build', file], 'FETCH_TOO_LARGE', undefined, /InRelease/);
      const keyring = parseKeyring(repo.key.keyring);
      const req = { url: repo.url, suite: 'stable', components: ['main'], arch: 'amd64', keyring };
      await assert.rejects(openSuite(req, { cache: new BlobCache(join(work, 'big-inrelease')), http: counting }), (e) =>
        hasCode(e, 'FETCH_TOO_LARGE'),
      );
      assert.ok(received <= MAX_INRELEASE_BYTES + (1 << 20), `read ${received} bytes of an oversized InRelease`);
    } finally {
      repo.override('dists/stable/InRelease', (b) => b);
    }

    const deb = 'pool/main/h/hello/hello_1.0-1_amd64.deb';
    const body = await readFile(join(repo.dir, deb));
    repo.override(deb, (b) => chunks(b.length + (32 << 20), b));
    try {
      await expectFailure(['build', file], 'SIZE_MISMATCH', undefined, /hello_1\.0-1_amd64\.deb/);
      received = 0;
      const progress = { ...silentProgress, bytes: (k: number) => (received += k) };
      const sha256 = (await import('node:crypto')).createHash('sha256').update(body).digest('hex');
      await assert.rejects(
        fetchBlob(
          { url: `${repo.url}/${deb}`, sha256, size: body.length, label: 'hello.deb' },
          { cache: new BlobCache(join(work, 'big-deb')), progress },
        ),
        (e) => hasCode(e, 'SIZE_MISMATCH'),
      );
      assert.ok(received <= body.length + (1 << 20), `read ${received} bytes of a ${body.length}-byte .deb`);
    } finally {
      repo.override(deb, (b) => b);
    }
  });

  it('rejects embedded signatures nested thousands deep with a coded error, not a stack overflow', async () => {
    const release = await readFile(join(repo.dir, 'dists/stable/Release'), 'utf8');
    const { packet, depth } = nestedEmbedded();
    assert.ok(depth > 3000, `nesting depth ${depth}`);
    await serveInRelease(clearsigned(release, packet), async () => {
      await expectFailure(['build', await config(repo.url, ['stable'])], 'SIG_NO_KEY');
    });
  });

  it('rejects a signature packet in one-byte partial lengths (SIG_MALFORMED), without amplifying it in memory', async () => {
    const release = await readFile(join(repo.dir, 'dists/stable/Release'), 'utf8');
    await serveInRelease(clearsigned(release, partialLengthSignature(60_000)), async () => {
      await expectFailure(
        ['build', await config(repo.url, ['stable'])],
        'SIG_MALFORMED',
        undefined,
        /partial body length/,
      );
    });
  });

  it('rejects an overlong "Hash:" header line (SIG_MALFORMED) instead of backtracking over it', async () => {
    const inRelease = await readFile(join(repo.dir, 'dists/stable/InRelease'), 'utf8');
    const hostile = inRelease.replace('Hash: SHA256\n', `Hash: SHA256${' '.repeat(64 << 10)}x\n`);
    assert.notEqual(hostile, inRelease);
    await serveInRelease(hostile, async () => {
      await expectFailure(['build', await config(repo.url, ['stable'])], 'SIG_MALFORMED', undefined, /header line/);
    });
  });
});
