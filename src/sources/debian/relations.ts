/**
 * Package relationship fields (deb-control(5), Debian Policy 7.1): an and-list
 * of or-lists of `name[:arch] [(op version)] [arch restrictions] [<profiles>]`.
 */
import { ResolveError } from '../../errors.js';
import { compareVersions, isValidVersion } from './version.js';

export type RelOp = '<<' | '<=' | '=' | '>=' | '>>';

export interface Relation {
  name: string;
  /** Arch qualifier after ':' ('any', 'native' or an architecture). */
  arch?: string;
  op?: RelOp;
  version?: string;
  /** Architecture restriction list, e.g. ['amd64', '!i386'] (source packages). */
  archs?: string[];
}

/** Where a field came from, for error messages. */
export interface RelationContext {
  file?: string;
  line?: number;
  field?: string;
}

const ATOM =
  /^([a-z0-9][a-z0-9+.-]*)(?::([a-z0-9-]+))?\s*(?:\(\s*(<<|<=|>=|>>|=|<|>)\s*([^\s()]+)\s*\))?\s*(?:\[([^\]]*)\])?\s*((?:<[^<>]*>\s*)*)$/;

const PLAIN = /^[a-z0-9][a-z0-9+.-]*$/;
const VERSIONED = /^([a-z0-9][a-z0-9+.-]*) ?\((<<|<=|=|>=|>>) ?([^\s()]+)\)$/;

/** Parses Depends-style fields. An empty field gives []. Errors: 'RELATION_PARSE'. */
export function parseRelations(field: string, ctx: RelationContext = {}): Relation[][] {
  const out: Relation[][] = [];
  if (field.trim().length === 0) return out;
  for (const group of field.split(',')) {
    if (group.trim().length === 0) continue; // tolerate trailing commas
    const alts: Relation[] = [];
    for (const atom of group.split('|')) alts.push(parseRelation(atom, ctx));
    out.push(alts);
  }
  return out;
}

/** Parses a Provides-style field: a plain list, no alternatives; only '=' versions. */
export function parseProvides(field: string, ctx: RelationContext = {}): Relation[] {
  const out: Relation[] = [];
  for (const group of parseRelations(field, ctx)) {
    if (group.length !== 1) throw fail(field, 'alternatives ("|") are not allowed here', ctx);
    const r = group[0];
    if (r!.op !== undefined && r!.op !== '=') {
      throw fail(field, `only "=" versions are allowed in Provides, not "${r!.op}"`, ctx);
    }
    out.push(r!);
  }
  return out;
}

/**
 * Provides as the universe reads it for every package: a hand-rolled scan of
 * `name` and `name (= version)` items, falling back to parseProvides (full
 * validation, good errors) on anything else.
 */
export function scanProvides(field: string, ctx: RelationContext = {}): Relation[] {
  const out: Relation[] = [];
  let i = 0;
  const n = field.length;
  while (i < n) {
    let j = field.indexOf(',', i);
    if (j === -1) j = n;
    const paren = field.indexOf('(', i);
    if (paren === -1 || paren > j) {
      const name = field.slice(i, j).trim();
      if (!PLAIN.test(name)) return parseProvides(field, ctx);
      out.push({ name });
    } else {
      const name = field.slice(i, paren).trim();
      const close = field.indexOf(')', paren);
      const inner = field.slice(paren + 1, close).trim();
      if (
        close === -1 ||
        close > j ||
        field.slice(close + 1, j).trim() !== '' ||
        !inner.startsWith('=') ||
        !PLAIN.test(name)
      ) {
        return parseProvides(field, ctx);
      }
      const version = inner.slice(1).trim();
      if (!VERSION_CHARS.test(version)) return parseProvides(field, ctx);
      out.push({ name, op: '=', version });
    }
    i = j + 1;
  }
  return out;
}

const VERSION_CHARS = /^[0-9][A-Za-z0-9.+~:-]*$/;

/** Parses one `name[:arch] [(op version)] [archs] [<profiles>]`. */
export function parseRelation(text: string, ctx: RelationContext = {}): Relation {
  const t = text.trim();
  if (PLAIN.test(t)) return { name: t }; // fast paths: a bare name, or name (op version)
  const v = VERSIONED.exec(t);
  if (v !== null && isValidVersion(v[3]!)) return { name: v[1]!, op: v[2] as RelOp, version: v[3] };
  const m = ATOM.exec(t);
  if (!m) throw fail(text, 'expected "name", "name (op version)" or "name:arch"', ctx);
  const rel: Relation = { name: m[1]! };
  if (m[2] !== undefined) rel.arch = m[2];
  if (m[3] !== undefined) {
    rel.op = m[3] === '<' ? '<=' : m[3] === '>' ? '>=' : (m[3] as RelOp);
    rel.version = m[4]!;
    if (!isValidVersion(rel.version)) throw fail(text, `invalid version "${rel.version}"`, ctx);
  }
  if (m[5] !== undefined) {
    const archs = m[5]
      .trim()
      .split(/\s+/)
      .filter((a) => a.length > 0);
    if (archs.length === 0) throw fail(text, 'empty architecture restriction "[]"', ctx);
    rel.archs = archs;
  }
  // m[6]: build profiles, meaningful for source packages only: ignored.
  return rel;
}

/** True if `version` satisfies `op want`; no op means any version. */
export function satisfies(version: string, op: RelOp | undefined, want: string | undefined): boolean {
  if (op === undefined || want === undefined) return true;
  const c = compareVersions(version, want);
  switch (op) {
    case '<<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '=':
      return c === 0;
    case '>=':
      return c >= 0;
    case '>>':
      return c > 0;
  }
}

/** True if an `[arch ...]` restriction lets the relation apply on `arch`. */
export function appliesToArch(rel: Relation, arch: string): boolean {
  if (!rel.archs) return true;
  const positive = rel.archs.filter((a) => !a.startsWith('!'));
  if (positive.length > 0) return positive.some((a) => archMatches(a, arch));
  return !rel.archs.some((a) => archMatches(a.slice(1), arch));
}

/** Debian architecture wildcards, for Linux hosts: any, linux-any, any-amd64. */
export function archMatches(pattern: string, arch: string): boolean {
  return (
    pattern === arch ||
    pattern === 'any' ||
    pattern === 'linux-any' ||
    pattern === `any-${arch}` ||
    pattern === `linux-${arch}`
  );
}

/** `name:arch (op version)`, for messages. */
export function formatRelation(r: Relation): string {
  let s = r.arch ? `${r.name}:${r.arch}` : r.name;
  if (r.op) s += ` (${r.op} ${r.version})`;
  if (r.archs) s += ` [${r.archs.join(' ')}]`;
  return s;
}

/** `a (>= 1) | b`, for messages. */
export function formatAlternatives(alts: Relation[]): string {
  return alts.map(formatRelation).join(' | ');
}

function fail(text: string, what: string, ctx: RelationContext): ResolveError {
  const where =
    (ctx.file ? `${ctx.file}${ctx.line ? `:${ctx.line}` : ''}: ` : '') + (ctx.field ? `${ctx.field}: ` : '');
  return new ResolveError('RELATION_PARSE', `${where}cannot parse relation "${text.trim()}": ${what}`, {
    hint: 'relations look like "libc6 (>= 2.36), default-mta | mail-transport-agent"',
    pos: ctx.file && ctx.line ? { file: ctx.file, line: ctx.line, col: 1 } : undefined,
  });
}
