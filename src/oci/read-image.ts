/**
 * Read an image and its root filesystem (`pare check`, `pare sbom`, a build's
 * `base:`): an OCI layout directory (`DIR` or `DIR:TAG`) or a docker-archive
 * file (`docker save`, or pare's --tarball). Layers are decompressed (gzip,
 * zstd or plain tar), each checked against the config's diff_id, and merged
 * in order with whiteouts applied (tree/overlay.ts). The layers come back as
 * re-openable blobs with their digests, so a build on top reuses them byte
 * for byte.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ArchiveError, OutputError } from '../errors.js';
import type { ImageConfig } from './config.js';
import { isImageIndex, type ImageIndex } from './image-index.js';
import { readLayout } from './layout.js';
import type { Image } from './manifest.js';
import { layerFromBytes, type Layer } from './layer.js';
import { MEDIA } from './media.js';
import { sha256 } from './digest.js';
import { overlayLayers } from '../tree/overlay.js';
import { readTar, type RawTarEntry } from '../tree/tar-read.js';
import type { TreeEntry } from '../tree/types.js';
import { decompress, sniffCompression } from '../util/decompress.js';

export interface ImageFiles {
  /** The merged root filesystem, sorted by path. */
  entries: TreeEntry[];
  config: ImageConfig;
  layers: number;
  /** The layers as blobs (digest, diffId, media type), in order. */
  blobs: Layer[];
  /** What was read, for messages: "oci:DIR:TAG" or "docker-archive:FILE". */
  source: string;
  /** The image's manifest digest, when the source records it (layouts; Docker 25+ archives). */
  digest?: string;
  /** The config blob's digest (the image ID). */
  configDigest: string;
  /** The reference name the source gives the image: a layout's tag, an archive's RepoTags[0]. */
  name?: string;
  /** What each layer holds, in order (same length as `blobs`). */
  layerContents: LayerContent[];
}

/** One layer's uncompressed tar: its size, and its entries' image paths, types and file sizes (0 for non-files). */
export interface LayerContent {
  tarSize: number;
  entries: Array<{ path: string; type: RawTarEntry['type']; size: number }>;
}

function contentOf(tarSize: number, raw: readonly RawTarEntry[]): LayerContent {
  return {
    tarSize,
    entries: raw.map((e) => ({
      path: e.name.replace(/^\.?\/+/, '').replace(/\/+$/, ''),
      type: e.type,
      size: e.type === 'file' ? (e.ref?.size ?? e.data.byteLength) : 0,
    })),
  };
}

const HOST_ARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

function readError(message: string, cause?: unknown): OutputError {
  return new OutputError('IMAGE_READ', message, {
    cause,
    hint: 'pass an OCI layout directory (DIR or DIR:TAG) or a docker-archive file',
  });
}

async function kind(p: string): Promise<'file' | 'dir' | undefined> {
  const st = await stat(p).catch(() => undefined);
  return st?.isFile() ? 'file' : st?.isDirectory() ? 'dir' : undefined;
}

/** A layer's entries; its uncompressed tar must hash to `diffId` when given. */
async function layerEntries(
  bytes: Uint8Array,
  label: string,
  diffId?: string,
): Promise<{ raw: RawTarEntry[]; tarSize: number }> {
  const tar = await decompress(bytes, sniffCompression(bytes), label);
  if (diffId !== undefined && sha256(Buffer.from(tar.buffer, tar.byteOffset, tar.byteLength)) !== diffId)
    throw readError(`${label} is corrupt: its content does not match the config's diff_id ${diffId}`);
  return { raw: readTar(tar, label), tarSize: tar.byteLength };
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks);
}

function pick(root: Image | ImageIndex, arch: string | undefined, where: string): Image {
  if (!isImageIndex(root)) return root;
  const want = arch ?? HOST_ARCH[process.arch] ?? process.arch;
  const img =
    root.manifests.find((m) => m.platform?.architecture === want) ??
    (arch === undefined ? root.manifests[0] : undefined);
  if (!img)
    throw readError(
      `${where} has no image for ${want} (has: ${root.manifests.map((m) => m.platform?.architecture).join(', ')})`,
    );
  return img;
}

async function fromLayout(dir: string, tag: string | undefined, arch: string | undefined): Promise<ImageFiles> {
  const source = `oci:${dir}${tag === undefined ? '' : `:${tag}`}`;
  const img = pick(await readLayout(dir, tag), arch, source);
  const layers: RawTarEntry[][] = [];
  const layerContents: LayerContent[] = [];
  for (const l of img.layers) {
    const label = `${source}: layer ${l.digest}`;
    const bytes = await collect(await l.open()).catch((e: unknown) => {
      throw readError(`${label} cannot be read: ${e instanceof Error ? e.message : String(e)}`, e);
    });
    const { raw, tarSize } = await layerEntries(bytes, label, l.diffId);
    layers.push(raw);
    layerContents.push(contentOf(tarSize, raw));
  }
  return {
    entries: overlayLayers(layers),
    config: img.config,
    configDigest: img.configDigest,
    layers: img.layers.length,
    blobs: img.layers,
    layerContents,
    source,
    digest: img.digest,
    ...(tag !== undefined ? { name: tag } : {}),
  };
}

async function fromArchive(file: string): Promise<ImageFiles> {
  const source = `docker-archive:${file}`;
  const members = new Map<string, Uint8Array>();
  let tar: RawTarEntry[];
  try {
    tar = readTar(await readFile(file), source);
  } catch (e) {
    if (!(e instanceof ArchiveError)) throw e;
    throw readError(`${file} is not an image: not an OCI layout directory, and not a docker-archive (${e.message})`, e);
  }
  for (const e of tar) if (e.type === 'file') members.set(e.name.replace(/^\.\//, ''), e.data);
  const json = <T>(name: string): T => {
    const b = members.get(name);
    if (!b) throw readError(`${source} has no ${name}`);
    try {
      return JSON.parse(Buffer.from(b).toString('utf8')) as T;
    } catch (e) {
      throw readError(`${source}: ${name} is not valid JSON`, e);
    }
  };
  const manifest = json<Array<{ Config: string; Layers: string[] }>>('manifest.json');
  if (manifest.length !== 1)
    throw readError(`${source} holds ${manifest.length} images; pare check reads archives with one`);
  const m = manifest[0]!;
  const config = json<ImageConfig>(m.Config);
  const configDigest = sha256(Buffer.from(members.get(m.Config)!));
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== m.Layers.length)
    throw readError(`${source}: ${m.Layers.length} layers but ${diffIds.length} diff_ids in ${m.Config}`);
  const layers: RawTarEntry[][] = [];
  const layerContents: LayerContent[] = [];
  const blobs: Layer[] = [];
  for (const [i, name] of m.Layers.entries()) {
    const b = members.get(name);
    if (!b) throw readError(`${source}: layer ${name} is missing`);
    const kind = sniffCompression(b);
    if (kind === 'xz') throw readError(`${source}: layer ${name} is xz-compressed, which no image format allows`);
    const { raw, tarSize } = await layerEntries(b, `${source}: ${name}`, diffIds[i]);
    layers.push(raw);
    layerContents.push(contentOf(tarSize, raw));
    const bytes = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    const mediaType = kind === 'gz' ? MEDIA.layerGzip : kind === 'zst' ? MEDIA.layerZstd : MEDIA.layerTar;
    blobs.push(layerFromBytes(bytes, { digest: sha256(bytes), diffId: diffIds[i]!, mediaType }));
  }
  const index = members.has('index.json') ? json<{ manifests?: Array<{ digest?: string }> }>('index.json') : undefined;
  const digest = index?.manifests?.length === 1 ? index.manifests[0]!.digest : undefined;
  const name = (m as { RepoTags?: string[] }).RepoTags?.[0];
  return {
    entries: overlayLayers(layers),
    config,
    configDigest,
    layers: m.Layers.length,
    blobs,
    layerContents,
    source,
    ...(digest ? { digest } : {}),
    ...(name ? { name } : {}),
  };
}

/** Read the merged root filesystem of the image at `ref`. */
export async function readImageFiles(ref: string, opts: { arch?: string } = {}): Promise<ImageFiles> {
  const k = await kind(ref);
  if (k === 'file') return fromArchive(ref);
  if (k === 'dir') return fromLayout(ref, undefined, opts.arch);
  const colon = ref.lastIndexOf(':');
  if (colon > 0 && (await kind(ref.slice(0, colon))) === 'dir')
    return fromLayout(ref.slice(0, colon), ref.slice(colon + 1), opts.arch);
  throw readError(`no image at ${path.resolve(ref)}`);
}
