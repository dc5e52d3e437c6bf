/**
 * The report page's sections after the treemap: packages, layers, supply
 * chain, `pare check`, and the comparison with a second image. Each takes
 * report data and returns HTML with every image-supplied string escaped.
 * Pure.
 */
import type { ComparisonReport, ImageReport, SupplyReport } from './model.js';
import { esc, human, percent, shortDigest, signedHuman } from './text.js';

const td = (s: string | number, cls = ''): string => `<td${cls ? ` class="${cls}"` : ''}>${esc(s)}</td>`;
/** A numeric cell shown human-readable, sorted by its value. */
const tdBytes = (n: number): string => `<td class="num" data-v="${n}">${esc(human(n))}</td>`;
const th = (s: string, sort?: string): string => `<th${sort ? ` data-sort="${sort}"` : ''}>${esc(s)}</th>`;

function minimizedText(p: ImageReport['packages'][number]): string {
  if (!p.minimized) return '';
  const m = p.minimized;
  return `${m.status}: kept ${m.kept} of ${m.shipped} files (${m.reason})`;
}

export function packagesSection(img: ImageReport): string {
  const rows = img.packages.map(
    (p) =>
      `<tr data-pkg="${esc(p.name)}">${td(p.name, 'name')}${td(p.version)}${td(p.source.name === p.name && p.source.version === p.version ? '' : `${p.source.name} ${p.source.version}`)}${td(p.licenseConcluded ?? p.license)}${tdBytes(p.bytes)}${td(p.files, 'num')}${td(p.sha256 ? shortDigest(p.sha256) : '', 'mono')}${td(minimizedText(p))}${td(p.status)}</tr>`,
  );
  const removed = img.removed.map(
    (r) =>
      `<tr class="removed">${td(r.name, 'name')}${td(r.version)}${td('')}${td('')}${tdBytes(0)}${td(0, 'num')}${td('')}${td(`removed: ${r.reason}`)}${td('not installed')}</tr>`,
  );
  return `<section id="packages"><h2>Packages <span class="count">${img.packages.length}</span></h2>
<p class="note">Bytes are the package's files present in the image (its md5sums list), after slicing and minimization. Slicing's removals are reported by <code>pare build</code>; the image records what minimization removed. Click a row to see why the package is there.</p>
<input id="pkg-filter" type="search" placeholder="filter packages" aria-label="filter packages">
<table id="pkg-table" class="sortable"><thead><tr>${th('package', 'text')}${th('version', 'text')}${th('source', 'text')}${th('licence', 'text')}${th('bytes', 'num')}${th('files', 'num')}${th('.deb sha256')}${th('minimization', 'text')}${th('status.d', 'text')}</tr></thead>
<tbody>${[...rows, ...removed].join('\n')}</tbody></table></section>`;
}

export function layersSection(img: ImageReport): string {
  const rows = img.layers.map(
    (l) =>
      `<tr>${td(l.index + 1, 'num')}${td(shortDigest(l.digest), 'mono')}${td(human(l.compressed), 'num')}${td(human(l.uncompressed), 'num')}${td(l.files, 'num')}<td class="pkgs">${l.packages.map((p) => `<a href="#" data-pkg="${esc(p)}">${esc(p)}</a>`).join(' ')}</td>${td(l.createdBy ?? '')}</tr>`,
  );
  return `<section id="layers"><h2>Layers <span class="count">${img.layers.length}</span></h2>
<table><thead><tr>${th('#')}${th('digest')}${th('compressed')}${th('uncompressed')}${th('files')}${th('packages')}${th('created by')}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table></section>`;
}

function mark(v: boolean | undefined): string {
  return v === undefined
    ? '<span class="muted">not verified (no --key)</span>'
    : v
      ? '<span class="ok">verified</span>'
      : '<span class="bad">not verified</span>';
}

export function supplySection(s: SupplyReport): string {
  const list = (items: SupplyReport['signatures']): string =>
    items.length
      ? `<ul>${items.map((x) => `<li>${esc(x.kind)}: ${mark(x.verified)}</li>`).join('')}</ul>`
      : '<p class="muted">none</p>';
  const prov = s.provenance
    ? `<h3>Provenance</h3><dl><dt>builder</dt><dd class="mono">${esc(s.provenance.builder)}</dd><dt>build type</dt><dd class="mono">${esc(s.provenance.buildType)}</dd><dt>parameters</dt><dd class="mono">${esc(JSON.stringify(s.provenance.externalParameters))}</dd></dl>
<details><summary>${s.provenance.materials.length} materials</summary><table><thead><tr>${th('uri')}${th('sha256')}</tr></thead><tbody>${s.provenance.materials.map((m) => `<tr>${td(m.uri, 'mono')}${td(shortDigest(m.sha256), 'mono')}</tr>`).join('')}</tbody></table></details>`
    : '<h3>Provenance</h3><p class="muted">no SLSA provenance attached</p>';
  const problems = s.problems.length
    ? `<ul class="problems">${s.problems.map((p) => `<li class="bad">${esc(p.what)}: ${esc(p.code)}: ${esc(p.message)}</li>`).join('')}</ul>`
    : '';
  return `<section id="supply"><h2>Supply chain</h2><p class="note">Looked in: ${esc(s.where)}${s.keyed ? ', verified with the given key' : ''}.</p>${problems}
<div class="cols"><div><h3>Signatures</h3>${list(s.signatures)}</div><div><h3>Attestations</h3>${list(s.attestations)}</div>
<div><h3>SBOMs</h3>${s.sboms.length ? `<ul>${s.sboms.map((b) => `<li>${esc(b.format)} (${esc(b.where)})</li>`).join('')}</ul>` : '<p class="muted">none found</p>'}</div></div>${prov}</section>`;
}

export function checkSection(img: ImageReport): string {
  const f = img.check.findings;
  const lic = img.licenses;
  return `<section id="check"><h2>pare check <span class="${img.check.ok ? 'ok' : 'bad'}">${img.check.ok ? 'passed' : 'failed'}</span></h2>
${f.length ? `<ul>${f.map((x) => `<li class="${x.allowed ? 'muted' : 'bad'}">${esc(x.category)}: ${esc(x.message)}</li>`).join('')}</ul>` : '<p>No shell, package manager, setuid or world-writable file, and not running as root.</p>'}
<p>Licences: ${lic.concluded} of ${lic.packages} packages concluded, ${lic.noassertion} NOASSERTION; copyleft: ${lic.copyleft.strong.length} strong, ${lic.copyleft.weak.length} weak.</p></section>`;
}

function sizeBars(a: ImageReport, b: ImageReport): string {
  const max = Math.max(a.totals.bytes, b.totals.bytes, 1);
  const bar = (img: ImageReport, y: number, cls: string): string => {
    const w = (800 * img.totals.bytes) / max;
    return `<rect class="${cls}" x="0" y="${y}" width="${w.toFixed(2)}" height="26" data-bytes="${img.totals.bytes}"></rect><text x="${(w + 8).toFixed(2)}" y="${y + 18}">${esc(human(img.totals.bytes))}, ${img.totals.files} files, ${img.totals.packages} packages</text>`;
  };
  return `<svg class="bars" viewBox="0 0 1100 70" role="img" aria-label="sizes">${bar(a, 4, 'bar-a')}${bar(b, 38, 'bar-b')}</svg>`;
}

export function compareSection(a: ImageReport, c: ComparisonReport): string {
  const b = c.image;
  const p = c.packages;
  const pkgRows = [
    ...p.removed.map(
      (x) =>
        `<tr class="only-a">${td('only in A')}${td(x.name, 'name')}${td(x.version)}${td('')}${td(signedHuman(-x.size), 'num')}</tr>`,
    ),
    ...p.added.map(
      (x) =>
        `<tr class="only-b">${td('only in B')}${td(x.name, 'name')}${td('')}${td(x.version)}${td(signedHuman(x.size), 'num')}</tr>`,
    ),
    ...p.changed.map(
      (x) =>
        `<tr class="changed">${td('changed')}${td(x.name, 'name')}${td(x.from)}${td(x.to)}${td(signedHuman(x.sizeTo - x.sizeFrom), 'num')}</tr>`,
    ),
  ];
  const files = (kind: 'added' | 'removed', title: string): string =>
    `<details><summary>${c.files.counts[kind]} files ${title} (${human(c.files.bytes[kind])})</summary><table><tbody>${c.files[kind].map((f) => `<tr>${td(f.path, 'mono')}${td(f.type === 'file' ? human(f.size) : f.type, 'num')}${td(f.package ?? '')}</tr>`).join('')}</tbody></table>${c.files.counts[kind] > c.files[kind].length ? `<p class="muted">the ${c.files[kind].length} largest shown</p>` : ''}</details>`;
  const changed = `<details><summary>${c.files.counts.changed} files changed</summary><table><tbody>${c.files.changed.map((f) => `<tr>${td(f.path, 'mono')}${td(f.changes.join(', '))}${td(signedHuman(f.sizeTo - f.sizeFrom), 'num')}</tr>`).join('')}</tbody></table></details>`;
  const config = c.config.length
    ? `<table><thead><tr>${th('config')}${th('A')}${th('B')}</tr></thead><tbody>${c.config.map((x) => `<tr>${td(x.key, 'mono')}${td(JSON.stringify(x.a) ?? '(unset)', 'mono')}${td(JSON.stringify(x.b) ?? '(unset)', 'mono')}</tr>`).join('')}</tbody></table>`
    : '<p class="muted">same config</p>';
  return `<section id="compare"><h2>Compared with ${esc(b.source)}</h2>
<p><span class="key key-a"></span>A: ${esc(a.source)} ${esc(shortDigest(a.digest))}<br><span class="key key-b"></span>B: ${esc(b.source)} ${esc(shortDigest(b.digest))}</p>
${sizeBars(a, b)}
<p>Size ${esc(human(a.totals.bytes))} → ${esc(human(b.totals.bytes))} (${esc(signedHuman(b.totals.bytes - a.totals.bytes))}, B is ${percent(b.totals.bytes, a.totals.bytes)} of A); layers ${a.totals.layers} → ${b.totals.layers}, ${c.sharedLayers} shared.</p>
<h3>Side by side</h3><p class="note">Both treemaps at the same scale: each drawing's area is its image's bytes.</p>
<!--treemaps-->
<h3>Packages: ${p.removed.length} only in A, ${p.added.length} only in B, ${p.changed.length} changed</h3>
<table id="compare-packages"><thead><tr>${th('')}${th('package')}${th('A')}${th('B')}${th('bytes')}${th('')}</tr></thead><tbody>${pkgRows.join('\n')}</tbody></table>
<h3>Files</h3>${files('removed', 'only in A')}${files('added', 'only in B')}${changed}
<h3>Config</h3>${config}
</section>`;
}
