/**
 * `WWW-Authenticate` parsing (RFC 7235): one or more challenges, each a
 * scheme followed by comma-separated auth-params whose values may be quoted
 * strings with backslash escapes. Pure.
 */

export interface Challenge {
  /** Lower-cased scheme: `bearer`, `basic`, ... */
  scheme: string;
  /** Parameter names lower-cased; values unquoted. */
  params: Record<string, string>;
}

export function parseChallenges(header: string | null | undefined): Challenge[] {
  const out: Challenge[] = [];
  if (!header) return out;
  const s = header;
  let i = 0;
  const skipWs = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < s.length && !/[\s,=]/.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  let current: Challenge | undefined;
  while (i < s.length) {
    skipWs();
    if (s[i] === ',') {
      i++;
      continue;
    }
    const word = token();
    if (word === '') {
      i++;
      continue;
    }
    skipWs();
    if (s[i] === '=' && current) {
      i++;
      skipWs();
      current.params[word.toLowerCase()] = s[i] === '"' ? quoted() : token();
      continue;
    }
    // A new scheme (a token68 after it, if any, is ignored).
    current = { scheme: word.toLowerCase(), params: {} };
    out.push(current);
  }
  return out;

  function quoted(): string {
    let v = '';
    i++; // opening quote
    while (i < s.length && s[i] !== '"') {
      if (s[i] === '\\' && i + 1 < s.length) i++;
      v += s[i++];
    }
    i++; // closing quote
    return v;
  }
}

/** The scopes a bearer challenge asks for (space-separated in `scope`). */
export function challengeScopes(c: Challenge): string[] {
  return (c.params.scope ?? '').split(' ').filter((x) => x !== '');
}

/**
 * Merge repository scopes: `repository:a:pull` + `repository:a:push` →
 * `repository:a:pull,push`. Other scopes pass through. Sorted, so equal sets
 * make equal cache keys.
 */
export function mergeScopes(scopes: readonly string[]): string[] {
  const actions = new Map<string, Set<string>>();
  for (const s of scopes) {
    const idx = s.lastIndexOf(':');
    if (idx <= 0) continue;
    const res = s.slice(0, idx);
    const set = actions.get(res) ?? new Set<string>();
    for (const a of s.slice(idx + 1).split(',')) if (a) set.add(a);
    actions.set(res, set);
  }
  return [...actions.entries()].map(([res, set]) => `${res}:${[...set].sort().join(',')}`).sort();
}
