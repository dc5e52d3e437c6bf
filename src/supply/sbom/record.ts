/**
 * /var/lib/pare/contents.json: what pare put into the image that the image
 * cannot otherwise tell — the sha256 and pool path of each .deb (dpkg's
 * status.d has no place for them) and which paths the config added. With it,
 * an SBOM made from the image alone (`pare sbom IMAGE`, a docker-archive
 * included) equals the one `pare build` writes. Mirror-independent (no host
 * names), sorted, so it never changes an image's digest for other reasons.
 * Pure.
 */
import type { TreeEntry } from '../../tree/types.js';

export const RECORD_PATH = 'var/lib/pare/contents.json';
export const RECORD_VERSION = 1;

export interface RecordedDeb {
  name: string;
  version: string;
  architecture: string;
  sha256: string;
  /** Path in the repository ("pool/main/…/x.deb"), without the mirror. */
  filename: string;
}

/** A package minimization changed: partial (still in status.d) or removed (no longer installed). */
export interface RecordedMinimized {
  name: string;
  version: string;
  architecture: string;
  status: 'partial' | 'removed';
  /** Files, symlinks and hard links the package had before minimization. */
  shipped: number;
  /** Of those, in the image. */
  kept: number;
  reason: string;
}

export interface ContentsRecord {
  version: typeof RECORD_VERSION;
  packages: RecordedDeb[];
  /** Image paths (no leading '/') of regular files the config's `paths` added, sorted. */
  files: string[];
  /** Only in minimized images: the packages minimization made partial or removed, sorted by name. */
  minimized?: RecordedMinimized[];
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function makeRecord(
  packages: readonly RecordedDeb[],
  files: readonly string[],
  minimized?: readonly RecordedMinimized[],
): ContentsRecord {
  return {
    version: RECORD_VERSION,
    packages: [...packages]
      .sort((a, b) => cmp(a.name, b.name) || cmp(a.architecture, b.architecture))
      .map((p) => ({
        name: p.name,
        version: p.version,
        architecture: p.architecture,
        sha256: p.sha256,
        filename: p.filename,
      })),
    files: [...new Set(files)].sort(cmp),
    ...(minimized
      ? {
          minimized: [...minimized]
            .sort((a, b) => cmp(a.name, b.name) || cmp(a.architecture, b.architecture))
            .map((m) => ({
              name: m.name,
              version: m.version,
              architecture: m.architecture,
              status: m.status,
              shipped: m.shipped,
              kept: m.kept,
              reason: m.reason,
            })),
        }
      : {}),
  };
}

/** The record's tree entries (directories included), owned by 'pare'. */
export function recordEntries(record: ContentsRecord): TreeEntry[] {
  const dir = (path: string): TreeEntry => ({ path, type: 'dir', mode: 0o755, uid: 0, gid: 0, owner: 'pare' });
  const data = new TextEncoder().encode(JSON.stringify(record, null, 1) + '\n');
  return [
    dir('var'),
    dir('var/lib'),
    dir('var/lib/pare'),
    { path: RECORD_PATH, type: 'file', mode: 0o644, uid: 0, gid: 0, data, owner: 'pare' },
  ];
}

/** The record in an image, or undefined when there is none or it is not one pare understands. */
export function parseRecord(bytes: Uint8Array | undefined): ContentsRecord | undefined {
  if (!bytes) return undefined;
  try {
    const r = JSON.parse(new TextDecoder().decode(bytes)) as ContentsRecord;
    if (r?.version !== RECORD_VERSION || !Array.isArray(r.packages) || !Array.isArray(r.files)) return undefined;
    return r;
  } catch {
    return undefined;
  }
}

/** Add the record to a tree-like value (FileTree): existing directories are kept. */
export function addRecord(
  tree: { has(p: string): boolean; add(e: TreeEntry, o?: { replace?: boolean }): unknown },
  record: ContentsRecord,
): void {
  for (const e of recordEntries(record)) {
    if (e.type === 'dir' && tree.has(e.path)) continue;
    tree.add(e, { replace: e.type !== 'dir' });
  }
}

/** The in-image record for a build: every planned .deb, the regular files `paths` added, and what minimization changed. */
export function recordFor(
  packages: readonly {
    record: { name: string; version: string; architecture: string; sha256: string; filename: string };
  }[],
  entries: readonly TreeEntry[],
  minimized?: readonly RecordedMinimized[],
): ContentsRecord {
  return makeRecord(
    packages.map((p) => p.record),
    entries.filter((e) => e.owner === 'paths' && e.type === 'file').map((e) => e.path),
    minimized,
  );
}
