/**
 * One package, unpacked once: its data.tar goes from the decompressor
 * straight into the content-addressed cache (streamed, hashed, counted
 * against the limits, zero runs left as holes), and a small memo record keyed
 * by the .deb's sha256 holds the control files and the data.tar's digest.
 * A warm build reads neither the .deb nor a compressed byte: it verifies the
 * cached data.tar and reads it in place.
 */
import type { BlobCache } from '../fetch/index.js';
import { spoolToCache, verifiedPath } from '../fetch/spool.js';
import { debMembers, readControl, type DebContents } from '../sources/debian/deb.js';
import { compressionFromName, decompressStream } from '../util/decompress.js';

export type ControlFiles = Omit<DebContents, 'data'>;

export interface Unpacked {
  control: ControlFiles;
  /** The uncompressed data.tar in the cache. */
  dataTar: { sha256: string; size: number; path: string };
}

interface MemoRecord {
  dataTar: string;
  size: number;
  control: ControlFiles;
}

const memoKey = (debSha256: string): string => `unpacked:v1:${debSha256}`;

async function fromRecord(
  cache: BlobCache,
  bytes: Buffer,
  onBytes?: (total: number) => void,
): Promise<Unpacked | undefined> {
  let rec: MemoRecord;
  try {
    rec = JSON.parse(bytes.toString('utf8')) as MemoRecord;
  } catch {
    return undefined;
  }
  onBytes?.(rec.size); // a limit fails before any byte is read
  const tar = await verifiedPath(cache, rec.dataTar);
  if (!tar || tar.size !== rec.size) return undefined;
  return { control: rec.control, dataTar: { sha256: rec.dataTar, size: rec.size, path: tar.path } };
}

export interface UnpackOptions {
  cache: BlobCache;
  /** The .deb's bytes, asked for only when the cache has no unpacked copy. */
  deb: () => Promise<Uint8Array>;
  /** Counts unpacked bytes (limits); throws to stop. */
  onBytes?: (total: number) => void;
}

/** The package's control files and its unpacked data.tar in the cache. `label` names it in errors. */
export async function unpackPackage(debSha256: string, label: string, opts: UnpackOptions): Promise<Unpacked> {
  const { cache } = opts;
  return cache.memo(
    memoKey(debSha256),
    `${label}: unpacked record`,
    (bytes) => fromRecord(cache, bytes, opts.onBytes),
    async () => {
      const deb = await opts.deb();
      const { control, data } = debMembers(deb, label);
      const controlFiles = await readControl(control, label);
      const what = `${label}: ${data.name}`;
      const tar = await spoolToCache(cache, decompressStream(data.data, compressionFromName(data.name), what), {
        label: what,
        onBytes: opts.onBytes,
      });
      const rec: MemoRecord = { dataTar: tar.sha256, size: tar.size, control: controlFiles };
      return {
        bytes: Buffer.from(JSON.stringify(rec)),
        value: { control: controlFiles, dataTar: tar },
        refs: [tar.sha256],
      };
    },
  );
}
