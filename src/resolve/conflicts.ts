/** Conflicts and Breaks between the packages of a finished selection. */
import { ResolveError } from '../errors.js';
import { appliesToArch, formatRelation, satisfies, type Relation } from '../sources/debian/relations.js';
import type { Candidate } from './universe.js';

/** Throws ResolveError 'UNSATISFIABLE' for the first violated Conflicts/Breaks (in name order). */
export function checkConflicts(selected: Candidate[], chains: Map<string, string>, arch: string): void {
  const byName = new Map(selected.map((c) => [c.name, c]));
  const providers = new Map<string, Array<{ pkg: Candidate; version?: string }>>();
  for (const pkg of selected) {
    for (const p of pkg.provides()) {
      const list = providers.get(p.name) ?? [];
      list.push({ pkg, version: p.version });
      providers.set(p.name, list);
    }
  }
  const sorted = [...selected].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const pkg of sorted) {
    const rec = pkg.record;
    for (const [field, groups] of [
      ['Conflicts', rec.conflicts],
      ['Breaks', rec.breaks],
    ] as const) {
      for (const rel of groups.flat()) {
        if (!appliesToArch(rel, arch)) continue;
        const hit = victim(pkg, rel, byName, providers);
        if (hit) {
          throw new ResolveError(
            'UNSATISFIABLE',
            `${pkg.name} ${pkg.version} ${field} ${formatRelation(rel)}, but ${hit.name} ${hit.version} is also selected` +
              `\n  ${pkg.name}: ${chains.get(pkg.name)}\n  ${hit.name}: ${chains.get(hit.name)}`,
            {
              hint: `exclude one of them, or request a different alternative explicitly`,
              detail: { package: pkg.name, field, relation: formatRelation(rel), other: hit.name },
            },
          );
        }
      }
    }
  }
}

function victim(
  pkg: Candidate,
  rel: Relation,
  byName: Map<string, Candidate>,
  providers: Map<string, Array<{ pkg: Candidate; version?: string }>>,
): Candidate | undefined {
  const q = byName.get(rel.name);
  if (q && q !== pkg && satisfies(q.version, rel.op, rel.version)) return q;
  for (const p of providers.get(rel.name) ?? []) {
    if (p.pkg === pkg) continue;
    if (rel.op === undefined || (p.version !== undefined && satisfies(p.version, rel.op, rel.version))) return p.pkg;
  }
  return undefined;
}
