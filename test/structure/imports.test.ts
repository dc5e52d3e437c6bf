/**
 * The import rules of src/ (README "Design notes"), read from the sources:
 * only cli/ imports cli/; oci/ never imports supply/; distroless/ and supply/
 * never import pipeline/; format code imports no I/O module; no cycles at
 * all (type-only and dynamic imports included). The rules are functions of
 * an import graph, so each is also tested on a small graph that breaks it.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../helpers/cli.js';

/** module (path under src/, e.g. "oci/layout.ts") → the modules and packages it imports. */
export type Graph = Map<string, string[]>;

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

export function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    if (!spec.startsWith('.')) out.push(spec);
    else out.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts'));
  }
  return out;
}

async function srcGraph(): Promise<Graph> {
  const src = path.join(REPO_ROOT, 'src');
  const files = (await readdir(src, { recursive: true }))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.split(path.sep).join('/'));
  const g: Graph = new Map();
  for (const f of files.sort()) g.set(f, importsOf(f, await readFile(path.join(src, f), 'utf8')));
  return g;
}

const top = (m: string): string => m.split('/')[0]!;
const under = (m: string, dir: string): boolean => m.startsWith(`${dir}/`);

/** Format code: parsers, writers, solver, digests. They take bytes and return values. */
export const FORMAT_CODE = [
  'tree/',
  'distroless/minimized.ts',
  'trace/strace.ts',
  'util/decompress.ts',
  'util/excerpt.ts',
  'config/parse.ts',
  'config/validate.ts',
  'config/schema.ts',
  'config/raw.ts',
  'sources/debian/ar.ts',
  'sources/debian/deb.ts',
  'sources/debian/deb822.ts',
  'sources/debian/version.ts',
  'sources/debian/relations.ts',
  'sources/debian/release.ts',
  'sources/debian/packages-index.ts',
  'sources/debian/openpgp/',
  'resolve/solver.ts',
  'resolve/universe.ts',
  'resolve/why.ts',
  'oci/tar.ts',
  'oci/gzip.ts',
  'oci/digest.ts',
  'oci/media.ts',
  'oci/config.ts',
  'oci/manifest.ts',
  'oci/image-index.ts',
  'supply/sbom/spdx.ts',
  'supply/sbom/cyclonedx.ts',
  'supply/sbom/model.ts',
  'supply/sbom/from-files.ts',
  'supply/attest/dsse.ts',
  'supply/attest/statement.ts',
  'supply/attest/slsa.ts',
  'supply/sign/simple-signing.ts',
  'report/model.ts',
  'report/why.ts',
  'report/image.ts',
  'report/compare.ts',
  'report/treemap.ts',
  'report/svg.ts',
  'report/text.ts',
  'report/sections.ts',
  'report/html.ts',
  'report/style.ts',
  'report/client.ts',
];
const IO = /^(node:)?(fs|fs\/promises|net|http|https|http2|child_process|dgram|tls)$/;
const isFormat = (m: string): boolean => FORMAT_CODE.some((f) => (f.endsWith('/') ? m.startsWith(f) : m === f));

/** Every broken rule, one line each. */
export function violations(g: Graph): string[] {
  const out: string[] = [];
  for (const [from, imports] of g) {
    for (const to of imports) {
      if (IO.test(to)) {
        if (isFormat(from)) out.push(`${from} is format code but imports ${to}`);
        continue;
      }
      if (!g.has(to)) continue; // a package
      if (under(to, 'cli') && !under(from, 'cli')) out.push(`${from} imports ${to}: only cli/ imports cli/`);
      if (under(from, 'oci') && under(to, 'supply')) out.push(`${from} imports ${to}: oci/ never imports supply/`);
      if ((under(from, 'distroless') || under(from, 'supply')) && under(to, 'pipeline'))
        out.push(`${from} imports ${to}: ${top(from)}/ never imports pipeline/`);
    }
  }
  for (const cycle of cycles(g)) out.push(`import cycle: ${cycle.join(' → ')} → ${cycle[0]}`);
  return out;
}

/** Strongly connected components with more than one module (or a module importing itself), as paths. */
export function cycles(g: Graph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (g.get(v) ?? []).includes(v)) out.push(scc.reverse());
    }
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe('import rules', () => {
  it('src/ keeps every rule', async () => {
    const g = await srcGraph();
    assert.ok(g.size > 100 && g.has('cli/main.ts') && g.has('oci/layout.ts'), 'read the whole of src/');
    assert.deepEqual(violations(g), []);
  });

  it('reads static, type-only, re-export and dynamic imports', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../b/b.js';",
      "export { c } from './c.js';",
      "export * from './d.js';",
      "const e = await import('./e.js');",
      "import 'node:fs';",
      "import {\n  f,\n  g,\n} from 'yaml';",
    ].join('\n');
    assert.deepEqual(importsOf('x/y.ts', text).sort(), [
      'b/b.ts',
      'node:fs',
      'x/a.ts',
      'x/c.ts',
      'x/d.ts',
      'x/e.ts',
      'yaml',
    ]);
  });

  it('reports each broken rule', () => {
    const g: Graph = new Map([
      ['cli/main.ts', ['pipeline/build.ts']],
      ['pipeline/build.ts', ['cli/io.ts', 'oci/layout.ts']],
      ['cli/io.ts', []],
      ['oci/layout.ts', ['supply/sbom/spdx.ts', 'node:fs']],
      ['supply/sbom/spdx.ts', ['pipeline/build.ts']],
      ['distroless/base.ts', ['pipeline/build.ts']],
      ['tree/tree.ts', ['node:fs/promises']],
      ['resolve/solver.ts', ['resolve/why.ts']],
      ['resolve/why.ts', ['resolve/solver.ts']],
    ]);
    assert.deepEqual(violations(g).sort(), [
      'distroless/base.ts imports pipeline/build.ts: distroless/ never imports pipeline/',
      'import cycle: pipeline/build.ts → oci/layout.ts → supply/sbom/spdx.ts → pipeline/build.ts',
      'import cycle: resolve/solver.ts → resolve/why.ts → resolve/solver.ts',
      'oci/layout.ts imports supply/sbom/spdx.ts: oci/ never imports supply/',
      'pipeline/build.ts imports cli/io.ts: only cli/ imports cli/',
      'supply/sbom/spdx.ts imports pipeline/build.ts: supply/ never imports pipeline/',
      'tree/tree.ts is format code but imports node:fs/promises',
    ]);
  });
});
