/**
 * Compressed layers, memoized by what they compress: the same tar (diffId)
 * at the same gzip level always gives the same blob, so a rebuild whose tree
 * did not change reuses the blob from the content-addressed cache instead of
 * compressing again. The tar is always rebuilt, so the key is exact.
 */
import { createHash } from 'node:crypto';
import type { BlobCache } from '../fetch/index.js';
import { gzipDeterministic, layerFromBytes, layerTar, MEDIA, type BuiltLayer } from '../oci/index.js';
import type { TreeEntry } from '../tree/types.js';

const LEVEL = 6;

export async function cachedLayer(
  entries: readonly TreeEntry[],
  mtime: number,
  cache?: BlobCache,
): Promise<BuiltLayer> {
  const { tar, diffId } = layerTar(entries, mtime);
  const key = `gzip:${LEVEL}:${diffId}`;
  const pointer = cache ? await cache.getMeta(key) : undefined;
  const hit = pointer && cache ? await cache.get(pointer.toString()) : undefined;
  if (hit) return layerFromBytes(hit, { digest: `sha256:${pointer!.toString()}`, diffId, mediaType: MEDIA.layerGzip });
  const hash = createHash('sha256');
  const bytes = await gzipDeterministic(tar, { level: LEVEL }, (c) => hash.update(c));
  const hex = hash.digest('hex');
  if (cache) {
    await cache.put(hex, bytes, `layer ${diffId}`);
    await cache.putMeta(key, Buffer.from(hex));
  }
  return layerFromBytes(bytes, { digest: `sha256:${hex}`, diffId, mediaType: MEDIA.layerGzip });
}
