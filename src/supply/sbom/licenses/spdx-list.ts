/**
 * The SPDX license list, from the npm packages `spdx-license-ids` and
 * `spdx-exceptions` (the list's identifiers only; pare never embeds a listed
 * license's text, an SPDX id names it). Answers "is this an SPDX license /
 * exception id" and gives an id's canonical spelling. Pure (the lists are
 * JSON modules loaded once).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const LICENSES: readonly string[] = require('spdx-license-ids/index.json');
const DEPRECATED: readonly string[] = require('spdx-license-ids/deprecated.json');
const EXCEPTIONS: readonly string[] = require('spdx-exceptions/index.json');

const byLower = new Map<string, string>();
for (const id of [...DEPRECATED, ...LICENSES]) byLower.set(id.toLowerCase(), id);
const exceptionsByLower = new Map(EXCEPTIONS.map((id) => [id.toLowerCase(), id]));
const current = new Set(LICENSES);

/** Is `id` a current (not deprecated) SPDX license id, exactly as spelled? */
export function isSpdxLicenseId(id: string): boolean {
  return current.has(id);
}

/** Is `id` an SPDX license exception id, exactly as spelled? */
export function isSpdxExceptionId(id: string): boolean {
  return exceptionsByLower.get(id.toLowerCase()) === id;
}

/** The canonical spelling of a current SPDX license id, matched case-insensitively; undefined if none. */
export function canonicalLicenseId(id: string): string | undefined {
  const hit = byLower.get(id.toLowerCase());
  return hit !== undefined && current.has(hit) ? hit : undefined;
}

/** The canonical spelling of an SPDX exception id, matched case-insensitively. */
export function canonicalExceptionId(id: string): string | undefined {
  return exceptionsByLower.get(id.toLowerCase());
}
