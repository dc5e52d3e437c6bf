import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { hasCode } from '../../src/errors.js';
import { compressionFromName, decompress } from '../../src/util/decompress.js';

// Compressible but not trivial: repeated text with random islands.
const input = Buffer.concat(
  Array.from({ length: 200 }, (_, i) => Buffer.concat([Buffer.from(`line ${i} of the input\n`), randomBytes(i % 7)])),
);

function cli(cmd: string, args: string[], data: Buffer): Buffer {
  const r = spawnSync(cmd, args, { input: data });
  assert.equal(r.status, 0, `${cmd} failed: ${r.stderr}`);
  return r.stdout;
}

describe('decompress', () => {
  it('names the compression from a file name', () => {
    assert.equal(compressionFromName('Packages.gz'), 'gz');
    assert.equal(compressionFromName('data.tar.xz'), 'xz');
    assert.equal(compressionFromName('data.tar.zst'), 'zst');
    assert.equal(compressionFromName('data.tar'), 'none');
    assert.equal(compressionFromName('Packages'), 'none');
  });

  it('round-trips gzip, xz and zstd written by the real tools', async () => {
    for (const [kind, data] of [
      ['gz', gzipSync(input)],
      ['gz', cli('gzip', ['-c', '-n'], input)],
      ['xz', cli('xz', ['-c'], input)],
      ['zst', cli('zstd', ['-q', '-c'], input)],
    ] as const) {
      const out = await decompress(data, kind, `input.${kind}`);
      assert.deepEqual(Buffer.from(out), input, kind);
    }
  });

  it('handles zstd streams without a content size (as dpkg-deb writes them)', async () => {
    const r = spawnSync('sh', ['-c', 'cat | zstd -q -c --no-content-size'], { input });
    const out = await decompress(r.stdout, 'zst', 'stream.zst');
    assert.deepEqual(Buffer.from(out), input);
  });

  it('returns the input unchanged for none', async () => {
    const out = await decompress(input, 'none', 'x');
    assert.equal(out, input);
  });

  it('reports corrupt and truncated input as ARCHIVE_COMPRESSION naming the input', async () => {
    const gz = gzipSync(input);
    const xz = cli('xz', ['-c'], input);
    const zst = cli('zstd', ['-q', '-c'], input);
    const cases: Array<[Buffer, 'gz' | 'xz' | 'zst']> = [
      [gz.subarray(0, gz.length - 9), 'gz'],
      [Buffer.concat([gz.subarray(0, 20), Buffer.alloc(40, 0xff), gz.subarray(60)]), 'gz'],
      [xz.subarray(0, xz.length - 20), 'xz'],
      [Buffer.concat([xz.subarray(0, 30), Buffer.alloc(30, 0x55), xz.subarray(60)]), 'xz'],
      [zst.subarray(0, zst.length - 10), 'zst'],
      [Buffer.from('plain text, no magic'), 'xz'],
      [Buffer.from('plain text, no magic'), 'gz'],
      [Buffer.from('plain text, no magic'), 'zst'],
    ];
    for (const [data, kind] of cases) {
      await assert.rejects(decompress(data, kind, 'pkg.deb: data.tar'), (e: unknown) => {
        assert.ok(hasCode(e, 'ARCHIVE_COMPRESSION'), `${kind}: ${e}`);
        assert.match(e.message, /pkg\.deb: data\.tar/);
        return true;
      });
    }
  });
});
