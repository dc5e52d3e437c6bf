// Make the README's `pare report` screenshots (docs/report-*.png) from real builds:
// examples/base.yaml and examples/python3.yaml (signed with a throw-away key, so the
// supply-chain section has something to verify) and examples/python-app/minimized.yaml,
// each reported with bin/pare.js and photographed in Debian's headless Chromium.
//   npm run build && node scripts/report-screenshots.mjs [WORKDIR]
// The Debian mirror comes from the host's apt sources, as for any build.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const work = process.argv[2] ?? mkdtempSync(path.join(tmpdir(), 'pare-shots-'));
const env = { ...process.env, PARE_PASSWORD: '' };
const pare = (...args) =>
  execFileSync(process.execPath, [path.join(root, 'bin/pare.js'), ...args], {
    env,
    cwd: work, // relative image names, as the pages show them
    stdio: ['ignore', 'pipe', 'inherit'],
  });

pare('keygen', '--output-key-prefix', path.join(work, 'cosign'), '--force');
const key = path.join(work, 'cosign.key');
for (const [name, config, sign] of [
  ['base', 'examples/base.yaml', true],
  ['python3', 'examples/python3.yaml', true],
  ['python-app', 'examples/python-app/minimized.yaml', false],
]) {
  pare('build', path.join(root, config), '-o', name, '-q', ...(sign ? ['--sign-key', key] : []));
}
const pub = path.join(work, 'cosign.pub');
const reports = {
  base: ['base', '--key', pub],
  python3: ['python3', '--key', pub],
  compare: ['python3', '--compare', 'python-app', '--key', pub],
};
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
for (const [name, [image, ...rest]] of Object.entries(reports)) {
  const html = path.join(work, `${name}.html`);
  pare('report', image, ...rest, '-o', html); // relative names, as the page shows them
  console.log(`${name}.html: ${statSync(html).size} bytes`);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(html).href);
  const out = path.join(root, 'docs', `report-${name}.png`);
  if (name === 'compare') {
    await page.locator('#compare').scrollIntoViewIfNeeded();
    await page.evaluate(() => document.querySelector('#compare').scrollIntoView());
    await page.screenshot({ path: out });
  } else {
    const pick = name === 'base' ? 'libgcc-s1' : 'libpython3.11-stdlib';
    await page.click(`#treemap g.node[data-pkg="${pick}"]`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: out });
  }
  console.log(`wrote ${out}`);
}
await browser.close();
