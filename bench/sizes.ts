/**
 * Sizes of the image catalog: builds every examples/*.yaml image (Debian
 * mirror from the host's apt sources) and prints a Markdown table — packages,
 * files, uncompressed size (file bytes, what `docker images` reports, and the
 * layer tar), compressed size (the gzip layer as pushed), what slicing
 * removed — next to Google distroless's published sizes.
 *
 *   npm run build && node dist/bench/sizes.js [--cache-dir DIR] [--only base,cc]
 *
 * The table goes to stdout, progress to stderr.
 */
import { pare } from './pare-process.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';

const MiB = 1024 * 1024;
const MB = 1e6;

/** Google distroless's published sizes (README of GoogleContainerTools/distroless), in bytes. */
const DISTROLESS: Record<string, { bytes: number; label: string } | undefined> = {
  static: { bytes: 2 * MiB, label: '≈ 2 MiB' },
  base: { bytes: 20 * MiB, label: '≈ 20 MiB' },
  cc: { bytes: 35 * MB, label: '≈ 35 MB' },
};

const CATALOG = ['static', 'base', 'cc', 'python3', 'nodejs', 'java', 'base-trixie', 'python3-trixie'];

const { values } = parseArgs({ options: { 'cache-dir': { type: 'string' }, only: { type: 'string' } } });
const work = mkdtempSync(join(tmpdir(), 'pare-sizes-'));
const cache = values['cache-dir'] ?? join(work, 'cache');
const images = values.only ? values.only.split(',') : CATALOG;

interface Row {
  image: string;
  packages: number;
  files: number;
  bytes: number;
  tar: number;
  compressed: number;
  slicedFiles: number;
  slicedBytes: number;
}

function measure(name: string): Row {
  const layout = join(work, name);
  const build = pare(['build', join('examples', `${name}.yaml`), '-o', layout, '--cache-dir', cache, '-q']);
  // "amd64: slicing removed 39 files, 570.3 KiB (583984 bytes)"
  const sliced = /slicing removed (\d+) files?, .*?\((\d+) bytes\)/.exec(build.stderr);
  const check = JSON.parse(pare(['check', layout, '--json']).stdout) as {
    summary: { packages: unknown[]; files: number; bytes: number };
  };
  const blob = (digest: string): Buffer =>
    readFileSync(join(layout, 'blobs', 'sha256', digest.replace(/^sha256:/, '')));
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const manifest = JSON.parse(blob(index.manifests[0]!.digest).toString()) as {
    mediaType?: string;
    manifests?: unknown;
    layers: { digest: string; size: number; mediaType: string }[];
  };
  if (manifest.manifests) throw new Error(`${name}: expected a single-platform image`);
  let tar = 0;
  let compressed = 0;
  for (const l of manifest.layers) {
    compressed += l.size;
    tar += l.mediaType.endsWith('+gzip') ? gunzipSync(blob(l.digest)).length : l.size;
  }
  return {
    image: name,
    packages: check.summary.packages.length,
    files: check.summary.files,
    bytes: check.summary.bytes,
    tar,
    compressed,
    slicedFiles: sliced ? Number(sliced[1]) : 0,
    slicedBytes: sliced ? Number(sliced[2]) : 0,
  };
}

const mib = (n: number): string => `${(n / MiB).toFixed(1)} MiB`;

try {
  const rows: Row[] = [];
  for (const name of images) {
    process.stderr.write(`building ${name}…\n`);
    rows.push(measure(name));
  }
  const out = [
    '| image | packages | files | uncompressed (files) | layer tar | compressed | slicing removed | distroless | pare ≤ distroless |',
    '|---|---:|---:|---:|---:|---:|---:|---:|:---:|',
  ];
  for (const r of rows) {
    const d = DISTROLESS[r.image];
    out.push(
      `| ${r.image} | ${r.packages} | ${r.files} | ${mib(r.bytes)} | ${mib(r.tar)} | ${mib(r.compressed)} | ${r.slicedFiles} files, ${mib(r.slicedBytes)} | ${d ? d.label : 'n/a'} | ${d ? (r.bytes <= d.bytes ? 'yes' : 'no') : '–'} |`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
