/**
 * Find the base URL that serves a Debian suite: an explicit URL wins; then
 * $PARE_MIRROR (main archive) / $PARE_SECURITY_MIRROR (security archive);
 * then the host's apt sources: a source that lists the suite, else a source
 * of the same archive (security or main) that lists another suite.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SourceError } from '../../errors.js';
import { isSecuritySuite, parseDeb822Sources, parseOneLineSources, type AptSource } from './apt-sources.js';

export async function readHostSources(aptDir = '/etc/apt'): Promise<AptSource[]> {
  const out: AptSource[] = [];
  const read = async (f: string) => readFile(f, 'utf8').catch(() => undefined);
  const main = await read(join(aptDir, 'sources.list'));
  if (main) out.push(...parseOneLineSources(main, join(aptDir, 'sources.list')));
  const dir = join(aptDir, 'sources.list.d');
  const names = (await readdir(dir).catch(() => [] as string[])).sort();
  for (const n of names) {
    const f = join(dir, n);
    if (n.endsWith('.sources')) {
      const t = await read(f);
      if (t) out.push(...parseDeb822Sources(t, f));
    } else if (n.endsWith('.list')) {
      const t = await read(f);
      if (t) out.push(...parseOneLineSources(t, f));
    }
  }
  return out;
}

export interface MirrorChoice {
  url: string;
  /** How it was chosen, for `pare resolve` and error messages. */
  via: string;
}

export interface DiscoverContext {
  env: NodeJS.ProcessEnv;
  hostSources: AptSource[];
}

/** Looks like a Debian archive (not a third-party repo such as a vendor's). */
function debianLike(s: AptSource): boolean {
  return (
    /\/debian(-security)?$/.test(s.uri) ||
    s.suites.some((x) => /^(buster|bullseye|bookworm|trixie|forky|sid|stable|testing|unstable|oldstable)(-|$)/.test(x))
  );
}

export function chooseMirror(suite: string, ctx: DiscoverContext): MirrorChoice {
  const security = isSecuritySuite(suite);
  const envName = security ? 'PARE_SECURITY_MIRROR' : 'PARE_MIRROR';
  const fromEnv = ctx.env[envName];
  if (fromEnv) return { url: fromEnv.replace(/\/+$/, ''), via: `$${envName}` };
  const exact = ctx.hostSources.find((s) => s.suites.includes(suite));
  if (exact) return { url: exact.uri, via: exact.origin };
  const sameArchive = ctx.hostSources.find(
    (s) => debianLike(s) && s.suites.length > 0 && s.suites.every((x) => isSecuritySuite(x) === security),
  );
  if (sameArchive) return { url: sameArchive.uri, via: sameArchive.origin };
  throw new SourceError(
    'SOURCES_NOT_FOUND',
    `no Debian ${security ? 'security ' : ''}mirror found for suite "${suite}"`,
    {
      hint: `set $${envName} to the archive's base URL, give \`url:\` on the repository in pare.yaml, or add a deb source to /etc/apt/sources.list.d/`,
    },
  );
}
