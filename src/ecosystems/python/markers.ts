/**
 * PEP 508 environment markers, evaluated for the image (not the host):
 * `python_version < "3.12" and sys_platform == "linux"`. Versions compare
 * by their numeric release segments; everything else as strings. Pure.
 */
import { AppError } from '../../errors.js';

export type MarkerEnv = Record<string, string>;

/** The marker environment of the image's CPython on Linux. */
export function markerEnv(full: string, machine: string): MarkerEnv {
  const [maj, min] = full.split('.');
  return {
    python_version: `${maj}.${min}`,
    python_full_version: full,
    implementation_version: full,
    implementation_name: 'cpython',
    platform_python_implementation: 'CPython',
    os_name: 'posix',
    sys_platform: 'linux',
    platform_system: 'Linux',
    platform_machine: machine,
    platform_release: '',
    platform_version: '',
    extra: '',
  };
}

const VERSION_VARS = new Set(['python_version', 'python_full_version', 'implementation_version']);

function release(v: string): number[] {
  return (/^\s*v?(\d+(?:\.\d+)*)/.exec(v)?.[1] ?? '0').split('.').map(Number);
}

export function compareVersions(a: string, b: string): number {
  const x = release(a);
  const y = release(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

function compare(l: string, op: string, r: string, versions: boolean): boolean {
  if (op === 'in') return r.includes(l);
  if (op === 'not in') return !r.includes(l);
  if (op === '===') return l === r;
  if (!versions) {
    if (op === '==') return l === r;
    if (op === '!=') return l !== r;
  }
  const c = compareVersions(l, r);
  switch (op) {
    case '==':
      return r.endsWith('.*') ? l.startsWith(r.slice(0, -2)) : c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case '~=': {
      const pre = r.split('.').slice(0, -1).join('.');
      return c >= 0 && compareVersions(l.split('.').slice(0, pre.split('.').length).join('.'), pre) === 0;
    }
  }
  return false;
}

const TOKEN = /\s*(\(|\)|'[^']*'|"[^"]*"|===|==|!=|<=|>=|~=|<|>|not\s+in\b|in\b|and\b|or\b|[A-Za-z_][A-Za-z0-9_.]*)/y;

/** Evaluate a marker for `env`; `where` names the input in errors. */
export function evaluateMarker(marker: string, env: MarkerEnv, where: string): boolean {
  const tokens: string[] = [];
  let pos = 0;
  for (;;) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(marker);
    if (!m) break;
    tokens.push(m[1]!.replace(/\s+/g, ' '));
    pos = TOKEN.lastIndex;
  }
  let i = 0;
  const fail = (why: string): never => {
    throw new AppError('APP_LOCKFILE', `${where}: environment marker "${marker}": ${why}`, {
      hint: 'write a PEP 508 marker, e.g. python_version >= "3.8"',
    });
  };
  if (marker.slice(pos).trim() !== '') fail(`cannot read "${marker.slice(pos).trim()}"`);
  const value = (): { v: string; version: boolean } => {
    const t = tokens[i++] ?? fail('ends early');
    if (/^['"]/.test(t)) return { v: t.slice(1, -1), version: false };
    if (!(t in env)) fail(`unknown variable ${t}`);
    return { v: env[t]!, version: VERSION_VARS.has(t) };
  };
  const expr = (): boolean => {
    if (tokens[i] === '(') {
      i++;
      const r = or();
      if (tokens[i++] !== ')') fail('missing )');
      return r;
    }
    const l = value();
    const op = tokens[i++] ?? fail('missing operator');
    const r = value();
    return compare(l.v, op, r.v, l.version || r.version);
  };
  const and = (): boolean => {
    let r = expr();
    while (tokens[i] === 'and') (i++, (r = expr() && r));
    return r;
  };
  const or = (): boolean => {
    let r = and();
    while (tokens[i] === 'or') (i++, (r = and() || r));
    return r;
  };
  const result = or();
  if (i !== tokens.length) fail(`unexpected "${tokens[i]}"`);
  return result;
}
