/**
 * The image manifest and the Image value (go-containerregistry style): every
 * blob of an image, already serialized, with its digest. Pure.
 */
import { Readable } from 'node:stream';
import { UsageError } from '../errors.js';
import { makeConfig, platformFor, type ImageConfig, type ImageConfigOptions, type Platform } from './config.js';
import { sha256 } from './digest.js';
import type { Layer } from './layer.js';
import { MEDIA } from './media.js';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

export interface OciManifest {
  schemaVersion: 2;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface Image {
  mediaType: typeof MEDIA.manifest;
  manifest: OciManifest;
  manifestBytes: Buffer;
  /** Digest of manifestBytes: the image's identity. */
  digest: string;
  config: ImageConfig;
  configBytes: Buffer;
  configDigest: string;
  layers: Layer[];
  platform: Platform;
}

export interface MakeImageOptions {
  layers: Layer[];
  config: ImageConfigOptions;
  /** history[].created_by per layer, same length as layers (optional). */
  history?: string[];
  /** Manifest annotations; serialized in key order. */
  annotations?: Record<string, string>;
}

export function sortedAnnotations(a: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!a || Object.keys(a).length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const k of Object.keys(a).sort()) out[k] = a[k]!;
  return out;
}

export function descriptor(d: Descriptor): Descriptor {
  // Fixed key order whatever the caller's object looked like.
  const out: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (d.platform) out.platform = platformDescriptor(d.platform);
  const ann = sortedAnnotations(d.annotations);
  if (ann) out.annotations = ann;
  return out;
}

function platformDescriptor(p: Platform): Platform {
  return p.variant === undefined
    ? { architecture: p.architecture, os: p.os }
    : { architecture: p.architecture, os: p.os, variant: p.variant };
}

export function makeImage(opts: MakeImageOptions): Image {
  if (opts.history && opts.history.length !== opts.layers.length) {
    throw new UsageError('USAGE', `history has ${opts.history.length} entries for ${opts.layers.length} layers`);
  }
  const cfg = makeConfig(
    opts.config,
    opts.layers.map((l, i) => ({ diffId: l.diffId, createdBy: opts.history?.[i] })),
  );
  const manifest: OciManifest = {
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    config: descriptor({ mediaType: MEDIA.config, digest: cfg.digest, size: cfg.bytes.length }),
    layers: opts.layers.map((l) => descriptor({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  const ann = sortedAnnotations(opts.annotations);
  if (ann) manifest.annotations = ann;
  const manifestBytes = Buffer.from(JSON.stringify(manifest), 'utf8');
  return {
    mediaType: MEDIA.manifest,
    manifest,
    manifestBytes,
    digest: sha256(manifestBytes),
    config: cfg.config,
    configBytes: cfg.bytes,
    configDigest: cfg.digest,
    layers: opts.layers,
    platform: platformFor(opts.config.architecture, opts.config.os ?? 'linux', opts.config.variant),
  };
}

/** A content-addressed blob any sink can write: descriptor + opener. */
export interface Blob {
  digest: string;
  size: number;
  mediaType: string;
  open(): Promise<NodeJS.ReadableStream | Readable>;
  /** A local file holding exactly these bytes, verified: a layout may hard-link it instead of copying. */
  file?: string;
}

export function bytesBlob(mediaType: string, digest: string, bytes: Buffer): Blob {
  return {
    mediaType,
    digest,
    size: bytes.length,
    open: () => Promise.resolve(Readable.from([bytes], { objectMode: false })),
  };
}

/** The image's own blobs: layers, config, manifest (deduplicated by digest). */
export function imageBlobs(img: Image): Blob[] {
  const all: Blob[] = [
    ...img.layers,
    bytesBlob(MEDIA.config, img.configDigest, img.configBytes),
    bytesBlob(img.mediaType, img.digest, img.manifestBytes),
  ];
  const seen = new Set<string>();
  return all.filter((b) => !seen.has(b.digest) && seen.add(b.digest));
}

/** The descriptor that points at an image (for an index or index.json). */
export function imageDescriptor(img: Image, annotations?: Record<string, string>): Descriptor {
  return descriptor({
    mediaType: img.mediaType,
    digest: img.digest,
    size: img.manifestBytes.length,
    platform: img.platform,
    annotations,
  });
}
