/**
 * Sink: the OCI image layout (oci-layout, index.json, blobs/sha256/...).
 *
 * Writes are atomic: everything goes into a temporary sibling directory that
 * is renamed into place at the end. An existing layout at the target is
 * replaced (old renamed aside, new renamed in, old removed); anything else
 * there is refused with OUTPUT_EXISTS and left untouched. On any failure the
 * temporary directory is removed: nothing partial appears at the target.
 * Every blob is verified (digest and size) while it is written.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { link, lstat, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isPareError, OutputError, PareError, UsageError } from '../errors.js';
import { configPlatform, type ImageConfig } from './config.js';
import { digestHex, VerifyingStream } from './digest.js';
import { allBlobs, rootDescriptor, type ImageIndex, type OciIndex } from './image-index.js';
import type { Layer } from './layer.js';
import type { Blob, Descriptor, Image, OciManifest } from './manifest.js';
import { ANNOTATION, isIndexType, isManifestType, MEDIA, OCI_LAYOUT_VERSION } from './media.js';
import { forEachLimit } from '../util/concurrency.js';
import { LayoutPath } from './layout-path.js';
import { tempPrefix } from '../util/atomic.js';

export interface WriteLayoutOptions {
  /** Written as org.opencontainers.image.ref.name on the index.json entry. */
  tag?: string;
}

export async function writeLayout(
  dir: string,
  images: Image | ImageIndex,
  opts: WriteLayoutOptions = {},
): Promise<{ digest: string }> {
  if (opts.tag !== undefined) checkTag(opts.tag);
  const target = path.resolve(dir);
  const state = await inspectTarget(target, 'layout');
  await mkdir(path.dirname(target), { recursive: true }).catch((e: unknown) => {
    throw asOutputError(e, target);
  });
  const tmp = await mkdtemp(tempPrefix(target)).catch((e: unknown) => {
    throw asOutputError(e, target);
  });
  try {
    await writeLayoutInto(tmp, images, opts.tag);
    await moveIntoPlace(tmp, target, state);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw asOutputError(e, target);
  }
  return { digest: images.digest };
}

async function writeLayoutInto(dir: string, images: Image | ImageIndex, tag: string | undefined): Promise<void> {
  const blobDir = path.join(dir, 'blobs', 'sha256');
  await mkdir(blobDir, { recursive: true });
  await forEachLimit(allBlobs(images), 4, (b) => writeBlob(path.join(blobDir, digestHex(b.digest)), b));
  await writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: OCI_LAYOUT_VERSION }));
  const index: OciIndex = {
    schemaVersion: 2,
    mediaType: MEDIA.index,
    manifests: [rootDescriptor(images, tag === undefined ? undefined : { [ANNOTATION.refName]: tag })],
  };
  await writeFile(path.join(dir, 'index.json'), JSON.stringify(index));
}

async function writeBlob(file: string, blob: Blob): Promise<void> {
  // A verified local copy of the blob (a cache file) is hard-linked when the filesystem allows, else copied.
  if (blob.file !== undefined && (await linked(blob.file, file, blob.size))) return;
  await pipeline(
    await blob.open(),
    new VerifyingStream(blob, `blob ${blob.digest}`),
    createWriteStream(file, { flags: 'wx' }),
  );
}

async function linked(from: string, to: string, size: number): Promise<boolean> {
  try {
    if ((await stat(from)).size !== size) return false;
    await link(from, to);
    return true;
  } catch {
    return false; // another filesystem, no hard links: copy
  }
}

// ---- atomic target handling (shared with docker-archive.ts) ----

export type TargetState = 'absent' | 'replace';

/**
 * What is at `target`? 'absent', or 'replace' when it is something we may
 * overwrite (an OCI layout or empty directory for 'layout'; a regular file
 * for 'file'). Anything else is OUTPUT_EXISTS.
 */
export async function inspectTarget(target: string, kind: 'layout' | 'file'): Promise<TargetState> {
  let st;
  try {
    st = await lstat(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw asOutputError(e, target);
  }
  if (kind === 'file') {
    if (st.isFile()) return 'replace';
    throw new OutputError('OUTPUT_EXISTS', `${target} exists and is ${describe(st)}, not a file`, {
      hint: 'choose a file path for the archive, or remove what is there',
      detail: { path: target },
    });
  }
  if (st.isDirectory()) {
    const names = await readdir(target).catch((e: unknown) => {
      throw asOutputError(e, target);
    });
    if (names.length === 0) return 'replace';
    if (names.includes('oci-layout') && (await lstat(path.join(target, 'oci-layout'))).isFile()) return 'replace';
    throw new OutputError('OUTPUT_EXISTS', `${target} exists and is not an OCI image layout`, {
      hint: 'pare replaces only an existing OCI layout (a directory with an oci-layout file); choose another output directory or remove this one',
      detail: { path: target },
    });
  }
  throw new OutputError('OUTPUT_EXISTS', `${target} exists and is ${describe(st)}, not a directory`, {
    hint: 'choose another output directory, or remove what is there',
    detail: { path: target },
  });
}

function describe(st: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): string {
  return st.isFile()
    ? 'a file'
    : st.isDirectory()
      ? 'a directory'
      : st.isSymbolicLink()
        ? 'a symbolic link'
        : 'a special file';
}

/** Rename a finished temp (dir or file) onto target, replacing what `state` allowed. */
export async function moveIntoPlace(tmp: string, target: string, state: TargetState): Promise<void> {
  const isDir = (await lstat(tmp)).isDirectory();
  if (state === 'absent' || !isDir) {
    try {
      // For a file this atomically replaces an existing file.
      await rename(tmp, target);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') {
        throw new OutputError('OUTPUT_EXISTS', `${target} appeared while pare was writing it`, {
          hint: 'another process wrote to the same output path; run again',
          detail: { path: target },
        });
      }
      throw e;
    }
    return;
  }
  const aside = `${tmp}.old`;
  await rename(target, aside);
  try {
    await rename(tmp, target);
  } catch (e) {
    await rename(aside, target).catch(() => undefined);
    throw e;
  }
  await rm(aside, { recursive: true, force: true });
}

export function asOutputError(e: unknown, target: string): PareError {
  if (isPareError(e)) return e;
  const err = e as NodeJS.ErrnoException;
  return new OutputError('OUTPUT_WRITE', `cannot write ${target}: ${err?.message ?? String(e)}`, {
    hint: 'check that the output directory is writable and has free space',
    cause: e,
    detail: { path: target, errno: err?.code },
  });
}

/** OCI ref.name grammar, loosely: no whitespace or control characters. */
export function checkTag(tag: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._\-:@/+]*$/.test(tag) || tag.length > 255) {
    throw new UsageError('USAGE', `invalid tag ${JSON.stringify(tag)}`, {
      hint: 'a tag is letters, digits and . _ - : @ / +, starting with a letter or digit',
    });
  }
}

// ---- reading ----

/**
 * Read an image (or index) back from a layout. `ref` selects the index.json
 * entry by org.opencontainers.image.ref.name; without it the layout must hold
 * exactly one entry. Manifests and configs are verified on read; layers are
 * verified as they are opened and streamed.
 */
export async function readLayout(dir: string, ref?: string): Promise<Image | ImageIndex> {
  const layout = new LayoutPath(dir);
  await layout.checkMarker();
  return readDescriptor(layout, await layout.select(ref));
}

async function readDescriptor(layout: LayoutPath, desc: Descriptor): Promise<Image | ImageIndex> {
  if (isIndexType(desc.mediaType)) {
    const indexBytes = await layout.readBlob(desc);
    const index = parse<OciIndex>(indexBytes, desc.digest);
    const manifests: Image[] = [];
    for (const m of index.manifests ?? []) if (isManifestType(m.mediaType)) manifests.push(await readImage(layout, m));
    return { mediaType: MEDIA.index, index, indexBytes, digest: desc.digest, manifests };
  }
  if (isManifestType(desc.mediaType)) return readImage(layout, desc);
  throw readError(`unsupported media type ${desc.mediaType} for ${desc.digest}`);
}

async function readImage(layout: LayoutPath, desc: Descriptor): Promise<Image> {
  const root = layout.root;
  const manifestBytes = await layout.readBlob(desc);
  const manifest = parse<OciManifest>(manifestBytes, desc.digest);
  const configBytes = await layout.readBlob(manifest.config);
  const config = parse<ImageConfig>(configBytes, manifest.config.digest);
  const diffIds = config.rootfs?.diff_ids ?? [];
  // An artifact (signature, SBOM, attestation) has no rootfs: its "layers" are plain blobs.
  const artifact = manifest.config.mediaType !== MEDIA.config;
  if (!artifact && diffIds.length !== manifest.layers.length) {
    throw readError(`image ${desc.digest}: ${manifest.layers.length} layers but ${diffIds.length} diff_ids`);
  }
  const layers: Layer[] = [];
  for (const [i, l] of manifest.layers.entries()) {
    const file = layout.blobPath(l.digest);
    const st = await stat(file).catch((e: unknown) => {
      throw readError(`layer ${l.digest} is missing from ${root}`, e);
    });
    if (st.size !== l.size) throw readError(`layer ${l.digest}: file has ${st.size} bytes, manifest says ${l.size}`);
    layers.push({
      digest: l.digest,
      diffId: diffIds[i] ?? l.digest,
      size: l.size,
      mediaType: l.mediaType,
      open: async () => {
        const v = new VerifyingStream(l, `layer ${l.digest}`);
        pipeline(createReadStream(file), v).catch(() => undefined); // errors surface on v
        return v;
      },
    });
  }
  return {
    mediaType: MEDIA.manifest,
    manifest,
    manifestBytes,
    digest: desc.digest,
    config,
    configBytes,
    configDigest: manifest.config.digest,
    layers,
    platform: configPlatform(config),
  };
}

function parse<T>(bytes: Buffer, what: string): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch (e) {
    throw readError(`${what} is not valid JSON`, e);
  }
}

function readError(
  message: string,
  cause?: unknown,
  hint = 'check that the path is an OCI image layout written completely',
): OutputError {
  return new OutputError('IMAGE_READ', message, { hint, cause });
}
