/**
 * Layering: the assembled tree's entries split into layers.
 *
 * - `none`: one layer with everything (pare's original single-layer image).
 * - `origin` (apko's name): the packages grouped by source package, one layer
 *   per origin; then one small top layer with what pare generated (passwd,
 *   group, CA bundle, os-release, nsswitch.conf, contents.json); then the
 *   application layers: one per `app:NAME` owner (ecosystem dependencies,
 *   by name), then the config's `paths` content last, so an application
 *   change touches only the layers of what changed.
 *
 * A package layer's bytes depend only on its packages: it holds the files the
 * packages own (their status.d entry and md5sums included), the directories
 * the packages shipped (when first in the tree) and every parent directory
 * of those, all
 * directories with the clamp time as mtime, and every mtime clamped to
 * min(image time, the group's newest file). Two images that share packages
 * therefore share byte-identical layers.
 *
 * The budget is the most layers packages and the top layer take. When there
 * are more origins than fit, the budget-2 largest origins (bytes, then name)
 * keep their own layers and the rest share one: adding a small package to an
 * image changes only that shared layer. Entries a base image brought are in
 * its own layers and never in these. Pure.
 */
import type { LayeringConfig } from '../config/index.js';
import { fileSize } from '../tree/body.js';
import { parentOf } from '../tree/path.js';
import { isBaseOwned, type TreeEntry } from '../tree/types.js';
import type { InstalledPackage } from './assemble.js';

export interface LayerGroup {
  /** What the layer holds, for the image history. */
  name: string;
  kind: 'packages' | 'generated' | 'application' | 'all';
  entries: TreeEntry[];
  /** Clamp time for the layer's mtimes (seconds). */
  mtime: number;
}

/** Owner of the entries the config's `paths` added (tree/paths.ts). */
const APP_OWNER = 'paths';

interface Origin {
  name: string;
  packages: InstalledPackage[];
  bytes: number;
  newest: number;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function origins(packages: readonly InstalledPackage[], bytesOf: Map<string, number>): Origin[] {
  const by = new Map<string, Origin>();
  for (const p of packages) {
    const name = p.record.source?.name ?? p.record.name;
    let o = by.get(name);
    if (!o) by.set(name, (o = { name, packages: [], bytes: 0, newest: 0 }));
    o.packages.push(p);
    o.bytes += bytesOf.get(p.record.name) ?? 0;
    o.newest = Math.max(o.newest, p.newest);
  }
  return [...by.values()].sort((a, b) => cmp(a.name, b.name));
}

/** Which origins get their own layer, and which share one, within `budget` (the top layer counts). */
export function groupOrigins<T extends { name: string; bytes: number }>(all: readonly T[], budget: number): T[][] {
  const sorted = [...all].sort((a, b) => cmp(a.name, b.name));
  if (sorted.length <= budget - 1) return sorted.map((o) => [o]);
  const keep = new Set(
    [...sorted]
      .sort((a, b) => b.bytes - a.bytes || cmp(a.name, b.name))
      .slice(0, Math.max(0, budget - 2))
      .map((o) => o.name),
  );
  const own = sorted.filter((o) => keep.has(o.name)).map((o) => [o]);
  const rest = sorted.filter((o) => !keep.has(o.name));
  return rest.length ? [...own, rest] : own;
}

export function layerGroups(
  entries: readonly TreeEntry[],
  packages: readonly InstalledPackage[],
  layering: LayeringConfig,
  created: number,
): LayerGroup[] {
  const onBase = entries.some((e) => isBaseOwned(e.owner));
  if (layering.strategy === 'none') {
    if (!onBase) return [{ name: 'all', kind: 'all', entries: [...entries], mtime: created }];
    return [
      {
        name: 'all',
        kind: 'all',
        entries: withParents(
          entries.filter((e) => !isBaseOwned(e.owner)),
          entries,
        ),
        mtime: created,
      },
    ];
  }
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const bytesOf = new Map<string, number>();
  for (const e of entries) {
    if (e.type === 'file' && e.owner) bytesOf.set(e.owner, (bytesOf.get(e.owner) ?? 0) + fileSize(e));
  }
  const groups = groupOrigins(origins(packages, bytesOf), layering.budget);
  const groupOf = new Map<string, number>(); // package name → group index
  groups.forEach((g, i) => g.forEach((o) => o.packages.forEach((p) => groupOf.set(p.record.name, i))));
  // Application owners: 'app:NAME' (ecosystem dependencies) sorted by name, then 'paths' last.
  const apps = [...new Set(entries.map((e) => e.owner).filter(isAppOwner))].sort((a, b) =>
    a === APP_OWNER ? 1 : b === APP_OWNER ? -1 : cmp(a, b),
  );
  const top = groups.length;
  const appIndex = new Map(apps.map((a, i) => [a, top + 1 + i]));
  const members: TreeEntry[][] = Array.from({ length: top + 1 + apps.length }, () => []);
  const dirs: Set<string>[] = members.map(() => new Set());
  const indexOf = (owner: string | undefined): number =>
    owner === undefined ? top : (appIndex.get(owner) ?? groupOf.get(owner) ?? top);
  for (const e of entries) {
    if (isBaseOwned(e.owner)) continue; // the base's own layers hold it
    const i = indexOf(e.owner);
    if (e.type !== 'dir') members[i]!.push(e);
    else if (e.owner === undefined)
      continue; // an implicit directory: only as a parent
    else dirs[i]!.add(e.path);
    for (let up = parentOf(e.path); up !== ''; up = parentOf(up)) {
      if (dirs[i]!.has(up)) break;
      dirs[i]!.add(up);
    }
  }
  const clamp = (i: number): number =>
    i < top ? Math.min(created, Math.max(0, ...groups[i]!.map((o) => o.newest))) : created;
  const named = (i: number): Pick<LayerGroup, 'name' | 'kind'> => {
    if (i === top) return { name: 'generated files', kind: 'generated' };
    if (i > top) {
      const a = apps[i - top - 1]!;
      return { name: a === APP_OWNER ? 'application (paths)' : `application (${a.slice(4)})`, kind: 'application' };
    }
    const g = groups[i]!;
    const names = g.flatMap((o) => o.packages.map((p) => p.record.name)).sort(cmp);
    const name =
      g.length === 1 ? `origin ${g[0]!.name}: ${names.join(' ')}` : `origins ${g.map((o) => o.name).join(' ')}`;
    return { name, kind: 'packages' };
  };
  return members.map((files, i) => ({
    ...named(i),
    entries: [...[...dirs[i]!].map((p) => ({ ...byPath.get(p)!, mtime: undefined })), ...files],
    mtime: clamp(i),
  }));
}

/** Entries of these owners go to application layers: the config's `paths`, and `app:NAME` (ecosystems). */
export function isAppOwner(owner: string | undefined): owner is string {
  return owner === APP_OWNER || (owner !== undefined && owner.startsWith('app:'));
}

/** `own` plus every parent directory of it from `all` (a layer on a base image names its parents). */
function withParents(own: readonly TreeEntry[], all: readonly TreeEntry[]): TreeEntry[] {
  const byPath = new Map(all.map((e) => [e.path, e]));
  const have = new Set(own.map((e) => e.path));
  const out = [...own];
  for (const e of own) {
    for (let up = parentOf(e.path); up !== '' && !have.has(up); up = parentOf(up)) {
      have.add(up);
      out.push(byPath.get(up)!);
    }
  }
  return out;
}
