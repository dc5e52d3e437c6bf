/** How a candidate matches a relation beyond its version: arch qualifiers and provider order. */
import type { Relation } from '../sources/debian/relations.js';
import type { Candidate, Provider } from './universe.js';

/**
 * Arch qualifiers in a single-architecture universe: unqualified, ':native'
 * and the target arch match any candidate; ':any' needs Multi-Arch: allowed
 * (or foreign, which satisfies any architecture); another architecture is
 * satisfied only by a Multi-Arch: foreign package.
 */
export function archOk(pkg: Candidate, rel: Relation, arch: string): boolean {
  const q = rel.arch;
  if (q === undefined || q === 'native' || q === arch) return true;
  const ma = pkg.record.multiArch;
  if (q === 'any') return ma === 'allowed' || ma === 'foreign';
  return ma === 'foreign';
}

const PRIORITY: Record<string, number> = { required: 0, important: 1, standard: 2, optional: 3, extra: 4 };

/** Deterministic provider choice: Priority required > ... > extra, then name, then newest. */
export function providerOrder(a: Provider, b: Provider): number {
  const pa = PRIORITY[a.pkg.record.priority ?? ''] ?? 5;
  const pb = PRIORITY[b.pkg.record.priority ?? ''] ?? 5;
  if (pa !== pb) return pa - pb;
  if (a.pkg.name !== b.pkg.name) return a.pkg.name < b.pkg.name ? -1 : 1;
  return 0; // same name: providers() lists the newest version first and sort is stable
}
