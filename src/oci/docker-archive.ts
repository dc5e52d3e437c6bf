/**
 * Sink: a docker-archive tarball in the Docker 25+ layout, which is at once
 * what `docker load` / `podman load` / `skopeo copy docker-archive:` read
 * (manifest.json) and an OCI image layout (oci-layout, index.json,
 * blobs/sha256/...). Layers are stored as their gzip blobs, unchanged.
 *
 * Atomic: written to a temporary sibling file, renamed over the target. An
 * existing regular file is replaced; a directory (or anything else) at the
 * path is OUTPUT_EXISTS. Blobs are verified while they are written.
 */
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import { digestHex, verifyResult } from './digest.js';
import type { OciIndex } from './image-index.js';
import { asOutputError, checkTag, inspectTarget, moveIntoPlace } from './layout.js';
import { tempName } from '../util/atomic.js';
import { imageBlobs, imageDescriptor, type Blob, type Image } from './manifest.js';
import { ANNOTATION, MEDIA, OCI_LAYOUT_VERSION } from './media.js';
import { encodeHeader, padding, TAR_END } from './tar.js';

export interface DockerArchiveOptions {
  /** "name:tag" (":latest" is added when no tag is given), for RepoTags. */
  tag: string;
}

export async function writeDockerArchive(
  file: string,
  image: Image,
  opts: DockerArchiveOptions,
): Promise<{ digest: string }> {
  const repoTag = normalizeRepoTag(opts.tag);
  const target = path.resolve(file);
  const state = await inspectTarget(target, 'file');
  const tmp = tempName(target);
  let handle: FileHandle | undefined;
  try {
    await mkdir(path.dirname(target), { recursive: true });
    // Open before streaming: a stream that opens lazily can create the file
    // after a failed pipeline's cleanup ran, leaving the temp file behind.
    handle = await open(tmp, 'wx', 0o644);
    await pipeline(Readable.from(archiveChunks(image, repoTag)), handle.createWriteStream());
    await moveIntoPlace(tmp, target, state);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw asOutputError(e, target);
  }
  return { digest: image.digest };
}

/** "name" → "name:latest"; a ":" after the last "/" means a tag is present. */
export function normalizeRepoTag(tag: string): string {
  checkTag(tag);
  const slash = tag.lastIndexOf('/');
  return tag.slice(slash + 1).includes(':') ? tag : `${tag}:latest`;
}

const MTIME = 0;

function fileHeader(name: string, size: number): Buffer[] {
  return encodeHeader({ name, typeflag: '0', mode: 0o644, uid: 0, gid: 0, size, mtime: MTIME });
}

function dirHeader(name: string): Buffer[] {
  return encodeHeader({ name, typeflag: '5', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: MTIME });
}

function smallFile(name: string, bytes: Buffer): Buffer[] {
  return [...fileHeader(name, bytes.length), bytes, padding(bytes.length)];
}

async function* archiveChunks(image: Image, repoTag: string): AsyncGenerator<Buffer> {
  const blobPath = (digest: string): string => `blobs/sha256/${digestHex(digest)}`;
  const manifestJson = [
    { Config: blobPath(image.configDigest), RepoTags: [repoTag], Layers: image.layers.map((l) => blobPath(l.digest)) },
  ];
  const index: OciIndex = {
    schemaVersion: 2,
    mediaType: MEDIA.index,
    manifests: [imageDescriptor(image, { [ANNOTATION.refName]: repoTag })],
  };

  yield* dirHeader('blobs/');
  yield* dirHeader('blobs/sha256/');
  for (const b of imageBlobs(image)) yield* blobChunks(blobPath(b.digest), b);
  yield* smallFile('index.json', Buffer.from(JSON.stringify(index)));
  yield* smallFile('manifest.json', Buffer.from(JSON.stringify(manifestJson)));
  yield* smallFile('oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: OCI_LAYOUT_VERSION })));
  yield TAR_END;
}

async function* blobChunks(name: string, blob: Blob): AsyncGenerator<Buffer> {
  yield* fileHeader(name, blob.size);
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of await blob.open()) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    bytes += buf.length;
    // Stop before writing past the size promised in the header.
    if (bytes > blob.size) break;
    hash.update(buf);
    yield buf;
  }
  const err = verifyResult(`blob ${blob.digest}`, blob, hash, bytes);
  if (err) throw err;
  yield padding(blob.size);
}
