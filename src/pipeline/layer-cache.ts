/**
 * Compressed layers, memoized by what they compress: the same tar (diffId)
 * at the same gzip level always gives the same blob, so a rebuild whose tree
 * did not change reuses the blob from the content-addressed cache instead of
 * compressing again. The tar is always rebuilt (streamed, never held whole),
 * so the key is exact; a miss streams tar → gzip → the cache, and the layer
 * reads its blob from there: memory does not grow with the layer.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { BlobCache } from '../fetch/index.js';
import { Spool, verifiedPath } from '../fetch/spool.js';
import { gzipStream, layerTarStream, MEDIA, type Layer } from '../oci/index.js';
import type { TreeEntry } from '../tree/types.js';

const LEVEL = 6;

function fileLayer(path: string, meta: { digest: string; diffId: string; size: number }): Layer {
  return {
    ...meta,
    mediaType: MEDIA.layerGzip,
    open: () => Promise.resolve(createReadStream(path, { highWaterMark: 1 << 20 })),
  };
}

export async function cachedLayer(entries: readonly TreeEntry[], mtime: number, cache: BlobCache): Promise<Layer> {
  const tarHash = createHash('sha256');
  for await (const c of layerTarStream(entries, mtime)) tarHash.update(c);
  const diffId = `sha256:${tarHash.digest('hex')}`;
  const key = `gzip:${LEVEL}:${diffId}`;
  const pointer = (await cache.getMeta(key))?.toString();
  const hit = pointer ? await verifiedPath(cache, pointer) : undefined;
  if (hit) return fileLayer(hit.path, { digest: `sha256:${pointer}`, diffId, size: hit.size });
  const spool = await Spool.create(cache, { label: `layer ${diffId}` });
  try {
    await gzipStream(layerTarStream(entries, mtime), { level: LEVEL }, (c) => spool.write(c));
  } catch (e) {
    await spool.abort();
    throw e;
  }
  const blob = await spool.finish();
  await cache.putMeta(key, Buffer.from(blob.sha256));
  return fileLayer(blob.path, { digest: `sha256:${blob.sha256}`, diffId, size: blob.size });
}
