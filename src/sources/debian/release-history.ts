/**
 * Rollback protection: the newest verified Release `Date` of each repository
 * URL and suite is remembered in the cache, and an older one is refused
 * (RELEASE_ROLLBACK), so a mirror cannot replay an old, validly signed
 * InRelease to pin builds to outdated packages. A caller may add a floor of
 * its own (the date a lock file recorded). `allowRollback` turns the refusal
 * off, for snapshot mirrors that are meant to go back in time; the newest
 * date is still what is remembered.
 */
import { SourceError } from '../../errors.js';
import type { BlobCache } from '../../fetch/index.js';
import type { ReleaseFile } from './release.js';

export interface HistoryOptions {
  cache: BlobCache;
  allowRollback?: boolean;
  /** A known newer-or-equal date from elsewhere (e.g. the lock), with where it comes from. */
  floor?: { date: Date; from: string };
}

const key = (url: string, suite: string) => `release-date:${url}\0${suite}`;

async function remembered(cache: BlobCache, url: string, suite: string): Promise<Date | undefined> {
  const raw = await cache.getMeta(key(url, suite));
  const d = raw ? new Date(raw.toString('utf8').trim()) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}

/** Fail if `rel` is older than the newest Release seen for url+suite (or than the floor). */
export async function checkNotRolledBack(
  rel: ReleaseFile,
  url: string,
  suite: string,
  label: string,
  opts: HistoryOptions,
): Promise<void> {
  if (opts.allowRollback || !rel.date) return;
  const seen = await remembered(opts.cache, url, suite);
  const floors = [...(seen ? [{ date: seen, from: 'the cache' }] : []), ...(opts.floor ? [opts.floor] : [])];
  for (const f of floors) {
    if (rel.date.getTime() >= f.date.getTime()) continue;
    throw new SourceError(
      'RELEASE_ROLLBACK',
      `${label}: the signed Release is dated ${rel.date.toISOString()}, older than ${f.date.toISOString()} seen before (${f.from})`,
      {
        hint: 'the mirror is stale or replaying old metadata: use an up-to-date mirror; for a snapshot mirror that is meant to go back in time, pass --allow-rollback',
        detail: { url, suite, date: rel.date.toISOString(), newest: f.date.toISOString(), from: f.from },
      },
    );
  }
}

/** Remember `rel`'s date if it is the newest seen for url+suite. Call only after every check passed. */
export async function rememberRelease(rel: ReleaseFile, url: string, suite: string, cache: BlobCache): Promise<void> {
  if (!rel.date) return;
  const seen = await remembered(cache, url, suite);
  if (seen && seen.getTime() >= rel.date.getTime()) return;
  await cache.putMeta(key(url, suite), Buffer.from(rel.date.toISOString()));
}
