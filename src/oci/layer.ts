/**
 * Layers: a TreeEntry list becomes a deterministic tar, then a deterministic
 * gzip blob, with both digests computed while producing. Pure: no I/O of its
 * own (file bodies outside memory bring their own reads); layerTarStream and
 * gzipStream keep memory bounded whatever the layer's size.
 *
 * Determinism rules (the tests pin them):
 * - entries sorted bytewise by path (UTF-8), so a directory precedes its
 *   children; duplicate paths are an error;
 * - every mtime clamped to opts.mtime; numeric uid/gid, no names;
 * - hard links always point backwards: the first path of a link group (in
 *   sort order) carries the data and the others link to it;
 * - gzip via gzip.ts (fixed header, fixed block size).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { ArchiveError, TreeError } from '../errors.js';
import type { TreeEntry } from '../tree/types.js';
import { gzipStream } from './gzip.js';
import { MEDIA } from './media.js';
import { encodeEntry, padding, TAR_END } from './tar.js';

/** A layer blob, in the go-containerregistry shape: re-openable, digests known. */
export interface Layer {
  /** sha256 of the blob as stored (compressed). */
  digest: string;
  /** sha256 of the uncompressed tar (what the config's rootfs.diff_ids lists). */
  diffId: string;
  /** Blob size in bytes. */
  size: number;
  mediaType: string;
  /** A fresh stream of the blob bytes on every call. */
  open(): Promise<NodeJS.ReadableStream | Readable>;
  /** A local file holding exactly the blob's bytes, verified (a cache blob): a layout may hard-link it. */
  file?: string;
}

export interface BuildLayerOptions {
  /** The image's fixed time, seconds since the epoch; later mtimes are clamped to it. */
  mtime: number;
  /** Default 'gzip'. 'none' stores the tar as is. */
  compression?: 'gzip' | 'none';
  /** gzip level 0-9, default 6. */
  level?: number;
}

export type BuiltLayer = Layer & { bytes: Buffer };

/** A layer over bytes already in memory. */
export function layerFromBytes(bytes: Buffer, meta: { digest: string; diffId: string; mediaType: string }): BuiltLayer {
  return {
    ...meta,
    size: bytes.length,
    bytes,
    open: () => Promise.resolve(Readable.from([bytes], { objectMode: false })),
  };
}

function clampedTime(e: TreeEntry, clampTo: number): number {
  const t = e.mtime === undefined || !Number.isFinite(e.mtime) ? clampTo : Math.min(Math.floor(e.mtime), clampTo);
  return Math.max(0, t);
}

/** The deterministic tar of `entries` (all content in memory) and its sha256 (the diffId). */
export function layerTar(entries: readonly TreeEntry[], mtime: number): { tar: Buffer; diffId: string } {
  const clampTo = Math.max(0, Math.floor(mtime));
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  for (const e of normalizeEntries(entries)) {
    if (e.type === 'file' && !e.data && e.body) throw new Error(`internal: ${e.path} is streamed; use layerTarStream`);
    for (const c of encodeEntry(e, clampedTime(e, clampTo))) {
      hash.update(c);
      chunks.push(c);
    }
  }
  hash.update(TAR_END);
  chunks.push(TAR_END);
  return { tar: Buffer.concat(chunks), diffId: `sha256:${hash.digest('hex')}` };
}

/**
 * The same tar as layerTar as a stream of chunks: file bodies outside memory
 * are read while writing, so memory does not grow with the layer. A body that
 * yields more or fewer bytes than it declared is an error (the tar would be
 * corrupt).
 */
export async function* layerTarStream(entries: readonly TreeEntry[], mtime: number): AsyncGenerator<Uint8Array> {
  const clampTo = Math.max(0, Math.floor(mtime));
  for (const e of normalizeEntries(entries)) {
    yield* encodeEntry(e, clampedTime(e, clampTo));
    if (e.type !== 'file' || e.data || !e.body) continue;
    let n = 0;
    for await (const c of e.body.open()) {
      n += c.length;
      if (n > e.body.size) break;
      yield c;
    }
    if (n !== e.body.size) {
      throw new ArchiveError(
        'ARCHIVE_FORMAT',
        `${e.path}: its content changed while writing the layer (${n} bytes read, ${e.body.size} expected)`,
        {
          hint: 'the cache was modified during the build; run the build again',
        },
      );
    }
    yield padding(e.body.size);
  }
  yield TAR_END;
}

/**
 * The digest of everything layerTarStream(entries, mtime) is made of, without
 * reading a body: every header as encoded, inline content, and each body by
 * its id and size. Equal digests mean equal tars when body ids name their
 * bytes (content-addressed sources): a memo key for a finished layer.
 */
export function layerInputDigest(entries: readonly TreeEntry[], mtime: number, salt = ''): string {
  const clampTo = Math.max(0, Math.floor(mtime));
  const hash = createHash('sha256').update(`pare-layer-inputs-v1\0${salt}\0`);
  for (const e of normalizeEntries(entries)) {
    for (const c of encodeEntry(e, clampedTime(e, clampTo))) hash.update(c);
    if (e.type === 'file' && !e.data && e.body) hash.update(`\0body\0${e.body.id}\0${e.body.size}\0`);
  }
  return hash.digest('hex');
}

/** Hash (and count) a stream as it passes through. */
export async function* tapped(
  src: AsyncIterable<Uint8Array>,
  hash: ReturnType<typeof createHash>,
): AsyncGenerator<Uint8Array> {
  for await (const c of src) {
    hash.update(c);
    yield c;
  }
}

export async function buildLayer(entries: readonly TreeEntry[], opts: BuildLayerOptions): Promise<BuiltLayer> {
  const tarHash = createHash('sha256');
  const tar = tapped(layerTarStream(entries, opts.mtime), tarHash);
  if (opts.compression === 'none') {
    const chunks: Uint8Array[] = [];
    for await (const c of tar) chunks.push(c);
    const diffId = `sha256:${tarHash.digest('hex')}`;
    return layerFromBytes(Buffer.concat(chunks), { digest: diffId, diffId, mediaType: MEDIA.layerTar });
  }
  const hash = createHash('sha256');
  const out: Buffer[] = [];
  await gzipStream(tar, { level: opts.level }, (c) => {
    hash.update(c);
    out.push(c);
  });
  const diffId = `sha256:${tarHash.digest('hex')}`;
  return layerFromBytes(Buffer.concat(out), {
    digest: `sha256:${hash.digest('hex')}`,
    diffId,
    mediaType: MEDIA.layerGzip,
  });
}

/** Bytewise (UTF-8) path order; a prefix sorts first, so "a" < "a-b" < "a/b". */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Sort entries and rewrite hard-link groups so every link points to an
 * earlier entry. Does not mutate its input.
 */
export function normalizeEntries(entries: readonly TreeEntry[]): TreeEntry[] {
  const keyed = entries.map((e) => ({ e, k: Buffer.from(e.path, 'utf8') }));
  keyed.sort((x, y) => Buffer.compare(x.k, y.k));
  const sorted = keyed.map((x) => x.e);
  const byPath = new Map<string, number>();
  sorted.forEach((e, i) => {
    if (byPath.has(e.path)) {
      throw new TreeError('FILE_CONFLICT', `the layer lists ${e.path} twice`, {
        hint: 'resolve conflicts in the tree before layering',
        detail: { path: e.path, owners: [sorted[byPath.get(e.path)!]!.owner, e.owner] },
      });
    }
    byPath.set(e.path, i);
  });

  // Group hard links by the regular file they finally resolve to.
  const groups = new Map<number, number[]>();
  sorted.forEach((e, i) => {
    if (e.type !== 'hardlink' || e.target === undefined) return;
    const fileIdx = resolveLink(sorted, byPath, e.target);
    if (fileIdx === undefined) return; // target in a lower layer: leave as is
    const g = groups.get(fileIdx) ?? [fileIdx];
    g.push(i);
    groups.set(fileIdx, g);
  });
  if (groups.size === 0) return sorted;

  const out = sorted.slice();
  for (const [fileIdx, members] of groups) {
    members.sort((a, b) => a - b);
    const file = sorted[fileIdx];
    const leader = members[0];
    const leaderPath = sorted[leader!]!.path;
    for (const i of members) {
      const self = sorted[i]!;
      out[i] =
        i === leader
          ? { ...file!, path: self.path, owner: self.owner ?? file!.owner }
          : {
              path: self.path,
              type: 'hardlink',
              mode: file!.mode,
              uid: file!.uid,
              gid: file!.gid,
              target: leaderPath,
              mtime: self.mtime,
              owner: self.owner,
            };
    }
  }
  return out;
}

function resolveLink(sorted: TreeEntry[], byPath: Map<string, number>, target: string): number | undefined {
  const seen = new Set<string>();
  let t: string | undefined = target.replace(/^\/+/, '');
  while (t !== undefined && !seen.has(t)) {
    seen.add(t);
    const i = byPath.get(t);
    if (i === undefined) return undefined;
    const e = sorted[i];
    if (e!.type === 'file') return i;
    if (e!.type !== 'hardlink') return undefined;
    t = e!.target?.replace(/^\/+/, '');
  }
  return undefined;
}
