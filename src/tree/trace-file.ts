/**
 * The trace file `pare trace` writes and `minimize.keep` reads: a first line
 * `# pare trace v1`, then the used image paths, absolute, one per line,
 * sorted bytewise, without duplicates; other `#` lines are comments. The same
 * set of paths always gives the same bytes. Pure.
 */

export const TRACE_HEADER = '# pare trace v1';

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Normalize an absolute path: no '.', no empty components, no trailing '/'; '..' climbs (never above '/'). */
export function normalizeAbsolute(path: string): string {
  const out: string[] = [];
  for (const c of path.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') out.pop();
    else out.push(c);
  }
  return `/${out.join('/')}`;
}

/** The trace file's bytes for a set of paths. */
export function formatTrace(paths: Iterable<string>): string {
  const set = new Set<string>();
  for (const p of paths) if (p.startsWith('/') && !/[\n\r\0]/.test(p)) set.add(normalizeAbsolute(p));
  set.delete('/');
  return [TRACE_HEADER, ...[...set].sort(cmp)].join('\n') + '\n';
}

/** The paths of a trace file; undefined when `text` is not one (no header). */
export function parseTrace(text: string): string[] | undefined {
  const lines = text.split('\n');
  if (lines[0]?.trim() !== TRACE_HEADER) return undefined;
  return lines
    .slice(1)
    .map((l) => l.trimEnd())
    .filter((l) => l.startsWith('/'));
}
