/**
 * Test helper: Debian's Chromium, headless, driven by playwright-core. A
 * missing /usr/bin/chromium is an Error naming the installer, so a test
 * fails with a clear message and never skips. openReport() opens a local
 * HTML file and records everything that would show a broken page: console
 * errors, uncaught exceptions, and any request other than the file itself
 * (every request is intercepted and only the file is let through).
 */
import { accessSync, constants } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    throw new Error(
      `chromium is not installed at ${CHROMIUM}: run ./scripts/install-test-tools.sh (it installs Debian's chromium package)`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

export interface OpenedPage {
  page: Page;
  url: string;
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Every request the page made other than the file itself (blocked). */
  requests: string[];
}

export async function openReport(
  browser: Browser,
  file: string,
  viewport = { width: 1400, height: 1000 },
): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport });
  const url = pathToFileURL(file).href;
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`exception: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== url && !requests.includes(r.url())) requests.push(r.url());
  });
  await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
  await page.goto(url, { waitUntil: 'load' });
  return { page, url, errors, requests };
}
