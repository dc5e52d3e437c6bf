/** "Did you mean" for unknown package names: close spellings first. */

/** Up to `max` names closest to `name` (edit distance, then shared prefix, then name). */
export function suggestNames(name: string, names: Iterable<string>, max = 3): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  const scored: Array<[number, string]> = [];
  for (const n of names) {
    if (n === name) continue;
    let d = Math.abs(n.length - name.length) <= limit ? distance(name, n, limit) : limit + 1;
    // "ssl" → "libssl3": a name that contains the request is a fair guess too.
    if (d > limit && name.length >= 3 && n.includes(name)) d = limit + (n.length - name.length) / 100;
    if (d <= limit + 0.99) scored.push([d, n]);
  }
  scored.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return scored.slice(0, max).map((s) => s[1]);
}

/** Levenshtein distance, giving up (returning limit + 1) once it exceeds `limit`. */
function distance(a: string, b: string, limit: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length]!;
}
