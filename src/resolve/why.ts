/** Explains why one relation cannot be satisfied, for UNSATISFIABLE messages. */
import { formatRelation, satisfies, type Relation } from '../sources/debian/relations.js';
import { archOk } from './match.js';
import type { Candidate, Universe } from './universe.js';

/** What whyNot reads of a solver attempt (solver.ts's Attempt has these). */
export interface SolverState {
  readonly u: Universe;
  readonly selected: ReadonlyMap<string, Candidate>;
  readonly pins: ReadonlyMap<string, ReadonlyArray<{ op: Relation['op']; version: string; chain: string }>>;
  chainOf(name: string): string;
}

export function whyNot(at: SolverState, rel: Relation): string {
  const { u } = at;
  const versions = u.versions(rel.name);
  const providers = u.providers(rel.name);
  const shown = formatRelation(rel);
  if (versions.length === 0 && providers.length === 0) return `${rel.name} is not available for ${u.arch}`;
  const out: string[] = [];
  if (versions.length > 0) {
    const sel = at.selected.get(rel.name);
    const matching = versions.filter((v) => satisfies(v.version, rel.op, rel.version));
    if (sel && !satisfies(sel.version, rel.op, rel.version)) {
      const pins = at.pins.get(rel.name) ?? [];
      const by = pins.length ? pins.map((c) => c.chain).join('; ') : at.chainOf(rel.name);
      out.push(`${rel.name} ${sel.version} is already selected (${by})`);
    } else if (matching.length === 0) {
      const list = versions.map((v) => v.version);
      out.push(
        `only ${rel.name} ${list.slice(0, 5).join(', ')}${list.length > 5 ? ', ...' : ''} ${list.length === 1 ? 'is' : 'are'} available`,
      );
    } else if (!matching.some((v) => archOk(v, rel, u.arch))) {
      out.push(
        `${rel.name} is not Multi-Arch: ${rel.arch === 'any' ? 'allowed' : 'foreign'}, so ${shown} cannot be satisfied`,
      );
    } else {
      const pins = at.pins.get(rel.name) ?? [];
      out.push(
        `${rel.name} ${matching[0]!.version} would fit but ${pins.map((c) => `${c.chain} (${c.op} ${c.version})`).join('; ')} rules it out`,
      );
    }
  }
  if (providers.length > 0 && (versions.length === 0 || rel.op !== undefined)) {
    const names = [...new Set(providers.map((p) => (p.version ? `${p.pkg.name} (= ${p.version})` : p.pkg.name)))];
    const list = names.slice(0, 5).join(', ') + (names.length > 5 ? ', ...' : '');
    if (rel.op !== undefined && providers.every((p) => p.version === undefined)) {
      out.push(`${rel.name} is only provided without a version (by ${list}), which cannot satisfy ${shown}`);
    } else {
      out.push(`${rel.name} is provided by ${list}, none of which can be used for ${shown}`);
    }
  }
  return out.join('; ');
}
