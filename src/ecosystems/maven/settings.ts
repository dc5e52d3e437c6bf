/**
 * Maven's repository settings, read as Maven reads them. Pure:
 *
 *   parseMirrors(settings.xml)  → its <mirror>s (id, mirrorOf, url, blocked),
 *                                 with ${env.X} and ${user.home} expanded;
 *   mirrorFor(mirrors, id, url) → the mirror Maven would use for a repository:
 *                                 an exact mirrorOf id first, then the first
 *                                 pattern that matches (`*`, `external:*`,
 *                                 `external:http:*`, comma lists, `!id`);
 *   superPomRepository(pom)     → the url of the repository with <id>central</id>
 *                                 in the super POM the installed Maven carries.
 */

export interface Mirror {
  id: string;
  mirrorOf: string;
  url: string;
  blocked: boolean;
}

const stripComments = (xml: string) => xml.replace(/<!--[\s\S]*?-->/g, '');

function tag(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>\\s*([\\s\\S]*?)\\s*</${name}>`).exec(xml);
  return m ? unescape(m[1]!) : undefined;
}

function unescape(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** ${env.NAME} and ${user.home} as Maven interpolates settings; unknown ones stay. */
export function interpolate(s: string, env: NodeJS.ProcessEnv, home: string): string {
  return s.replace(/\$\{([^}]+)\}/g, (all, k: string) =>
    k === 'user.home' ? home : k.startsWith('env.') ? (env[k.slice(4)] ?? all) : all,
  );
}

export function parseMirrors(xml: string, env: NodeJS.ProcessEnv, home: string): Mirror[] {
  const body = tag(stripComments(xml), 'mirrors') ?? '';
  const out: Mirror[] = [];
  for (const m of body.matchAll(/<mirror>([\s\S]*?)<\/mirror>/g)) {
    const get = (n: string) => {
      const v = tag(m[1]!, n);
      return v === undefined ? undefined : interpolate(v, env, home);
    };
    const url = get('url');
    if (!url) continue;
    out.push({ id: get('id') ?? 'default', mirrorOf: get('mirrorOf') ?? '', url, blocked: get('blocked') === 'true' });
  }
  return out;
}

function isExternal(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol !== 'file:' && u.hostname !== 'localhost' && u.hostname !== '127.0.0.1';
  } catch {
    return true;
  }
}

function matches(pattern: string, id: string, url: string): boolean {
  let result = false;
  for (const raw of pattern.split(',')) {
    const p = raw.trim();
    if (p === '') continue;
    if (p.startsWith('!') && p.slice(1) === id) return false;
    if (p === id || p === '*') result = true;
    else if (p === 'external:*' && isExternal(url)) result = true;
    else if (p === 'external:http:*' && isExternal(url) && url.startsWith('http:')) result = true;
  }
  return result;
}

export function mirrorFor(mirrors: readonly Mirror[], id: string, url: string): Mirror | undefined {
  return mirrors.find((m) => m.mirrorOf.trim() === id) ?? mirrors.find((m) => matches(m.mirrorOf, id, url));
}

export function superPomRepository(pom: string, id = 'central'): string | undefined {
  const repos = tag(stripComments(pom), 'repositories') ?? '';
  for (const r of repos.matchAll(/<repository>([\s\S]*?)<\/repository>/g))
    if (tag(r[1]!, 'id') === id) return tag(r[1]!, 'url');
  return undefined;
}
