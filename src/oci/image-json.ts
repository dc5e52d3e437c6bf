/**
 * OCI image index and manifest JSON from outside (a registry, a layout on
 * disk): parsed and checked for the shape pare relies on before any field is
 * used, so a hostile or broken document is an IMAGE_READ error naming it, not
 * a TypeError. Descriptors must have a string media type, a sha256 digest and
 * a size that is a non-negative safe integer. Pure: bytes in, values out.
 */
import { OutputError } from '../errors.js';
import type { OciIndex } from './image-index.js';
import type { Descriptor, OciManifest } from './manifest.js';

/** The largest manifest or index read (the distribution spec asks registries to take 4 MiB). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

const DIGEST = /^sha256:[0-9a-f]{64}$/;

function bad(what: string, problem: string): OutputError {
  return new OutputError('IMAGE_READ', `${what}: ${problem}`, {
    hint: 'the registry or layout serves something that is not a valid OCI image; point at an image',
  });
}

function parseObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  if (bytes.length > MAX_MANIFEST_BYTES)
    throw bad(what, `${bytes.length} bytes, more than the ${MAX_MANIFEST_BYTES} a manifest may have`);
  let j: unknown;
  try {
    j = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
  } catch {
    throw bad(what, 'not valid JSON');
  }
  if (typeof j !== 'object' || j === null || Array.isArray(j)) throw bad(what, 'not a JSON object');
  return j as Record<string, unknown>;
}

/** Checks one descriptor's shape; returns it typed. */
export function checkDescriptor(d: unknown, what: string): Descriptor {
  if (typeof d !== 'object' || d === null || Array.isArray(d)) throw bad(what, 'a descriptor is not an object');
  const o = d as Record<string, unknown>;
  if (typeof o.mediaType !== 'string') throw bad(what, 'a descriptor has no mediaType');
  if (typeof o.digest !== 'string' || !DIGEST.test(o.digest))
    throw bad(what, `a descriptor's digest ${JSON.stringify(o.digest)?.slice(0, 80)} is not sha256:<64 hex>`);
  if (typeof o.size !== 'number' || !Number.isSafeInteger(o.size) || o.size < 0)
    throw bad(what, `descriptor ${o.digest} has an invalid size ${JSON.stringify(o.size)?.slice(0, 40)}`);
  if (o.platform !== undefined) {
    const p = o.platform as Record<string, unknown> | null;
    if (typeof p !== 'object' || p === null || typeof p.architecture !== 'string' || typeof p.os !== 'string')
      throw bad(what, `descriptor ${o.digest} has an invalid platform`);
  }
  return o as unknown as Descriptor;
}

/** An image index: an object whose `manifests` is an array of descriptors. Errors: IMAGE_READ. */
export function parseImageIndex(bytes: Uint8Array, what: string): OciIndex {
  const j = parseObject(bytes, what);
  if (!Array.isArray(j.manifests)) throw bad(what, 'an image index without a manifests array');
  for (const m of j.manifests) checkDescriptor(m, what);
  return j as unknown as OciIndex;
}

/** An image manifest: a config descriptor and an array of layer descriptors. Errors: IMAGE_READ. */
export function parseImageManifest(bytes: Uint8Array, what: string): OciManifest {
  const j = parseObject(bytes, what);
  if (!Array.isArray(j.layers)) throw bad(what, 'an image manifest without a layers array');
  checkDescriptor(j.config, what);
  for (const l of j.layers) checkDescriptor(l, what);
  return j as unknown as OciManifest;
}
