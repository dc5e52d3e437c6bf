/**
 * Debian changelogs (deb-changelog(5), `usr/share/doc/PKG/changelog.Debian.gz`):
 * the entries of a source package's uploads, newest first, each with its
 * version, distributions, urgency and the CVE IDs its text names. Pure: text
 * in, values out. Parsing stops, as dpkg-parsechangelog does, at the first
 * line that is neither an entry header, an indented change line, a trailer
 * nor blank (old-format history such as "Old Changelog:" at the end).
 */
import { compareVersions, isValidVersion } from './version.js';

export interface ChangelogEntry {
  source: string;
  version: string;
  distributions: string[];
  /** The urgency= value, lower-cased ('low', 'medium', 'high', 'emergency', 'critical'); 'low' when absent. */
  urgency: string;
  /** CVE IDs named in the entry, in order of first mention, each once. */
  cves: string[];
}

const HEADER = /^(\w[-+0-9a-z.]*) \(([^() \t]+)\)((?:[ \t]+[-+0-9a-zA-Z.]+)+)[ \t]*;(.*)$/;
const TRAILER = /^ -- /;
const CVE = /\bCVE-\d{4}-\d{4,}\b/g;

/** Parse the entries of a changelog, newest first (the file's order). */
export function parseChangelog(text: string): ChangelogEntry[] {
  const entries: ChangelogEntry[] = [];
  let current: ChangelogEntry | undefined;
  for (const line of text.split('\n')) {
    const h = HEADER.exec(line);
    if (h && isValidVersion(h[2]!)) {
      const keys = new Map(
        h[4]!
          .split(',')
          .map((kv) => kv.trim().split('='))
          .filter((kv) => kv.length === 2)
          .map(([k, v]) => [k!.trim().toLowerCase(), v!.trim()]),
      );
      current = {
        source: h[1]!,
        version: h[2]!,
        distributions: h[3]!.trim().split(/[ \t]+/),
        urgency: (keys.get('urgency') ?? 'low').split(/\s/)[0]!.toLowerCase(),
        cves: [],
      };
      entries.push(current);
      continue;
    }
    if (line.trim() === '' || TRAILER.test(line)) continue;
    if (!/^[ \t]/.test(line) || !current) break; // not part of a well-formed entry: the parseable part ended
    for (const m of line.matchAll(CVE)) if (!current.cves.includes(m[0])) current.cves.push(m[0]);
  }
  return entries;
}

const URGENCY = ['low', 'medium', 'high', 'emergency', 'critical'];

/** The higher of two urgencies (unknown values rank below 'low'). */
export function maxUrgency(a: string, b: string): string {
  return URGENCY.indexOf(b) > URGENCY.indexOf(a) ? b : a;
}

export interface ChangesSummary {
  /** The entries newer than the version given, newest first. */
  entries: ChangelogEntry[];
  /** Every CVE ID those entries name, sorted by year then number. */
  cves: string[];
  /** The highest urgency among them (undefined when there is no newer entry). */
  urgency?: string;
}

/** What the uploads after `since` (a source version) changed: their entries, CVE IDs and highest urgency. */
export function changesSince(entries: ChangelogEntry[], since: string): ChangesSummary {
  const newer = entries.filter((e) => compareVersions(e.version, since) > 0);
  const cves = [...new Set(newer.flatMap((e) => e.cves))].sort(compareCve);
  const urgency = newer.reduce<string | undefined>(
    (u, e) => (u === undefined ? e.urgency : maxUrgency(u, e.urgency)),
    undefined,
  );
  return { entries: newer, cves, ...(urgency !== undefined ? { urgency } : {}) };
}

function compareCve(a: string, b: string): number {
  const [, ya, na] = a.split('-');
  const [, yb, nb] = b.split('-');
  return Number(ya) - Number(yb) || Number(na) - Number(nb);
}
