/**
 * Pick the file to install for one pinned Python package: among its wheels
 * for the pinned version (and, for requirements.txt, with a sha256 the file
 * allows), the one whose tags rank best for the image. No compatible wheel
 * is an error that says why each wheel does not fit; only an sdist is an
 * error naming the package, since pare never builds one. Pure.
 */
import { AppError, FetchError } from '../../errors.js';
import { normalizeName } from './requirements.js';
import { parseWheelName, supportedTags, wheelRank, whyIncompatible, type Interpreter } from './tags.js';

export interface Candidate {
  filename: string;
  url?: string;
  path?: string;
  sha256?: string;
  yanked?: boolean;
}

export interface Wanted {
  name: string;
  version: string;
  /** Where the pin is written, e.g. "requirements.txt:4". */
  where: string;
  /** Allowed sha256 digests; undefined when every candidate carries its own. */
  hashes?: string[];
}

const rankCache = new WeakMap<Interpreter, Map<string, number>>();

function ranks(i: Interpreter): Map<string, number> {
  let m = rankCache.get(i);
  if (!m) rankCache.set(i, (m = new Map(supportedTags(i).map((t, n) => [t, n]))));
  return m;
}

const normVersion = (v: string) => v.toLowerCase().replace(/^v/, '');

export function chooseWheel(
  want: Wanted,
  files: readonly Candidate[],
  py: Interpreter,
): Candidate & { sha256: string } {
  const label = `${want.name}==${want.version}`;
  const wheels = files.filter((f) => {
    const w = parseWheelName(f.filename);
    return w && normalizeName(w.name) === want.name && normVersion(w.version) === normVersion(want.version);
  });
  const sdists = files.filter((f) => /\.(tar\.gz|zip|tar\.bz2)$/.test(f.filename));
  if (wheels.length === 0) {
    if (sdists.length)
      throw new AppError(
        'APP_SDIST_ONLY',
        `${want.where}: ${label} is published only as a source distribution (${sdists[0]!.filename})`,
        {
          hint: 'pare installs wheels and never runs a build; pin a version that has a wheel, or build one and install it with paths',
          detail: { package: want.name, version: want.version },
        },
      );
    throw new AppError('APP_NOT_FOUND', `${want.where}: ${label} has no files on the index`, {
      hint: 'check the name and version, and which index is used ($PIP_INDEX_URL, pip.conf)',
      detail: { package: want.name, version: want.version },
    });
  }
  const r = ranks(py);
  const compatible = wheels
    .map((f) => ({ f, rank: wheelRank(parseWheelName(f.filename)!, r) }))
    .filter((x): x is { f: Candidate; rank: number } => x.rank !== undefined)
    .sort((a, b) => a.rank - b.rank || (a.f.filename < b.f.filename ? -1 : 1));
  if (compatible.length === 0) {
    const why = wheels.slice(0, 6).map((f) => `  ${f.filename}: ${whyIncompatible(parseWheelName(f.filename)!, py)}`);
    throw new AppError(
      'APP_NOT_FOUND',
      `${want.where}: no wheel of ${label} runs on the image (cp${py.major}${py.minor}, glibc ${py.glibc.join('.')}, ${py.machine}):\n${why.join('\n')}`,
      {
        hint: sdists.length
          ? 'only the sdist would fit, and pare never builds one: pin a version with a compatible wheel'
          : 'pin a version with a wheel for this Python and platform',
        detail: { package: want.name, version: want.version },
      },
    );
  }
  const allowed = want.hashes ? new Set(want.hashes) : undefined;
  const ok = compatible.filter((x) => x.f.sha256 && (!allowed || allowed.has(x.f.sha256)));
  if (ok.length === 0) {
    const best = compatible[0]!.f;
    throw new FetchError(
      'HASH_MISMATCH',
      `${want.where}: ${label}: no compatible wheel has a sha256 the lock allows (best match ${best.filename} has ${best.sha256 ?? 'no published hash'})`,
      {
        hint: 'the index serves different files than were locked: regenerate the hashes, or check the index is the one you locked against',
        detail: { package: want.name, file: best.filename, got: best.sha256, want: want.hashes },
      },
    );
  }
  const pick = ok[0]!.f;
  return { ...pick, sha256: pick.sha256! };
}
