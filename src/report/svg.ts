/**
 * The treemap of an image's bytes as inline SVG: one box per installed
 * package (and one per group of files no package owns), its area
 * proportional to its bytes, laid out by treemap.ts over the whole drawing
 * with no gaps; inside each box its largest directories, laid out the same
 * way. Boxes carry their name and bytes as data attributes (the page's
 * script and the tests read them) and a <title> for the hover text; labels
 * are drawn where they fit. Colour: the package's first layer. Pure.
 */
import type { DirBytes, ImageReport } from './model.js';
import { esc, human, percent } from './text.js';
import { squarify, type Rect } from './treemap.js';

export const TREEMAP = { width: 1200, height: 600 } as const;

const PALETTE = [
  '#4e79a7',
  '#e8762b',
  '#59a14f',
  '#b07aa1',
  '#4f9a95',
  '#c9a227',
  '#e15759',
  '#9c755f',
  '#6b6ecf',
  '#8c6d31',
];
const GROUP_COLOR = '#7f7f7f';

interface Node {
  kind: 'package' | 'group';
  name: string;
  label: string;
  bytes: number;
  files: number;
  dirs: DirBytes[];
  color: string;
}

const n2 = (v: number): string => String(Math.round(v * 100) / 100);

function rectAttrs(r: Rect): string {
  return `x="${n2(r.x)}" y="${n2(r.y)}" width="${n2(r.w)}" height="${n2(r.h)}"`;
}

function label(r: Rect, text: string, cls: string): string {
  if (r.w < 40 || r.h < 16) return '';
  const max = Math.floor((r.w - 6) / 7);
  const t = text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;
  return `<text class="${cls}" x="${n2(r.x + 4)}" y="${n2(r.y + 13)}">${esc(t)}</text>`;
}

function nodes(img: ImageReport): Node[] {
  return [
    ...img.packages.map((p): Node => ({
      kind: 'package',
      name: p.name,
      label: `${p.name} ${p.version}`,
      bytes: p.bytes,
      files: p.files,
      dirs: p.dirs,
      color: PALETTE[(p.layers[0] ?? 0) % PALETTE.length]!,
    })),
    ...img.groups.map((g): Node => ({
      kind: 'group',
      name: g.name,
      label: g.name,
      bytes: g.bytes,
      files: g.files,
      dirs: g.dirs,
      color: GROUP_COLOR,
    })),
  ];
}

export function treemapSvg(img: ImageReport, id = 'treemap'): string {
  const all = nodes(img);
  const total = all.reduce((n, x) => n + x.bytes, 0);
  const placed = squarify(all, (x) => x.bytes, { x: 0, y: 0, w: TREEMAP.width, h: TREEMAP.height });
  const out: string[] = [
    `<svg id="${esc(id)}" class="treemap" viewBox="0 0 ${TREEMAP.width} ${TREEMAP.height}" role="img" aria-label="bytes by package and directory" data-total="${total}">`,
  ];
  for (const p of placed) {
    const x = p.item;
    const key = x.kind === 'package' ? 'data-pkg' : 'data-group';
    const title = `${x.label}: ${human(x.bytes)} (${percent(x.bytes, total)}), ${x.files} files`;
    out.push(`<g class="node ${x.kind}" ${key}="${esc(x.name)}" data-bytes="${x.bytes}" tabindex="0">`);
    out.push(`<rect class="box" ${rectAttrs(p)} fill="${x.color}"><title>${esc(title)}</title></rect>`);
    const inner = { x: p.x, y: p.y + 16, w: p.w, h: p.h - 16 };
    if (x.dirs.length > 1 && inner.w > 30 && inner.h > 30) {
      const dirTotal = x.dirs.reduce((n, d) => n + d.bytes, 0);
      for (const d of squarify(x.dirs, (d) => d.bytes, inner)) {
        if (d.w < 1 || d.h < 1) continue;
        const t = `${x.name} ${d.item.dir}: ${human(d.item.bytes)} (${percent(d.item.bytes, dirTotal)} of ${x.name}), ${d.item.files} files`;
        out.push(`<rect class="dir" ${rectAttrs(d)} data-dir="${esc(d.item.dir)}"><title>${esc(t)}</title></rect>`);
        out.push(label({ ...d, y: d.y }, d.item.dir, 'dirlabel'));
      }
    }
    out.push(label(p, x.label, 'label'), '</g>');
  }
  out.push('</svg>');
  return out.filter(Boolean).join('\n');
}
