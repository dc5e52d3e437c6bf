/**
 * Fetched packages → one root filesystem whose metadata lives in memory and
 * whose large file bodies stay in the cache. Each package is unpacked once
 * into the content-addressed cache (unpack.ts); its data.tar is then read in
 * place: small files are copied into the tree, larger ones become bodies that
 * stream from the cached archive when the layer is written. Memory does not
 * grow with the image. Maintainer scripts never run.
 */
import type { BlobCache } from '../fetch/index.js';
import type { Limits } from '../config/limits.js';
import type { PackageRecord } from '../sources/debian/packages-index.js';
import { iterTarSource, type RawTarEntry } from '../tree/tar-read.js';
import { FileTree } from '../tree/tree.js';
import type { TreeEntry } from '../tree/types.js';
import { Budget } from './budget.js';
import { fileSource, rangeBody } from './file-source.js';
import { unpackPackage, type ControlFiles, type Unpacked } from './unpack.js';

export interface InstalledPackage {
  record: PackageRecord;
  /** The .deb's control files (control, md5sums, conffiles). */
  control: ControlFiles;
  /** Newest mtime among the package's files (seconds). */
  newest: number;
}

export interface Assembled {
  tree: FileTree;
  packages: InstalledPackage[];
  /** Newest file mtime of all packages: the image time when SOURCE_DATE_EPOCH is unset. */
  newest: number;
}

/** Files up to this size are held in memory; larger ones stream from the cache. */
export const INLINE_MAX = 64 * 1024;

export interface AssembleOptions {
  cache: BlobCache;
  /** The .deb of records[i], fetched and verified; asked for only when not unpacked in the cache yet. */
  deb: (i: number) => Promise<Uint8Array>;
  limits?: Partial<Limits>;
  /** Called when a package is unpacked (progress). */
  onPackage?: (record: PackageRecord) => void;
  /** Packages fetched and unpacked at once (default 4). */
  concurrency?: number;
  /** A base image's files, put into the tree before any package (sorted, parents first). */
  base?: readonly TreeEntry[];
}

const labelOf = (r: PackageRecord): string => `${r.name}_${r.version}_${r.architecture}.deb`;

/** Entries of a cached data.tar, large files as bodies reading from it. */
function* dataEntries(u: Unpacked, label: string): Generator<RawTarEntry> {
  const src = fileSource(u.dataTar.path, u.dataTar.size);
  try {
    for (const e of iterTarSource(src, `${label}: data.tar`, { inlineMax: INLINE_MAX })) {
      if (e.ref) e.body = rangeBody(u.dataTar.path, `${u.dataTar.sha256}:${e.ref.offset}`, e.ref.offset, e.ref.size);
      yield e;
    }
  } finally {
    src.close();
  }
}

export async function assemble(records: PackageRecord[], opts: AssembleOptions): Promise<Assembled> {
  const budget = new Budget(opts.limits);
  // Unpack in parallel (decompression runs off the main thread where possible),
  // then insert in a fixed order so the tree never depends on timing.
  const unpacked: Unpacked[] = new Array(records.length);
  let next = 0;
  let failed: unknown;
  const worker = async (): Promise<void> => {
    while (failed === undefined && next < records.length) {
      const i = next++;
      const r = records[i]!;
      try {
        unpacked[i] = await unpackPackage(r.sha256, labelOf(r), {
          cache: opts.cache,
          deb: () => opts.deb(i),
          onBytes: budget.package(labelOf(r)),
        });
        opts.onPackage?.(r);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  const n = Math.max(1, Math.min(opts.concurrency ?? 4, records.length));
  await Promise.all(Array.from({ length: n }, worker));
  if (failed !== undefined) throw failed;

  const tree = new FileTree();
  for (const e of opts.base ?? []) tree.add(e);
  const packages: InstalledPackage[] = [];
  let newest = 0;
  records.forEach((record, i) => {
    const u = unpacked[i]!;
    const label = labelOf(record);
    let pkgNewest = 0;
    let count = 0;
    const entries = (function* () {
      for (const e of dataEntries(u, label)) {
        if (e.mtime > pkgNewest) pkgNewest = e.mtime;
        if (++count % 1024 === 0) budget.files(1024, label);
        yield e;
      }
    })();
    tree.addPackage(record.name, entries);
    budget.files(count % 1024, label);
    packages.push({ record, control: u.control, newest: pkgNewest });
    if (pkgNewest > newest) newest = pkgNewest;
  });
  return { tree, packages, newest };
}
