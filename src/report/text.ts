/**
 * Small text helpers for the report's HTML: escaping (every string from an
 * image is untrusted: package names, versions, paths, labels), human sizes,
 * percentages. Pure.
 */

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or attribute value, escaped for HTML and SVG. */
export function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ESC[c]!);
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 → "1.5 KiB" (binary units, one decimal above bytes). */
export function human(n: number): string {
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${UNITS[u]}`;
}

/** "+1.5 KiB" / "-3 B". */
export function signedHuman(n: number): string {
  return `${n < 0 ? '-' : '+'}${human(Math.abs(n))}`;
}

export function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '0%';
}

/** "sha256:0123456789ab…" */
export function shortDigest(d: string | undefined): string {
  if (!d) return '';
  const m = /^(sha256:)?([0-9a-f]{12})[0-9a-f]*$/.exec(d);
  return m ? `${m[1] ?? ''}${m[2]}…` : d;
}

/** JSON for a <script type="application/json"> element: nothing in it can close the element or start a comment. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
