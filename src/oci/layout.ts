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
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isPareError, OutputError, PareError, UsageError } from '../errors.js';
import { configPlatform, type ImageConfig } from './config.js';
import { digestHex, sha256, VerifyingStream } from './digest.js';
import { allBlobs, rootDescriptor, type ImageIndex, type OciIndex } from './image-index.js';
import type { Layer } from './layer.js';
import type { Blob, Descriptor, Image, OciManifest } from './manifest.js';
import { ANNOTATION, isAttachmentEntry, isIndexType, isManifestType, MEDIA, OCI_LAYOUT_VERSION } from './media.js';

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
  await pipeline(
    await blob.open(),
    new VerifyingStream(blob, `blob ${blob.digest}`),
    createWriteStream(file, { flags: 'wx' }),
  );
}

async function forEachLimit<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  const worker = async (): Promise<void> => {
    while (i < items.length) await fn(items[i++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
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

/** A unique temporary name next to `target` (same filesystem, so rename is atomic). */
export function tempPrefix(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.pare-tmp-`);
}

export function tempName(target: string): string {
  return `${tempPrefix(target)}${process.pid}-${randomBytes(6).toString('hex')}`;
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
  const root = path.resolve(dir);
  const layout = await readJson<{ imageLayoutVersion?: string }>(path.join(root, 'oci-layout'), root).catch(
    (e: unknown) => {
      throw readError(`${root} is not an OCI image layout (no readable oci-layout file)`, e);
    },
  );
  if (typeof layout.imageLayoutVersion !== 'string') throw readError(`${root}/oci-layout has no imageLayoutVersion`);
  const index = await readJson<OciIndex>(path.join(root, 'index.json'), root);
  const entries = index.manifests ?? [];
  const tags = entries.map((m) => m.annotations?.[ANNOTATION.refName]).filter((t): t is string => t !== undefined);
  let desc: Descriptor | undefined;
  if (ref !== undefined) {
    desc = /^sha256:[0-9a-f]{64}$/.test(ref)
      ? entries.find((m) => m.digest === ref)
      : entries.find((m) => m.annotations?.[ANNOTATION.refName] === ref);
    if (!desc)
      throw readError(
        `no image tagged ${JSON.stringify(ref)} in ${root}`,
        undefined,
        `tags present: ${tags.join(', ') || '(none)'}`,
      );
  } else {
    // Signatures, attestations and SBOMs attached to an image are not images to pick.
    const images = entries.filter((m) => !isAttachmentEntry(m));
    if (images.length !== 1)
      throw readError(
        `${root} holds ${images.length} images; name one`,
        undefined,
        `tags present: ${tags.join(', ') || '(none)'}`,
      );
    desc = images[0]!;
  }
  return readDescriptor(root, desc);
}

async function readDescriptor(root: string, desc: Descriptor): Promise<Image | ImageIndex> {
  if (isIndexType(desc.mediaType)) {
    const indexBytes = await readBlob(root, desc);
    const index = parse<OciIndex>(indexBytes, desc.digest);
    const manifests: Image[] = [];
    for (const m of index.manifests ?? []) if (isManifestType(m.mediaType)) manifests.push(await readImage(root, m));
    return { mediaType: MEDIA.index, index, indexBytes, digest: desc.digest, manifests };
  }
  if (isManifestType(desc.mediaType)) return readImage(root, desc);
  throw readError(`unsupported media type ${desc.mediaType} for ${desc.digest}`);
}

async function readImage(root: string, desc: Descriptor): Promise<Image> {
  const manifestBytes = await readBlob(root, desc);
  const manifest = parse<OciManifest>(manifestBytes, desc.digest);
  const configBytes = await readBlob(root, manifest.config);
  const config = parse<ImageConfig>(configBytes, manifest.config.digest);
  const diffIds = config.rootfs?.diff_ids ?? [];
  // An artifact (signature, SBOM, attestation) has no rootfs: its "layers" are plain blobs.
  const artifact = manifest.config.mediaType !== MEDIA.config;
  if (!artifact && diffIds.length !== manifest.layers.length) {
    throw readError(`image ${desc.digest}: ${manifest.layers.length} layers but ${diffIds.length} diff_ids`);
  }
  const layers: Layer[] = [];
  for (const [i, l] of manifest.layers.entries()) {
    const file = blobPath(root, l.digest);
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

function blobPath(root: string, digest: string): string {
  try {
    return path.join(root, 'blobs', 'sha256', digestHex(digest));
  } catch (e) {
    throw readError(`unsupported digest ${JSON.stringify(digest)}`, e);
  }
}

async function readBlob(root: string, d: Descriptor): Promise<Buffer> {
  const bytes = await readFile(blobPath(root, d.digest)).catch((e: unknown) => {
    throw readError(`blob ${d.digest} is missing from ${root}`, e);
  });
  const got = sha256(bytes);
  if (got !== d.digest || bytes.length !== d.size) {
    throw readError(`blob ${d.digest}: got ${got} (${bytes.length} bytes), want ${d.digest} (${d.size} bytes)`);
  }
  return bytes;
}

async function readJson<T>(file: string, root: string): Promise<T> {
  const bytes = await readFile(file).catch((e: unknown) => {
    throw readError(`cannot read ${path.relative(root, file) || file} in ${root}`, e);
  });
  return parse<T>(bytes, file);
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
