/**
 * Squarified treemap layout (Bruls, Huizing, van Wijk 2000): items with
 * weights → rectangles tiling a rectangle, each with an area proportional to
 * its weight and aspect ratios kept near 1. Items are laid out largest
 * first, row by row along the shorter side; a row grows while adding the
 * next item does not worsen its worst aspect ratio. Items of weight 0 get
 * empty rectangles at the origin corner. Pure and deterministic (ties keep
 * input order).
 */

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Placed<T> extends Rect {
  item: T;
}

/** The worst aspect ratio of a row of areas laid along a side of length `side`. */
function worst(row: readonly number[], side: number): number {
  let sum = 0;
  let max = 0;
  let min = Infinity;
  for (const a of row) {
    sum += a;
    if (a > max) max = a;
    if (a < min) min = a;
  }
  if (sum === 0 || side === 0) return Infinity;
  const s2 = side * side;
  const sum2 = sum * sum;
  return Math.max((s2 * max) / sum2, sum2 / (s2 * min));
}

export function squarify<T>(items: readonly T[], weight: (t: T) => number, box: Rect): Placed<T>[] {
  const order = items.map((item, i) => ({ item, w: Math.max(0, weight(item)), i }));
  order.sort((a, b) => b.w - a.w || a.i - b.i);
  const positive = order.filter((o) => o.w > 0);
  const total = positive.reduce((n, o) => n + o.w, 0);
  const out: Placed<T>[] = [];
  if (total > 0 && box.w > 0 && box.h > 0) {
    const scale = (box.w * box.h) / total;
    const areas = positive.map((o) => o.w * scale);
    let rect = { ...box };
    let start = 0;
    while (start < areas.length) {
      const side = Math.min(rect.w, rect.h);
      let end = start + 1;
      while (end < areas.length && worst(areas.slice(start, end + 1), side) <= worst(areas.slice(start, end), side))
        end++;
      const row = areas.slice(start, end);
      const sum = row.reduce((n, a) => n + a, 0);
      const last = end === areas.length;
      if (rect.w >= rect.h) {
        // a column on the left, as wide as the row's area over the height
        const colW = last ? rect.w : sum / rect.h;
        let y = rect.y;
        row.forEach((a, k) => {
          const h = k === row.length - 1 ? rect.y + rect.h - y : a / colW;
          out.push({ item: positive[start + k]!.item, x: rect.x, y, w: colW, h });
          y += h;
        });
        rect = { x: rect.x + colW, y: rect.y, w: rect.w - colW, h: rect.h };
      } else {
        const rowH = last ? rect.h : sum / rect.w;
        let x = rect.x;
        row.forEach((a, k) => {
          const w = k === row.length - 1 ? rect.x + rect.w - x : a / rowH;
          out.push({ item: positive[start + k]!.item, x, y: rect.y, w, h: rowH });
          x += w;
        });
        rect = { x: rect.x, y: rect.y + rowH, w: rect.w, h: rect.h - rowH };
      }
      start = end;
    }
  }
  for (const o of order) if (o.w === 0 || total === 0) out.push({ item: o.item, x: box.x, y: box.y, w: 0, h: 0 });
  return out;
}
