/** The report page's stylesheet, inlined into the page. Pure data. */
export const PAGE_STYLE = `
:root{--fg:#1d2330;--muted:#6b7280;--line:#e3e6ea;--bg:#fff;--panel:#f6f7f9;--ok:#1a7f37;--bad:#c0392b;--a:#e15759;--b:#4e79a7}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
nav{position:sticky;top:0;z-index:2;background:#1d2330;padding:6px 16px}nav a{color:#dfe3ea;margin-right:16px;text-decoration:none;font-weight:600}
main{max-width:1400px;margin:0 auto;padding:8px 16px 40px}h1{font-size:20px;margin:10px 0 2px}h1 .src{font-weight:400}
h2{font-size:17px;margin:26px 0 6px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:14px;margin:14px 0 4px}
.count{color:var(--muted);font-weight:400}.mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px;word-break:break-all}.small{font-size:12px}
.note,.muted{color:var(--muted)}.ok{color:var(--ok)}.bad{color:var(--bad)}
.stats{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}.stats div{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:6px 12px;min-width:96px}
.stats b{display:block;font-size:17px}.stats span{color:var(--muted);font-size:12px}
.tm-layout{display:flex;gap:12px;align-items:flex-start}.tm-wrap{flex:1 1 auto;min-width:0}
svg.treemap{width:100%;height:auto;display:block;border:1px solid var(--line)}
svg.treemap .box{stroke:#fff;stroke-width:1.5}svg.treemap .dir{fill:#fff;fill-opacity:.13;stroke:#fff;stroke-opacity:.45;stroke-width:.6}
svg.treemap text{font:11px system-ui,sans-serif;fill:#fff;pointer-events:none}svg.treemap .label{font-weight:700;font-size:12px}svg.treemap .dirlabel{fill-opacity:.85;font-size:10px}
svg.treemap .node{cursor:pointer}svg.treemap .node:hover .box,svg.treemap .node.selected .box{stroke:#1d2330;stroke-width:3}
aside#detail{flex:0 0 330px;background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:10px 12px;font-size:13px;max-height:640px;overflow:auto}
aside#detail h3{margin-top:0}aside#detail dd,aside#detail li{overflow-wrap:anywhere}aside#detail dl{grid-template-columns:90px 1fr}.why{list-style:none;padding:0;margin:4px 0}.why li{padding:1px 0}.why li+li:before{content:"↳ ";color:var(--muted)}
a[data-pkg]{color:#1f5fa8;cursor:pointer}
table{border-collapse:collapse;width:100%;margin:6px 0;font-size:13px}th,td{border-bottom:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}
th{background:var(--panel);position:sticky;top:30px}th[data-sort]{cursor:pointer}th[data-sort]:after{content:" ⇅";color:var(--muted)}
td.num{text-align:right;white-space:nowrap}tr[data-pkg]{cursor:pointer}tr[data-pkg]:hover,tr.selected{background:#eef4fb}tr.removed{color:var(--muted)}
#pkg-filter{padding:4px 8px;width:260px;border:1px solid var(--line);border-radius:4px}
.cols{display:flex;gap:24px;flex-wrap:wrap}.cols>div{min-width:220px}dl{display:grid;grid-template-columns:120px 1fr;gap:2px 10px}dt{color:var(--muted)}dd{margin:0}
svg.bars{width:100%;max-width:1100px;height:auto}.bar-a{fill:var(--a)}.bar-b{fill:var(--b)}svg.bars text{font:13px system-ui,sans-serif}
.key{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:-1px}.key-a{background:var(--a)}.key-b{background:var(--b)}
tr.only-a td:first-child{color:var(--a);font-weight:600}tr.only-b td:first-child{color:var(--b);font-weight:600}
.side{display:flex;gap:2%;align-items:flex-start}.side h4{margin:4px 0}td.delta{width:210px}td.delta svg{width:200px;height:10px;display:block;margin-top:4px}
footer{margin-top:30px;color:var(--muted);font-size:12px}
`.trim();
