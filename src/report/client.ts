/**
 * The report page's script, inlined into the page: selecting a package (a
 * treemap box, a table row, a link) shows its details and why-path from the
 * embedded report data; hovering a box shows its sizes; table headers sort;
 * the filter box filters. Plain ES2020 for any current browser, builds DOM
 * with textContent only (the data comes from an image and is untrusted),
 * makes no request. Pure data.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var doc = JSON.parse(document.getElementById('report-data').textContent);
  var imgA = doc.image, imgB = doc.compare ? doc.compare.image : null;
  function index(img) {
    var m = {};
    if (!img) return m;
    img.packages.forEach(function (p) { m[p.name] = { kind: 'package', p: p, img: img }; });
    img.groups.forEach(function (g) { m[g.name] = { kind: 'group', p: g, img: img }; });
    return m;
  }
  var byA = index(imgA), byB = index(imgB);
  function human(n) {
    var u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'], i = 0, v = n;
    while (Math.abs(v) >= 1024 && i < u.length - 1) { v /= 1024; i++; }
    return i === 0 ? v + ' B' : v.toFixed(1) + ' ' + u[i];
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function link(name) {
    var a = el('a', name);
    a.href = '#';
    a.setAttribute('data-pkg', name);
    return a;
  }
  function links(names) {
    var span = el('span');
    if (!names.length) { span.appendChild(el('span', 'none', 'muted')); return span; }
    names.forEach(function (n, i) { if (i) span.appendChild(document.createTextNode(', ')); span.appendChild(link(n)); });
    return span;
  }
  function row(dl, key, value) {
    dl.appendChild(el('dt', key));
    var dd = el('dd');
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = String(value);
    dl.appendChild(dd);
  }
  function dirs(list) {
    var ul = el('ul');
    list.forEach(function (d) { ul.appendChild(el('li', d.dir + ': ' + human(d.bytes) + ' (' + d.files + ' files)')); });
    return ul;
  }
  function show(entry) {
    var box = document.getElementById('detail');
    box.textContent = '';
    var p = entry.p, total = entry.img.totals.bytes;
    var pct = total ? ' (' + (100 * p.bytes / total).toFixed(1) + '% of the image)' : '';
    if (entry.kind === 'group') {
      box.appendChild(el('h3', p.name));
      box.appendChild(el('p', p.description));
      box.appendChild(el('p', human(p.bytes) + pct + ', ' + p.files + ' files'));
      box.appendChild(dirs(p.dirs));
      return;
    }
    box.appendChild(el('h3', p.name + ' ' + p.version));
    if (entry.img === imgB) box.appendChild(el('p', 'in B: ' + imgB.source, 'muted'));
    box.appendChild(el('h4', 'Why it is there'));
    var why = el('ol', null, 'why');
    why.id = 'why-path';
    p.why.forEach(function (n, i) { why.appendChild(el('li')).appendChild(i === p.why.length - 1 ? el('b', n) : link(n)); });
    box.appendChild(why);
    box.appendChild(el('p', p.why.length === 1
      ? 'Top level: no installed package depends on it (the config asked for it, or the base image brought it).'
      : 'Needed through ' + p.why[p.why.length - 2] + ', from the top-level package ' + p.why[0] + '.', 'muted small'));
    var dl = el('dl');
    row(dl, 'bytes', human(p.bytes) + pct);
    row(dl, 'files', p.files);
    row(dl, 'source', p.source.name + ' ' + p.source.version);
    row(dl, 'licence', p.licenseConcluded ? p.licenseConcluded + ' (concluded)' : p.license);
    row(dl, '.deb sha256', p.sha256 || 'not recorded');
    row(dl, 'status.d', p.status);
    row(dl, 'layers', p.layers.map(function (i) { return i + 1; }).join(', ') || 'none');
    if (p.minimized) row(dl, 'minimization', p.minimized.status + ': kept ' + p.minimized.kept + ' of ' + p.minimized.shipped + ' files (' + p.minimized.reason + ')');
    row(dl, 'depends on', links(p.dependencies));
    row(dl, 'needed by', links(p.dependents));
    box.appendChild(dl);
    box.appendChild(el('h4', 'Largest directories'));
    box.appendChild(dirs(p.dirs));
  }
  function select(name, inB) {
    var entry = (inB ? byB[name] : byA[name]) || byA[name] || byB[name];
    if (!entry) return;
    document.querySelectorAll('.selected').forEach(function (e) { e.classList.remove('selected'); });
    document.querySelectorAll('[data-pkg], [data-group]').forEach(function (e) {
      var n = e.getAttribute('data-pkg') || e.getAttribute('data-group');
      if (n === name && (e.matches('g.node') || e.matches('tr'))) e.classList.add('selected');
    });
    show(entry);
  }
  document.addEventListener('click', function (ev) {
    var t = ev.target instanceof Element ? ev.target : null;
    var hit = t && t.closest('[data-pkg], g.node[data-group]');
    if (!hit) return;
    ev.preventDefault();
    select(hit.getAttribute('data-pkg') || hit.getAttribute('data-group'), !!hit.closest('#treemap-b'));
  });
  document.addEventListener('keydown', function (ev) {
    var t = ev.target instanceof Element ? ev.target : null;
    if (ev.key === 'Enter' && t && t.matches('g.node')) select(t.getAttribute('data-pkg') || t.getAttribute('data-group'), !!t.closest('#treemap-b'));
  });
  var hover = document.getElementById('tm-hover');
  document.querySelectorAll('svg.treemap rect').forEach(function (r) {
    r.addEventListener('mouseenter', function () {
      var title = r.querySelector('title');
      if (hover && title) hover.textContent = title.textContent;
    });
  });
  document.querySelectorAll('th[data-sort]').forEach(function (th) {
    th.addEventListener('click', function () {
      var table = th.closest('table'), body = table.tBodies[0], col = th.cellIndex;
      var asc = th.getAttribute('data-dir') !== 'asc';
      th.setAttribute('data-dir', asc ? 'asc' : 'desc');
      var num = th.getAttribute('data-sort') === 'num';
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (x, y) {
        var cx = x.cells[col], cy = y.cells[col];
        var a = cx.hasAttribute('data-v') ? cx.getAttribute('data-v') : cx.textContent;
        var b = cy.hasAttribute('data-v') ? cy.getAttribute('data-v') : cy.textContent;
        var c = num ? Number(a) - Number(b) : a.localeCompare(b);
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  var filter = document.getElementById('pkg-filter');
  if (filter) filter.addEventListener('input', function () {
    var q = filter.value.toLowerCase();
    document.querySelectorAll('#pkg-table tbody tr').forEach(function (r) {
      r.style.display = r.textContent.toLowerCase().indexOf(q) >= 0 ? '' : 'none';
    });
  });
})();
`.trim();
