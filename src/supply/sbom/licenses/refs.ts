/**
 * LicenseRef-… ids are per document: two packages may use the same name
 * ("LicenseRef-GPL", "LicenseRef-public-domain") for different texts. The
 * first text keeps the plain id; another text gets the id suffixed with the
 * first 8 hex digits of its sha256, and the package's expressions are
 * rewritten to match. Deterministic for a given package order. Pure.
 */
import { createHash } from 'node:crypto';
import type { LicenseRef } from '../model.js';

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class LicenseRefs {
  readonly #byId = new Map<string, LicenseRef>();

  /** Add a package's refs; returns a function that rewrites that package's expressions to the ids used. */
  add(refs: readonly LicenseRef[]): (expression: string) => string {
    const renames: [RegExp, string][] = [];
    for (const r of refs) {
      const existing = this.#byId.get(r.id);
      if (!existing) {
        this.#byId.set(r.id, r);
        continue;
      }
      if (existing.text === r.text) continue;
      const id = `${r.id}-${createHash('sha256').update(r.text).digest('hex').slice(0, 8)}`;
      if (!this.#byId.has(id)) this.#byId.set(id, { ...r, id });
      renames.push([new RegExp(`(?<![A-Za-z0-9.-])${escape(r.id)}(?![A-Za-z0-9.-])`, 'g'), id]);
    }
    return (e) => renames.reduce((acc, [re, id]) => acc.replace(re, id), e);
  }

  /** Every ref, sorted by id. */
  list(): LicenseRef[] {
    return [...this.#byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
