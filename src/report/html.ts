/**
 * The report as one self-contained HTML page: inline CSS and script, the
 * treemap as inline SVG, the tables rendered here, and the report document
 * itself embedded as JSON (`<script type="application/json" id="report-data">`,
 * the same value `--format json` prints) for the page's interactions. A
 * Content-Security-Policy forbids every fetch, so opening it makes no
 * request. Pure: the same document gives the same bytes.
 */
import { PAGE_SCRIPT } from './client.js';
import type { ImageReport, ReportDocument } from './model.js';
import { checkSection, compareSection, layersSection, packagesSection, supplySection } from './sections.js';
import { PAGE_STYLE } from './style.js';
import { treemapSvg } from './svg.js';
import { esc, human, scriptJson, shortDigest } from './text.js';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

function overview(img: ImageReport): string {
  const t = img.totals;
  const sigs = img.supply.signatures;
  const verified = sigs.filter((s) => s.verified).length;
  const sigText =
    sigs.length === 0
      ? 'unsigned'
      : img.supply.keyed
        ? `${verified}/${sigs.length} signatures verified`
        : `${sigs.length} signature${sigs.length > 1 ? 's' : ''} (not verified)`;
  const c = img.config;
  const cmd = [...(c.entrypoint ?? []), ...(c.cmd ?? [])].join(' ');
  return `<header><h1>pare report <span class="src">${esc(img.source)}</span></h1>
<p class="mono">${esc(img.digest ?? '')}${img.digest ? ' · ' : ''}${esc(img.arch)} · ${esc(img.os.name)} ${esc(img.os.version ?? '')}${img.created ? ` · created ${esc(img.created)}` : ''}</p>
<div class="stats">
<div><b>${esc(human(t.bytes))}</b><span>uncompressed</span></div>
<div><b>${esc(human(t.compressed))}</b><span>compressed</span></div>
<div><b>${t.packages}</b><span>packages</span></div>
<div><b>${t.files}</b><span>files</span></div>
<div><b>${t.layers}</b><span>layers</span></div>
<div class="${img.check.ok ? 'ok' : 'bad'}"><b>${img.check.ok ? 'pass' : 'fail'}</b><span>pare check</span></div>
<div class="${sigs.length && (!img.supply.keyed || verified) ? 'ok' : 'muted'}"><b>${esc(sigText)}</b><span>supply chain</span></div>
</div>
<p class="mono small">${cmd ? `runs ${esc(cmd)}` : 'no entrypoint'} as ${esc(c.user ?? 'root')}${c.workingDir ? ` in ${esc(c.workingDir)}` : ''} · config ${esc(shortDigest(img.configDigest))}</p></header>`;
}

function treemapSection(img: ImageReport): string {
  return `<section id="size"><h2>Size by package and directory</h2>
<p class="note">Each box is a package (grey: files no package lists), its area its uncompressed bytes; inside, its largest directories. Colour: the layer holding it. Hover for sizes, click for details.</p>
<div class="tm-layout"><div class="tm-wrap">${treemapSvg(img)}</div>
<aside id="detail" aria-live="polite"><p class="muted">Select a package in the treemap or the table.</p></aside></div>
<p id="tm-hover" class="mono small">&nbsp;</p></section>`;
}

/** A's and B's treemaps at one scale: each drawing's width goes with the square root of its image's bytes. */
function sideBySide(a: ImageReport, b: ImageReport): string {
  const big = Math.max(a.totals.bytes, b.totals.bytes, 1);
  const box = (img: ImageReport, id: string, label: string): string =>
    `<div style="width:${(49 * Math.sqrt(img.totals.bytes / big)).toFixed(2)}%"><h4>${label}: ${esc(human(img.totals.bytes))}</h4>${treemapSvg(img, id)}</div>`;
  return `<div class="side">${box(a, 'treemap-a', 'A')}${box(b, 'treemap-b', 'B')}</div>`;
}

export function renderHtml(doc: ReportDocument): string {
  const img = doc.image;
  const nav = ['size', 'packages', 'layers', 'supply', 'check', ...(doc.compare ? ['compare'] : [])];
  const compare = doc.compare
    ? compareSection(img, doc.compare).replace('<!--treemaps-->', sideBySide(img, doc.compare.image))
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pare report: ${esc(img.source)}</title>
<style>${PAGE_STYLE}</style></head>
<body>
<nav>${nav.map((n) => `<a href="#${n}">${n === 'size' ? 'treemap' : n}</a>`).join('')}</nav>
<main>
${overview(img)}
${treemapSection(img)}
${packagesSection(img)}
${layersSection(img)}
${supplySection(img.supply)}
${checkSection(img)}
${compare}
<footer>Written by ${esc(doc.tool.name)} ${esc(doc.tool.version)} (report format ${doc.version}).</footer>
</main>
<script type="application/json" id="report-data">${scriptJson(doc)}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}
