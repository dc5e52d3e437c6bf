/**
 * The debug variant's second layer: busybox-static, resolved from the same
 * repositories as the image, relocated under /busybox (distroless/busybox.ts).
 * The normal layer is untouched, so the image without it stays shell-free.
 */
import type { BlobCache, Http, Progress } from '../fetch/index.js';
import { fetchBlobs } from '../fetch/index.js';
import { buildLayer, type BuiltLayer } from '../oci/index.js';
import { resolve } from '../resolve/solver.js';
import { readDeb } from '../sources/debian/deb.js';
import type { PackageRecord } from '../sources/debian/packages-index.js';
import { loadUniverse } from './resolve.js';
import type { Resolved } from './types.js';
import { BUSYBOX_DIR, BUSYBOX_PACKAGE, debugEntries, findBusybox } from '../distroless/busybox.js';

export interface DebugLayer {
  layer: BuiltLayer;
  record: PackageRecord;
  entrypoint: string[];
  /** The directory to append to PATH. */
  path: string;
}

export async function debugLayer(
  resolved: Pick<Resolved, 'arch' | 'suites' | 'universe'>,
  mtime: number,
  opts: { cache: BlobCache; http?: Http; offline?: boolean; now?: Date; progress?: Progress },
): Promise<DebugLayer> {
  // The universe the resolver read, when it read one; a memoized plan did not, so read the indexes (verified).
  const universe = resolved.universe ?? (await loadUniverse(resolved.arch, resolved.suites, opts));
  const plan = resolve(universe, { packages: [BUSYBOX_PACKAGE], exclude: [] });
  const record = plan.packages.find((p) => p.record.name === BUSYBOX_PACKAGE)!.record;
  const label = `${record.name}_${record.version}_${record.architecture}.deb`;
  const [deb] = await fetchBlobs(
    [{ url: `${record.origin!.url}/${record.filename}`, sha256: record.sha256, size: record.size, label }],
    opts,
  );
  const contents = await readDeb(deb!, label);
  const binary = findBusybox(contents.data, label);
  const entries = debugEntries(binary, {
    record,
    control: { control: contents.control, md5sums: contents.md5sums, conffiles: contents.conffiles },
    newest: mtime,
  });
  const layer = await buildLayer(entries, { mtime });
  return { layer, record, entrypoint: [`/${BUSYBOX_DIR}/sh`], path: `/${BUSYBOX_DIR}` };
}
