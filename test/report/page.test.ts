/**
 * `pare report` pages opened in Debian's Chromium (headless, playwright-core):
 * no console errors and no request leaving the file; one treemap box per
 * package whose area is its share of the image's bytes (within the SVG's
 * rounding); selecting a package (box or table row) shows its why-path; the
 * comparison lists the known differences; the page embeds exactly the
 * document `--format json` prints.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { ReportDocument } from '../../src/report/index.js';
import { TREEMAP } from '../../src/report/svg.js';
import { launchChromium, openReport, type OpenedPage } from '../helpers/browser.js';
import { pareInProcess } from '../helpers/cli.js';
import { buildFixture, type ReportFixture } from './fixture.js';

describe('pare report in a browser', { timeout: 240_000 }, () => {
  let work: string;
  let fx: ReportFixture;
  let browser: Browser;
  let single: OpenedPage;
  let compared: OpenedPage;
  let json: ReportDocument;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'pare-report-page-'));
    fx = await buildFixture(work);
    browser = await launchChromium();
    const r1 = await pareInProcess(['report', `${fx.a}:latest`, '-o', join(work, 'a.html'), '--key', fx.pub]);
    assert.equal(r1.code, 0, r1.stderr);
    const r2 = await pareInProcess(['report', fx.a, '--compare', fx.bTar, '-o', join(work, 'ab.html')]);
    assert.equal(r2.code, 0, r2.stderr);
    const r3 = await pareInProcess(['report', `${fx.a}:latest`, '--key', fx.pub, '--format', 'json']);
    assert.equal(r3.code, 0, r3.stderr);
    json = JSON.parse(r3.stdout) as ReportDocument;
    single = await openReport(browser, join(work, 'a.html'));
    compared = await openReport(browser, join(work, 'ab.html'));
  });
  after(async () => {
    await browser?.close();
    await fx?.repo.close();
    await rm(work, { recursive: true, force: true });
  });

  it('logs no errors and makes no request', () => {
    for (const p of [single, compared]) {
      assert.deepEqual(p.errors, [], p.url);
      assert.deepEqual(p.requests, [], p.url);
    }
  });

  it('would see a request or an error if the page made one', async () => {
    const file = join(work, 'leaky.html');
    await writeFile(file, `<script>fetch('http://127.0.0.1:9/x').catch(()=>{}); console.error('boom')</script>`);
    const p = await openReport(browser, file);
    for (let i = 0; i < 100 && p.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(p.requests, ['http://127.0.0.1:9/x']);
    assert.ok(
      p.errors.some((e) => e.includes('boom')),
      p.errors.join('\n'),
    );
  });

  it('draws one box per package, its area proportional to its bytes', async () => {
    const boxes = await single.page.$$eval('#treemap g.node', (gs) =>
      gs.map((g) => {
        const r = g.querySelector('rect.box')!;
        const n = (a: string) => Number(r.getAttribute(a));
        return {
          pkg: g.getAttribute('data-pkg'),
          group: g.getAttribute('data-group'),
          bytes: Number(g.getAttribute('data-bytes')),
          area: n('width') * n('height'),
          w: n('width'),
          h: n('height'),
        };
      }),
    );
    const pkgs = boxes.filter((b) => b.pkg !== null);
    assert.deepEqual(pkgs.map((b) => b.pkg).sort(), ['app', 'libbase', 'libfoo', 'tool']);
    assert.deepEqual(
      pkgs.map((b) => b.pkg).sort(),
      json.image.packages.map((p) => p.name),
    );
    for (const b of pkgs) assert.equal(b.bytes, json.image.packages.find((p) => p.name === b.pkg)!.bytes);
    assert.equal(json.image.packages.find((p) => p.name === 'libbase')!.bytes, 50_000);
    const total = boxes.reduce((n, b) => n + b.bytes, 0);
    assert.equal(total, json.image.totals.bytes, 'packages and groups together are every file byte');
    const canvas = TREEMAP.width * TREEMAP.height;
    for (const b of boxes) {
      const want = (b.bytes / total) * canvas;
      assert.ok(
        Math.abs(b.area - want) <= 0.01 * (b.w + b.h) + 0.01,
        `${b.pkg ?? b.group}: area ${b.area}, want ${want}`,
      );
    }
    const tiled = boxes.reduce((n, b) => n + b.area, 0);
    assert.ok(Math.abs(tiled - canvas) < 5, `boxes tile the drawing: ${tiled} of ${canvas}`);
  });

  it('shows the why-path of the package selected in the treemap or the table', async () => {
    const why = () => single.page.$$eval('#why-path li', (lis) => lis.map((l) => l.textContent));
    await single.page.click('#treemap g.node[data-pkg="libbase"]');
    assert.deepEqual(await why(), ['app', 'libfoo', 'libbase']);
    assert.match((await single.page.textContent('#detail'))!, /needed by\s*libfoo/);
    await single.page.click('#pkg-table tr[data-pkg="libfoo"] td.name');
    assert.deepEqual(await why(), ['app', 'libfoo']);
    await single.page.click('#why-path a[data-pkg="app"]');
    assert.deepEqual(await why(), ['app']);
    assert.match((await single.page.textContent('#detail'))!, /Top level/);
    assert.deepEqual(single.errors, []);
  });

  it('says the signature verified and shows the provenance', async () => {
    const text = (await single.page.textContent('#supply'))!;
    assert.match(text, /cosign signature: verified/);
    assert.match(text, /https:\/\/slsa\.dev\/provenance\/v1: verified/);
    assert.match(text, /urn:pare:builder/);
    assert.match((await single.page.textContent('#check'))!, /passed/);
  });

  it('lists the known differences in the comparison', async () => {
    const rows = await compared.page.$$eval('#compare-packages tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent).slice(0, 4)),
    );
    assert.deepEqual(rows, [
      ['only in A', 'tool', '0.9', ''],
      ['only in B', 'extra', '', '5'],
      ['changed', 'libfoo', '1.0', '2.0'],
    ]);
    assert.equal(await compared.page.locator('#treemap-b g.node[data-pkg]').count(), 4);
    await compared.page.click('#treemap-b g.node[data-pkg="extra"]');
    assert.deepEqual(await compared.page.$$eval('#why-path li', (l) => l.map((x) => x.textContent)), ['extra']);
  });

  it('embeds the document --format json prints', async () => {
    const embedded = JSON.parse((await single.page.textContent('#report-data'))!) as ReportDocument;
    assert.deepEqual(embedded, json);
    const html = await readFile(join(work, 'a.html'), 'utf8');
    assert.ok(html.length < 100_000, `a small report: ${html.length} bytes`);
  });
});
