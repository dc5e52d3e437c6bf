/**
 * Comparing pare's license detection with Debian's `licensecheck` on the
 * copyright files of the catalog's packages (test/fixtures/copyright/<release>/<package>,
 * copied from the images `examples/*.yaml` build). Both sides become sets of
 * SPDX ids: pare's concluded expression (its declared one when nothing was
 * concluded) without LicenseRef-… ids other than public-domain; licensecheck's
 * `--shortname-scheme spdx` names, its bare Debian names ("GPL-2") mapped by
 * pare's own Debian-name table.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../helpers/cli.js';
import { copyrightLicense, licenseIds, spdxIdForName } from '../../src/supply/sbom/licenses.js';

const run = promisify(execFile);
export const COPYRIGHT_FIXTURES = join(REPO_ROOT, 'test/fixtures/copyright');

export interface Disagreement {
  /** Licenses only pare found. */
  pare: string[];
  /** Licenses only licensecheck found. */
  licensecheck: string[];
}

/** "<release>/<package>" for every fixture file, sorted. */
export async function fixtureFiles(): Promise<string[]> {
  const out: string[] = [];
  for (const release of (await readdir(COPYRIGHT_FIXTURES, { withFileTypes: true })).filter((d) => d.isDirectory()))
    for (const f of await readdir(join(COPYRIGHT_FIXTURES, release.name))) out.push(`${release.name}/${f}`);
  return out.sort();
}

const token = (id: string): string => (id.startsWith('LicenseRef-public-domain') ? 'public-domain' : id);

export async function pareSet(file: string): Promise<string[]> {
  const l = copyrightLicense(await readFile(join(COPYRIGHT_FIXTURES, file), 'utf8'), file);
  const expr = l.concluded !== 'NOASSERTION' ? l.concluded : l.declared;
  const ids = licenseIds(expr).map(token);
  return [...new Set(ids.filter((i) => !i.startsWith('LicenseRef-')))].sort();
}

/** licensecheck's names for each file (whole file, every license, SPDX names). */
export async function licensecheckSets(files: string[]): Promise<Map<string, string[]>> {
  let stdout: string;
  try {
    ({ stdout } = await run(
      'licensecheck',
      ['--machine', '--lines', '0', '--shortname-scheme', 'spdx', '--check', '.*', ...files],
      { cwd: COPYRIGHT_FIXTURES, maxBuffer: 16 << 20 },
    ));
  } catch (e) {
    throw new Error(
      `licensecheck (Debian package licensecheck) is needed: run scripts/install-test-tools.sh (${(e as Error).message})`,
    );
  }
  const out = new Map<string, string[]>();
  for (const line of stdout.trim().split('\n')) {
    const [file, names] = line.split('\t');
    const ids = names!
      .replace(/\bwith \S+ exception\b/g, ' ')
      .replace(/[()]/g, ' ')
      .split(/\s+(?:and\/or|or|and)\s+/)
      .map((n) => n.trim())
      .filter((n) => n && n !== 'UNKNOWN')
      .map((n) => (n === 'public-domain' ? n : (spdxIdForName(n) ?? n)));
    out.set(file!, [...new Set(ids)].sort());
  }
  return out;
}

/** Every file where the two differ. */
export async function disagreements(): Promise<Record<string, Disagreement>> {
  const files = await fixtureFiles();
  const lc = await licensecheckSets(files);
  const out: Record<string, Disagreement> = {};
  for (const f of files) {
    const p = await pareSet(f);
    const l = lc.get(f) ?? [];
    const d = { pare: p.filter((x) => !l.includes(x)), licensecheck: l.filter((x) => !p.includes(x)) };
    if (d.pare.length || d.licensecheck.length) out[f] = d;
  }
  return out;
}
