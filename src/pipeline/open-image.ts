/**
 * An image named on the command line, read for comparison: an OCI layout
 * (`oci:DIR[:TAG]`, or `DIR`, `DIR:TAG`), a docker-archive
 * (`docker-archive:FILE`, or a file), or a registry reference
 * `HOST[:PORT]/REPO[:TAG][@DIGEST]` pulled into the cache by pare's registry
 * client (the platform manifest for the architecture, every blob checked
 * against its digest) — the forms `base:` takes.
 */
import { stat } from 'node:fs/promises';
import { OutputError } from '../errors.js';
import type { BlobCache } from '../fetch/index.js';
import { readImageFiles, type ImageFiles } from '../oci/read-image.js';
import { parseReference, pullImage, RegistryClient, type RegistryOptions } from '../oci/registry/index.js';
import type { DiffSide } from './image-diff.js';

export interface OpenImageOptions {
  cache: BlobCache;
  /** The platform to read from an index or a registry (OCI name: amd64, arm64, arm, ...); default the host's. */
  arch?: string;
  registry?: RegistryOptions;
}

/** An opened image: what `pare diff` compares, plus everything read (for `pare report`). */
export interface OpenedImage extends DiffSide {
  files: ImageFiles;
  /** The OCI layout the image was read from, when it was a local one (where its attachments are). */
  layout?: { dir: string; tag?: string };
  /** Pulled from a registry (its attachments were not). */
  pulled: boolean;
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

function local(ref: string): string | undefined {
  const m = /^(?:oci|docker-archive):(.+)$/.exec(ref);
  return m?.[1];
}

export async function openImage(ref: string, opts: OpenImageOptions): Promise<OpenedImage> {
  let path = local(ref);
  if (path === undefined) {
    const colon = ref.lastIndexOf(':');
    if ((await exists(ref)) || (colon > 0 && (await exists(ref.slice(0, colon))))) path = ref;
  }
  let pulled: { layout: string; digest: string } | undefined;
  if (path === undefined) {
    try {
      parseReference(ref);
    } catch (e) {
      throw new OutputError('IMAGE_READ', `${ref}: no such file or directory, and not a registry reference`, {
        hint: 'name an OCI layout (DIR, DIR:TAG, oci:DIR[:TAG]), a docker-archive (FILE, docker-archive:FILE) or a registry image (HOST[:PORT]/REPO[:TAG][@DIGEST])',
        cause: e,
      });
    }
    const arch = opts.arch ?? (process.arch === 'x64' ? 'amd64' : process.arch);
    const p = await pullImage(new RegistryClient(opts.registry ?? {}), ref, arch, opts.cache);
    pulled = { layout: p.layout, digest: p.manifestDigest };
  }
  const files = await readImageFiles(pulled?.layout ?? path!, opts.arch ? { arch: opts.arch } : {});
  const digest = pulled?.digest ?? files.digest;
  const dir = files.source.startsWith('oci:')
    ? files.source.slice(4, files.name === undefined ? undefined : -(files.name.length + 1))
    : undefined;
  return {
    files,
    pulled: pulled !== undefined,
    ...(dir !== undefined && !pulled
      ? { layout: { dir, ...(files.name !== undefined ? { tag: files.name } : {}) } }
      : {}),
    source: pulled ? ref : files.source,
    ...(digest ? { digest } : {}),
    entries: files.entries,
    config: files.config,
    layers: files.blobs.map((b) => b.digest),
  };
}
