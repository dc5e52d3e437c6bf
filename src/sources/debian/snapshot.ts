/**
 * The snapshot archive's layout: BASE/archive/ARCHIVE/TIMESTAMP/ serves an
 * archive (debian, debian-security, ...) exactly as it was at TIMESTAMP
 * (YYYYMMDDTHHMMSSZ), dists/ and pool/ as on a mirror. Pure: names in, URL out.
 * The base comes from the user ($PARE_SNAPSHOT_MIRROR), never from pare.
 */
import { SourceError } from '../../errors.js';
import { isSecuritySuite } from './apt-sources.js';

export const SNAPSHOT_ENV = 'PARE_SNAPSHOT_MIRROR';

/**
 * The archive a repository belongs to: the last path segment of its URL when
 * the config names one (…/debian-security → debian-security), else by the
 * suite: debian-security for a security suite, debian otherwise.
 */
export function snapshotArchive(url: string | undefined, suite: string): string {
  const last = url
    ?.replace(/^[a-z]+:\/\/[^/]*/i, '')
    .split('/')
    .filter(Boolean)
    .pop();
  return last ?? (isSecuritySuite(suite) ? 'debian-security' : 'debian');
}

/** BASE/archive/ARCHIVE/TIMESTAMP for a repository pinned to a snapshot. */
export function snapshotUrl(
  env: NodeJS.ProcessEnv,
  repo: { url?: string; snapshot: string },
  suite: string,
): { url: string; via: string } {
  const base = env[SNAPSHOT_ENV]?.replace(/\/+$/, '');
  if (!base)
    throw new SourceError(
      'SOURCES_NOT_FOUND',
      `suite ${suite} is pinned to snapshot ${repo.snapshot}, but no snapshot archive is configured`,
      {
        hint: `set $${SNAPSHOT_ENV} to the snapshot archive's base URL (it serves BASE/archive/ARCHIVE/TIMESTAMP/)`,
      },
    );
  if (!/^https?:\/\//.test(base))
    throw new SourceError('SOURCES_NOT_FOUND', `$${SNAPSHOT_ENV} is not an http(s) URL: ${base}`, {
      hint: `set $${SNAPSHOT_ENV} to the snapshot archive's base URL, e.g. https://HOST`,
    });
  return {
    url: `${base}/archive/${snapshotArchive(repo.url, suite)}/${repo.snapshot}`,
    via: `snapshot ${repo.snapshot} ($${SNAPSHOT_ENV})`,
  };
}
