/**
 * Compressed layers, memoized by what they are made of: the digest of the
 * entries' headers, inline contents and body ids (layerInputDigest) at a
 * fixed gzip level names one blob and its diffId, so a rebuild whose tree did
 * not change neither reads a file body nor compresses: it verifies the cached
 * blob and uses it. A miss streams tar → sha256 (diffId) and gzip → the
 * cache in one pass, and the layer reads its blob from there: memory does
 * not grow with the layer.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { BlobCache } from '../fetch/index.js';
import { Spool, verifiedPath } from '../fetch/spool.js';
import { gzipStream, layerInputDigest, layerTarStream, MEDIA, tapped, type Layer } from '../oci/index.js';
import type { TreeEntry } from '../tree/types.js';

const LEVEL = 6;

export interface LayerRecord {
  digest: string;
  diffId: string;
  size: number;
}

/** A layer whose blob is the verified cache file `path` (a layout may hard-link it). */
export function fileLayer(path: string, rec: LayerRecord): Layer {
  return {
    ...rec,
    file: path,
    mediaType: MEDIA.layerGzip,
    open: () => Promise.resolve(createReadStream(path, { highWaterMark: 1 << 20 })),
  };
}

async function fromRecord(cache: BlobCache, bytes: Buffer): Promise<Layer | undefined> {
  const rec = JSON.parse(bytes.toString('utf8')) as LayerRecord;
  const blob = await verifiedPath(cache, rec.digest.replace(/^sha256:/, ''));
  return blob && blob.size === rec.size ? fileLayer(blob.path, rec) : undefined;
}

export async function cachedLayer(entries: readonly TreeEntry[], mtime: number, cache: BlobCache): Promise<Layer> {
  const key = `layer:v1:${layerInputDigest(entries, mtime, `gzip-${LEVEL}`)}`;
  return cache.memo(
    key,
    'layer record',
    (bytes) => fromRecord(cache, bytes),
    async () => {
      const tarHash = createHash('sha256');
      const spool = await Spool.create(cache, { label: 'layer' });
      try {
        await gzipStream(tapped(layerTarStream(entries, mtime), tarHash), { level: LEVEL }, (c) => spool.write(c));
      } catch (e) {
        await spool.abort();
        throw e;
      }
      const blob = await spool.finish();
      const rec: LayerRecord = {
        digest: `sha256:${blob.sha256}`,
        diffId: `sha256:${tarHash.digest('hex')}`,
        size: blob.size,
      };
      return { bytes: Buffer.from(JSON.stringify(rec)), value: fileLayer(blob.path, rec), refs: [blob.sha256] };
    },
  );
}
