/**
 * License grants pare does not recognize, in free text: a paragraph that
 * grants permission ("Permission is hereby granted …", "… hereby grants
 * Licensee …", "may be freely redistributed …") and that no recognized
 * license's notice or text covers becomes a LicenseRef-… whose text is that
 * paragraph, so an unknown license is listed with its words instead of being
 * dropped. The id is derived from the normalized text (the same paragraph in
 * two packages gets the same id). Pure.
 */
import { createHash } from 'node:crypto';
import type { LicenseRef } from '../model.js';
import { normalize } from './normalize.js';

const GRANT =
  /\b(?:permission (?:is )?(?:hereby )?granted|permission to (?:use|copy|distribute)|hereby grants?|redistribution and use|you (?:may|can) (?:freely )?(?:redistribute|use|copy|modify)|may be (?:freely )?(?:used|copied|distributed|redistributed|modified|reproduced)|is free software)\b/;

const GRANT_ALL = new RegExp(GRANT.source, 'g');

export interface Span {
  start: number;
  end: number;
}

/** Paragraphs (blank-line separated) of the original text with their offsets. */
function paragraphs(original: string): Span[] {
  const out: Span[] = [];
  const re = /\n[ \t]*(?:\.[ \t]*)?\n/g;
  let start = 0;
  for (const m of original.matchAll(re)) {
    out.push({ start, end: m.index! });
    start = m.index! + m[0].length;
  }
  out.push({ start, end: original.length });
  return out.filter((p) => original.slice(p.start, p.end).trim() !== '');
}

export function unknownGrants(original: string, covered: readonly Span[]): { at: number; ref: LicenseRef }[] {
  const out: { at: number; ref: LicenseRef }[] = [];
  for (const p of paragraphs(original)) {
    if (covered.some((c) => c.start < p.end && c.end > p.start)) continue;
    const norm = normalize(original.slice(p.start, p.end)).text.trim();
    if (![...norm.matchAll(GRANT_ALL)].some((g) => !/\bnot (?:\w+ )?$/.test(norm.slice(0, g.index!)))) continue;
    const id = `LicenseRef-unrecognized-${createHash('sha256').update(norm).digest('hex').slice(0, 12)}`;
    const text = original
      .slice(p.start, p.end)
      .split('\n')
      .map((l) => l.trim())
      .join('\n');
    out.push({ at: p.start, ref: { id, name: 'license text pare does not recognize', text } });
  }
  return out;
}
