/**
 * Release / InRelease content (after signature verification): the suite's
 * dates and the SHA256 list that every index is checked against.
 */
import { SourceError } from '../../errors.js';
import { getField, parseDeb822, valueLines } from './deb822.js';

export interface ReleaseEntry {
  sha256: string;
  size: number;
}

export interface ReleaseFile {
  suite?: string;
  codename?: string;
  date?: Date;
  validUntil?: Date;
  acquireByHash: boolean;
  architectures: string[];
  components: string[];
  /** Index files by path relative to dists/SUITE/, e.g. main/binary-amd64/Packages.xz */
  files: Map<string, ReleaseEntry>;
}

function date(v: string | undefined, field: string, file: string): Date | undefined {
  if (!v) return undefined;
  const d = new Date(v.trim());
  if (Number.isNaN(d.getTime()))
    throw new SourceError('RELEASE_PARSE', `${file}: ${field} "${v.trim()}" is not a date`, {
      hint: 'the Release file is malformed; check the repository',
    });
  return d;
}

export function parseRelease(text: string, file: string): ReleaseFile {
  const paras = parseDeb822(text, file);
  const p = paras[0];
  if (!p)
    throw new SourceError('RELEASE_PARSE', `${file}: empty Release file`, {
      hint: 'check the repository URL and suite',
    });
  const files = new Map<string, ReleaseEntry>();
  const sums = getField(p, 'SHA256');
  if (!sums)
    throw new SourceError('RELEASE_PARSE', `${file}: no SHA256 field; pare only trusts SHA256-checked indexes`, {
      hint: 'use a repository whose Release file lists SHA256 sums',
    });
  for (const line of valueLines(sums)) {
    const [hash, size, path] = line.trim().split(/\s+/);
    if (!hash || !size || !path || !/^[0-9a-f]{64}$/.test(hash)) {
      throw new SourceError('RELEASE_PARSE', `${file}: malformed SHA256 line "${line.trim()}"`, {
        hint: 'the Release file is malformed; check the repository',
      });
    }
    files.set(path, { sha256: hash, size: Number(size) });
  }
  const words = (f: string) => (getField(p, f) ?? '').split(/\s+/).filter(Boolean);
  return {
    suite: getField(p, 'Suite')?.trim(),
    codename: getField(p, 'Codename')?.trim(),
    date: date(getField(p, 'Date'), 'Date', file),
    validUntil: date(getField(p, 'Valid-Until'), 'Valid-Until', file),
    acquireByHash: (getField(p, 'Acquire-By-Hash') ?? '').trim().toLowerCase() === 'yes',
    architectures: words('Architectures'),
    components: words('Components'),
    files,
  };
}

/** Fail like apt does when a Release file is past its Valid-Until (replay protection). */
export function checkFresh(rel: ReleaseFile, now: Date, label: string): void {
  if (rel.validUntil && rel.validUntil.getTime() < now.getTime()) {
    throw new SourceError(
      'RELEASE_EXPIRED',
      `${label}: the Release file expired on ${rel.validUntil.toISOString()} (Valid-Until)`,
      {
        hint: 'the mirror is stale or replaying old metadata; use an up-to-date mirror',
      },
    );
  }
}

/**
 * The signed Release must be the suite that was asked for: its Suite or
 * Codename equals the requested name (for "bookworm/updates" the part before
 * the last '/'), as apt checks. Otherwise a mirror could serve one suite's
 * validly signed InRelease at another suite's URL (bookworm's at
 * bookworm-security's) and silently drop security updates.
 */
export function checkSuite(rel: ReleaseFile, requested: string, label: string): void {
  const names = [rel.suite, rel.codename].filter((n): n is string => !!n);
  const slash = requested.lastIndexOf('/');
  const wanted = slash > 0 ? [requested, requested.slice(0, slash)] : [requested];
  if (names.some((n) => wanted.includes(n))) return;
  throw new SourceError(
    'RELEASE_SUITE_MISMATCH',
    `${label}: asked for suite "${requested}", but the signed Release is Suite "${rel.suite ?? '(none)'}", Codename "${rel.codename ?? '(none)'}"`,
    {
      hint: 'the mirror serves another suite at this URL (broken or hostile); check the suite name, or use another mirror',
      detail: { requested, suite: rel.suite, codename: rel.codename },
    },
  );
}

/** The index files to try for a component/arch, most preferred first. */
export function packagesCandidates(component: string, arch: string): string[] {
  const base = `${component}/binary-${arch}/Packages`;
  return [`${base}.gz`, `${base}.xz`, base, `${base}.zst`];
}
