/**
 * Pull one platform's image from a registry into the blob cache, for a
 * build's `base:`. The reference's manifest (an index is resolved to the
 * requested architecture) and every blob it names are verified by digest
 * and size before they are stored; blobs already in the cache are not
 * fetched again. The result is a small OCI layout under the cache
 * (`images/HEX/`, its blobs the cache's own) that the image reader reads
 * like any other layout, so layers are checked against their diff_ids too.
 * `expect` (a lock's pin) is compared before any layer is fetched.
 */
import { mkdir, rename, symlink, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { OutputError, RegistryError, ResolveError } from '../../errors.js';
import type { BlobCache } from '../../fetch/cache.js';
import { digestHex, sha256 } from '../digest.js';
import { parseImageIndex, parseImageManifest } from '../image-json.js';
import type { Descriptor } from '../manifest.js';
import { isIndexType, isManifestType, MEDIA, OCI_LAYOUT_VERSION } from '../media.js';
import type { RegistryClient } from './client.js';
import { formatReference, parseReference, type Reference } from './ref.js';

export interface PulledImage {
  /** An OCI layout holding exactly the pulled platform image (tagless: its index lists one manifest). */
  layout: string;
  /** What the reference resolved to (an index or a manifest). */
  digest: string;
  /** The platform manifest's digest. */
  manifestDigest: string;
}

function pullError(ref: string, message: string, hint: string): OutputError {
  return new OutputError('IMAGE_READ', `base ${ref}: ${message}`, { hint, detail: { base: ref } });
}

/** A blob from the cache, or fetched, checked against the descriptor, and stored. */
async function blob(client: RegistryClient, r: Reference, d: Descriptor, cache: BlobCache): Promise<void> {
  const hex = digestHex(d.digest);
  const have = await cache.get(hex);
  if (have && have.length === d.size) return;
  const bytes = await client.getBlob(r, d.digest, d.size);
  if (bytes.length !== d.size || sha256(bytes) !== d.digest) {
    throw new RegistryError(
      'REGISTRY_HTTP',
      `get blob ${d.digest} in ${r.registry}/${r.repository}: got ${sha256(bytes)} (${bytes.length} bytes), want ${d.digest} (${d.size} bytes)`,
      {
        hint: 'the registry served different content than it was asked for; do not trust it',
        detail: { registry: r.registry, repository: r.repository, want: d.digest },
      },
    );
  }
  await cache.put(hex, bytes, `${formatReference(r)} blob ${d.digest}`);
}

/** The manifest the reference names, and the platform manifest inside an index. */
async function platformManifest(
  client: RegistryClient,
  r: Reference,
  arch: string,
  ref: string,
): Promise<{ digest: string; desc: Descriptor; bytes: Buffer }> {
  const top = await client.getManifest(r);
  if (isManifestType(top.mediaType))
    return {
      digest: top.digest,
      desc: { mediaType: top.mediaType, digest: top.digest, size: top.bytes.length },
      bytes: top.bytes,
    };
  if (!isIndexType(top.mediaType))
    throw pullError(ref, `is a ${top.mediaType || 'blob of unknown type'}, not an image`, 'point base: at an image');
  const index = parseImageIndex(top.bytes, `base ${ref}: the index`);
  const all = index.manifests.filter((m) => isManifestType(m.mediaType));
  const d = all.find((m) => m.platform?.architecture === arch && (m.platform.os ?? 'linux') === 'linux');
  if (!d) {
    throw pullError(
      ref,
      `has no image for ${arch} (has: ${all.map((m) => m.platform?.architecture ?? '?').join(', ') || 'none'})`,
      'use a base image built for the architectures in archs:',
    );
  }
  const m = await client.getManifest({ ...r, tag: undefined, digest: d.digest });
  return {
    digest: top.digest,
    desc: { mediaType: m.mediaType, digest: d.digest, size: m.bytes.length },
    bytes: m.bytes,
  };
}

export async function pullImage(
  client: RegistryClient,
  ref: string,
  arch: string,
  cache: BlobCache,
  expect?: string,
): Promise<PulledImage> {
  const r = parseReference(ref);
  const { digest, desc, bytes } = await platformManifest(client, r, arch, ref);
  if (expect !== undefined && desc.digest !== expect) {
    throw new ResolveError('LOCK_MISMATCH', `base ${ref} (${arch}) is now ${desc.digest}, the lock pins ${expect}`, {
      hint: 'the tag points to another image than when the lock was made: run `pare lock` again if that is expected, or write the base as REF@DIGEST',
    });
  }
  await cache.put(digestHex(desc.digest), bytes, `${ref} manifest`);
  const manifest = parseImageManifest(bytes, `base ${ref}: the manifest`);
  for (const d of [manifest.config, ...manifest.layers]) await blob(client, r, d, cache);
  const layout = join(cache.dir, 'images', digestHex(desc.digest));
  const tmp = `${layout}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(tmp, { recursive: true });
  await writeFile(join(tmp, 'oci-layout'), JSON.stringify({ imageLayoutVersion: OCI_LAYOUT_VERSION }));
  const index = { schemaVersion: 2, mediaType: MEDIA.index, manifests: [desc] };
  await writeFile(join(tmp, 'index.json'), JSON.stringify(index));
  await symlink(join('..', '..', 'blobs'), join(tmp, 'blobs'));
  await rm(layout, { recursive: true, force: true });
  await rename(tmp, layout);
  return { layout, digest, manifestDigest: desc.digest };
}
