/**
 * The OCI image index (multi-platform image). Pure.
 *
 * Lives in image-index.ts so that the folder's index.ts can re-export the
 * whole oci/ API by name (STYLE: "folder index.ts re-exports by name").
 */
import { UsageError } from '../errors.js';
import { sha256 } from './digest.js';
import {
  bytesBlob,
  imageBlobs,
  imageDescriptor,
  sortedAnnotations,
  type Blob,
  type Descriptor,
  type Image,
} from './manifest.js';
import { MEDIA } from './media.js';

export interface OciIndex {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  mediaType: typeof MEDIA.index;
  index: OciIndex;
  indexBytes: Buffer;
  digest: string;
  /** The images, in the order given (which is the order of index.manifests). */
  manifests: Image[];
}

export function makeIndex(opts: { manifests: Image[]; annotations?: Record<string, string> }): ImageIndex {
  const seen = new Set<string>();
  for (const m of opts.manifests) {
    const key = `${m.platform.os}/${m.platform.architecture}/${m.platform.variant ?? ''}`;
    if (seen.has(key)) throw new UsageError('USAGE', `two images in one index for platform ${key.replace(/\/$/, '')}`);
    seen.add(key);
  }
  const index: OciIndex = {
    schemaVersion: 2,
    mediaType: MEDIA.index,
    manifests: opts.manifests.map((m) => imageDescriptor(m)),
  };
  const ann = sortedAnnotations(opts.annotations);
  if (ann) index.annotations = ann;
  const indexBytes = Buffer.from(JSON.stringify(index), 'utf8');
  return { mediaType: MEDIA.index, index, indexBytes, digest: sha256(indexBytes), manifests: opts.manifests };
}

export function isImageIndex(x: Image | ImageIndex): x is ImageIndex {
  return x.mediaType === MEDIA.index;
}

/** Every blob reachable from an image or index, each once; the root last. */
export function allBlobs(x: Image | ImageIndex): Blob[] {
  const list = isImageIndex(x)
    ? [...x.manifests.flatMap(imageBlobs), bytesBlob(x.mediaType, x.digest, x.indexBytes)]
    : imageBlobs(x);
  const seen = new Set<string>();
  return list.filter((b) => !seen.has(b.digest) && seen.add(b.digest));
}

/** The descriptor of the root (what a tag names). */
export function rootDescriptor(x: Image | ImageIndex, annotations?: Record<string, string>): Descriptor {
  if (!isImageIndex(x)) return imageDescriptor(x, annotations);
  const d: Descriptor = { mediaType: x.mediaType, digest: x.digest, size: x.indexBytes.length };
  const ann = sortedAnnotations(annotations);
  if (ann) d.annotations = ann;
  return d;
}
