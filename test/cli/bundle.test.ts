/**
 * The CLI ships as one bundled file (dist/cli/pare.js, made by `npm run
 * build` with esbuild) that bin/pare.js loads: it must exist, run commands
 * exactly as the modules do, find the Debian keyring shipped in data/, and
 * keep the native xz binding external.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../../src/version.js';
import { pare, REPO_ROOT } from '../helpers/cli.js';

const BUNDLE = fileURLToPath(new URL('dist/cli/pare.js', `file://${REPO_ROOT}/`));

describe('the bundled CLI', () => {
  it('is built by npm run build and loaded by bin/pare.js', async () => {
    assert.ok(existsSync(BUNDLE), `${BUNDLE} is missing: npm run build makes it`);
    assert.match(readFileSync(new URL('../../../bin/pare.js', import.meta.url), 'utf8'), /dist\/cli\/pare\.js/);
    const r = await pare(['--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `pare ${VERSION}\n`);
  });

  it("answers --version with package.json's version, without loading the bundle", async () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(VERSION, pkg.version, 'src/version.ts and package.json agree');
    for (const arg of ['--version', 'version']) {
      const r = await pare([arg]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `pare ${pkg.version}\n`);
    }
    const bin = readFileSync(join(REPO_ROOT, 'bin/pare.js'), 'utf8');
    const fast = bin.slice(0, bin.indexOf('} else {'));
    assert.match(fast, /package\.json/);
    assert.doesNotMatch(fast, /import\(/, 'the --version branch imports nothing');
  });

  it('runs commands in-process like the modules, the shipped keyring included', async () => {
    const { main } = (await import(BUNDLE)) as typeof import('../../src/cli/main.js');
    let out = '';
    const io = {
      stdout: { write: (s: string) => ((out += s), true) },
      stderr: { write: () => true },
      env: process.env,
    } as unknown as Parameters<typeof main>[1];
    assert.equal(await main(['schema'], io), 0);
    assert.equal(JSON.parse(out).title, 'pare image definition');
    // The default keyring loads (else KEYRING_READ) before the offline build fails on its empty cache.
    const empty = mkdtempSync(join(tmpdir(), 'pare-bundle-'));
    let err = '';
    const io2 = { ...io, stderr: { write: (s: string) => ((err += s), true) } } as typeof io;
    try {
      assert.equal(
        await main(['resolve', join(REPO_ROOT, 'examples/base.yaml'), '--offline', '--cache-dir', empty], io2),
        1,
      );
      assert.match(err, /error\[FETCH_NETWORK\]/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    assert.match(readFileSync(BUNDLE, 'utf8'), /from\s*["']@napi-rs\/lzma/, 'the native xz binding stays external');
  });
});
