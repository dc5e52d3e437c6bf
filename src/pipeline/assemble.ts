/**
 * Fetched .deb files → one in-memory root filesystem. Archives are streamed
 * from memory, never unpacked to disk, and maintainer scripts never run.
 */
import { sha256Hex, type BlobCache } from '../fetch/index.js';
import { readDeb } from '../sources/debian/deb.js';
import { decompress, type Compression } from '../util/decompress.js';
import type { PackageRecord } from '../sources/debian/packages-index.js';
import type { InstalledPackage } from '../sources/debian/installed.js';
import { FileTree } from '../tree/tree.js';

export type { InstalledPackage };

export interface Assembled {
  tree: FileTree;
  packages: InstalledPackage[];
  /** Newest file mtime of all packages: the image time when SOURCE_DATE_EPOCH is unset. */
  newest: number;
}

/**
 * Decompressing data.tar (xz, mostly) is the slowest step of a warm build, and
 * a pure function of the .deb: keep the result in the content-addressed cache,
 * keyed by the .deb's sha256, verified on every read like any other blob.
 */
function memoizedUnpack(cache: BlobCache, debSha256: string) {
  return async (compressed: Uint8Array, kind: Compression, label: string): Promise<Uint8Array> => {
    const key = `data.tar:${debSha256}`;
    const pointer = await cache.getMeta(key);
    const hit = pointer ? await cache.get(pointer.toString()) : undefined;
    if (hit) return hit;
    const tar = await decompress(compressed, kind, label);
    const digest = sha256Hex(tar);
    await cache.put(digest, tar, label);
    await cache.putMeta(key, Buffer.from(digest));
    return tar;
  };
}

export async function assemble(records: PackageRecord[], debs: Uint8Array[], cache?: BlobCache): Promise<Assembled> {
  // Decompress in parallel (xz/zstd/gzip run off the main thread where possible),
  // then insert in a fixed order so the tree never depends on timing.
  const contents = await Promise.all(
    records.map((r, i) =>
      readDeb(
        debs[i]!,
        `${r.name}_${r.version}_${r.architecture}.deb`,
        cache ? { unpackData: memoizedUnpack(cache, r.sha256) } : {},
      ),
    ),
  );
  const tree = new FileTree();
  const packages: InstalledPackage[] = [];
  let newest = 0;
  records.forEach((record, i) => {
    const c = contents[i];
    let pkgNewest = 0;
    for (const e of c!.data) if (e.mtime > pkgNewest) pkgNewest = e.mtime;
    tree.addPackage(record.name, c!.data);
    packages.push({
      record,
      control: { control: c!.control, md5sums: c!.md5sums, conffiles: c!.conffiles },
      newest: pkgNewest,
    });
    if (pkgNewest > newest) newest = pkgNewest;
  });
  return { tree, packages, newest };
}
