/**
 * Scanner metadata that tells the truth after minimization. Every package's
 * md5sums lists exactly the files of it that are in the image (a file pare
 * rewrote, such as os-release, with the checksum of the bytes it now holds),
 * so every line verifies. A package minimization left with nothing but its
 * copyright file is no longer installed: its status.d entry and md5sums go,
 * and it is reported as removed. A package that keeps some files stays in
 * status.d — scanners keep matching it — and is reported as partial. Pure.
 */
import { createHash } from 'node:crypto';
import type { InstalledPackage } from '../sources/debian/installed.js';
import { fileBytes } from '../tree/body.js';
import type { MinimizeResult } from '../tree/minimize.js';
import type { FileTree } from '../tree/tree.js';
import type { RecordedMinimized } from '../supply/sbom/record.js';
import { STATUS_DIR } from './status.js';

/** A package minimization changed, as the contents record keeps it (supply/sbom/record.ts). */
export type MinimizedPackage = RecordedMinimized;

const enc = new TextEncoder();
const dec = new TextDecoder();
const COPYRIGHT = /^usr\/share\/doc\/[^/]+\/copyright$/;

/** The md5sums text with only the lines whose file `name` has in the tree. */
export function presentMd5sums(tree: FileTree, name: string, md5sums: string): string {
  const out: string[] = [];
  for (const line of md5sums.split('\n')) {
    const m = /^([0-9a-fA-F]{32}) [ *]?(.+)$/.exec(line.trimEnd());
    if (!m) continue;
    const path = m[2]!.replace(/^\/+/, '');
    const real = tree.realpath(path);
    const e = real === undefined ? undefined : tree.get(real);
    if (e === undefined || (e.type !== 'file' && e.type !== 'hardlink')) continue;
    if (e.owner === name) out.push(`${m[1]!.toLowerCase()}  ${m[2]!}`);
    else if (e.type === 'file' && e.replaced?.owner === name)
      out.push(`${createHash('md5').update(fileBytes(e)).digest('hex')}  ${m[2]!}`);
  }
  return out.length ? out.join('\n') + '\n' : '';
}

/**
 * Make every package's md5sums list exactly its files present in the tree (in
 * place): after slicing, `paths:` and any rewrite pare did, every line verifies.
 */
export function truthfulMd5sums(tree: FileTree, packages: readonly InstalledPackage[]): void {
  for (const p of packages) {
    const name = p.record.name;
    const entry = tree.get(`${STATUS_DIR}/${name}.md5sums`);
    if (entry?.type !== 'file' || entry.owner !== name) continue;
    const before = dec.decode(fileBytes(entry));
    const text = presentMd5sums(tree, name, before);
    if (text !== before) tree.add({ ...entry, data: enc.encode(text), body: undefined }, { replace: true });
  }
}

/** Rewrite status.d after `minimize` (in place); returns the packages it changed, sorted by name. */
export function truthfulStatus(
  tree: FileTree,
  packages: readonly InstalledPackage[],
  result: MinimizeResult,
): MinimizedPackage[] {
  const remaining = new Map<string, number>();
  for (const e of tree.entries()) {
    if (e.type === 'dir' || e.owner === undefined || e.path.startsWith(`${STATUS_DIR}/`) || COPYRIGHT.test(e.path))
      continue;
    remaining.set(e.owner, (remaining.get(e.owner) ?? 0) + 1);
  }
  const stats = new Map(result.packages.map((p) => [p.name, p]));
  const out: MinimizedPackage[] = [];
  for (const p of [...packages].sort((a, b) => (a.record.name < b.record.name ? -1 : 1))) {
    const { name, version, architecture } = p.record;
    const s = stats.get(name);
    const md5 = `${STATUS_DIR}/${name}.md5sums`;
    if (s && (remaining.get(name) ?? 0) === 0) {
      tree.delete(`${STATUS_DIR}/${name}`);
      tree.delete(md5);
      out.push({
        name,
        version,
        architecture,
        status: 'removed',
        shipped: s.before,
        kept: s.kept,
        reason: 'minimization: the application used none of its files (only its copyright file is kept)',
      });
      continue;
    }
    const entry = tree.get(md5);
    if (entry?.type === 'file' && entry.owner === name) {
      const text = presentMd5sums(tree, name, dec.decode(fileBytes(entry)));
      tree.add({ ...entry, data: enc.encode(text), body: undefined }, { replace: true });
    }
    if (s)
      out.push({
        name,
        version,
        architecture,
        status: 'partial',
        shipped: s.before,
        kept: s.kept,
        reason: `minimization kept ${s.kept} of its ${s.before} files (status.d md5sums lists them)`,
      });
  }
  return out;
}
