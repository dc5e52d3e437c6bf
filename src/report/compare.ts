/**
 * The `--compare` part of a report: `pare diff`'s comparison (pipeline/
 * image-diff.ts) of the report's image (A) with IMAGE2 (B), beside B's own
 * report. File lists are long (a runtime against a base adds thousands), so
 * the report keeps the counts and bytes of all of them and lists the largest
 * added and removed files and the first changed ones. Pure.
 */
import type { ImageDiff } from '../pipeline/image-diff.js';
import type { ComparisonReport, ImageReport } from './model.js';

/** Files listed per kind (added, removed, changed). */
export const FILE_LIMIT = 100;

const bySize = <T extends { size: number; path: string }>(a: T, b: T): number =>
  b.size - a.size || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

export function comparisonReport(diff: ImageDiff, b: ImageReport): ComparisonReport {
  const f = diff.files;
  return {
    image: b,
    packages: {
      added: diff.packages.added.map((p) => ({ name: p.name, version: p.version, size: p.size })),
      removed: diff.packages.removed.map((p) => ({ name: p.name, version: p.version, size: p.size })),
      changed: diff.packages.changed,
    },
    files: {
      counts: { added: f.added.length, removed: f.removed.length, changed: f.changed.length },
      bytes: {
        added: f.added.reduce((n, x) => n + x.size, 0),
        removed: f.removed.reduce((n, x) => n + x.size, 0),
      },
      added: [...f.added].sort(bySize).slice(0, FILE_LIMIT),
      removed: [...f.removed].sort(bySize).slice(0, FILE_LIMIT),
      changed: f.changed.slice(0, FILE_LIMIT),
    },
    config: diff.config,
    sharedLayers: diff.sharedLayers,
  };
}
