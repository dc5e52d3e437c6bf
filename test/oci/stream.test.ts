/**
 * Streaming layers give the same bytes as the in-memory ones: gzipStream over
 * chunks of any size equals the block scheme computed whole (zero-block reuse
 * included), layerTarStream with file bodies equals layerTar with the same
 * contents inline, and the tar reader hands out large entries as ranges.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import zlib from 'node:zlib';
import { gzipHeader, gzipStream } from '../../src/oci/gzip.js';
import { layerInputDigest, layerTar, layerTarStream } from '../../src/oci/layer.js';
import { bytesSource, iterTarSource } from '../../src/tree/tar-read.js';
import type { FileBody, TreeEntry } from '../../src/tree/types.js';

const BLOCK = 1 << 20;

/** The gzip scheme computed whole, block by block, without any shortcut: the reference. */
function reference(input: Buffer, level = 6): Buffer {
  const out: Buffer[] = [gzipHeader(level)];
  const starts: number[] = [];
  for (let o = 0; o < input.length || starts.length === 0; o += BLOCK) starts.push(o);
  starts.forEach((start, i) => {
    const last = i === starts.length - 1;
    const o: zlib.ZlibOptions = { level, finishFlush: last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH };
    if (start > 0) o.dictionary = input.subarray(Math.max(0, start - 32 * 1024), start);
    out.push(zlib.deflateRawSync(input.subarray(start, start + BLOCK), o));
  });
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(zlib.crc32(input) >>> 0, 0);
  trailer.writeUInt32LE(input.length % 2 ** 32, 4);
  out.push(trailer);
  return Buffer.concat(out);
}

function* chunked(b: Buffer, seed: number): Generator<Buffer> {
  let o = 0;
  let s = seed;
  while (o < b.length) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const n = 1 + (s % (BLOCK / 3));
    yield b.subarray(o, o + n);
    o += n;
  }
}

async function streamed(input: Buffer, seed: number): Promise<Buffer> {
  const out: Buffer[] = [];
  await gzipStream(chunked(input, seed), {}, (c) => void out.push(c));
  return Buffer.concat(out);
}

describe('gzipStream', () => {
  it('equals the whole-input block scheme for any chunking, zero runs and exact block multiples included', async () => {
    const text = Buffer.alloc(3 * BLOCK + 999);
    for (let i = 0; i < text.length; i++) text[i] = (i * 7 + (i >> 9)) & 0xff;
    const sparse = Buffer.concat([
      Buffer.from('head'),
      Buffer.alloc(5 * BLOCK),
      Buffer.from('tail'),
      Buffer.alloc(BLOCK),
    ]);
    for (const [name, input] of Object.entries({
      empty: Buffer.alloc(0),
      exact: Buffer.alloc(2 * BLOCK, 'x'),
      text,
      sparse,
      zeros: Buffer.alloc(4 * BLOCK),
    })) {
      const want = reference(input);
      assert.deepEqual(await streamed(input, 1), want, `${name}, chunking 1`);
      assert.deepEqual(await streamed(input, 2), want, `${name}, chunking 2`);
      assert.deepEqual(zlib.gunzipSync(want), input);
    }
  });
});

function body(data: Buffer, id: string): FileBody {
  return {
    size: data.length,
    id,
    async *open() {
      yield* chunked(data, 3);
    },
    read: () => data,
  };
}

describe('layerTarStream', () => {
  const big = Buffer.alloc(200_000, 'b');
  const entries = (asBody: boolean, id = 'x:1'): TreeEntry[] => [
    { path: 'opt', type: 'dir', mode: 0o755, uid: 0, gid: 0 },
    { path: 'opt/a', type: 'file', mode: 0o644, uid: 0, gid: 0, data: Buffer.from('small') },
    asBody
      ? { path: 'opt/big', type: 'file', mode: 0o644, uid: 0, gid: 0, body: body(big, id) }
      : { path: 'opt/big', type: 'file', mode: 0o644, uid: 0, gid: 0, data: big },
    { path: 'opt/link', type: 'hardlink', mode: 0o644, uid: 0, gid: 0, target: 'opt/big' },
  ];

  it('writes a body exactly as the same content inline', async () => {
    const chunks: Uint8Array[] = [];
    for await (const c of layerTarStream(entries(true), 1_700_000_000)) chunks.push(c);
    const { tar } = layerTar(entries(false), 1_700_000_000);
    assert.deepEqual(Buffer.concat(chunks), tar);
  });

  it('fails when a body yields fewer bytes than it declared', async () => {
    const short = entries(true);
    short[2]!.body = { ...body(big.subarray(1), 'x:1'), size: big.length };
    await assert.rejects(async () => {
      for await (const _ of layerTarStream(short, 0));
    }, /changed while writing the layer/);
  });

  it('keys the inputs: a body id, a mode or the time changes the digest', () => {
    const d = layerInputDigest(entries(true), 5);
    assert.equal(layerInputDigest(entries(true), 5), d);
    assert.notEqual(layerInputDigest(entries(true, 'x:2'), 5), d);
    assert.notEqual(layerInputDigest(entries(true), 5, 'gzip-1'), d);
    const m = entries(true);
    m[1]!.mode = 0o600;
    assert.notEqual(layerInputDigest(m, 5), d);
  });
});

describe('iterTarSource', () => {
  it('hands out files above inlineMax as ranges of the source', () => {
    const { tar } = layerTar(
      [
        { path: 'a', type: 'file', mode: 0o644, uid: 0, gid: 0, data: Buffer.from('tiny') },
        { path: 'b', type: 'file', mode: 0o644, uid: 0, gid: 0, data: Buffer.alloc(5000, 'q') },
      ],
      0,
    );
    const [a, b] = [...iterTarSource(bytesSource(tar), 't.tar', { inlineMax: 1024 })];
    assert.equal(Buffer.from(a!.data).toString(), 'tiny');
    assert.equal(a!.ref, undefined);
    assert.equal(b!.data.length, 0);
    assert.deepEqual(Buffer.from(tar.subarray(b!.ref!.offset, b!.ref!.offset + b!.ref!.size)), Buffer.alloc(5000, 'q'));
  });
});
