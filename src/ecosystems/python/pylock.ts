/**
 * pylock.toml (PEP 751, lock-version 1.x): each package's name, version,
 * marker and its wheels (url or path, sha256) or sdist. Packages whose
 * marker is false for the image are dropped later; VCS, directory and
 * archive sources need a build and are refused. Pure.
 */
import { parse } from 'smol-toml';
import { AppError } from '../../errors.js';
import { normalizeName } from './requirements.js';

export interface LockedFile {
  name: string;
  url?: string;
  path?: string;
  sha256: string;
  size?: number;
}

export interface LockedPythonPackage {
  name: string;
  version: string;
  marker?: string;
  index?: string;
  wheels: LockedFile[];
  sdist?: LockedFile;
}

type Raw = Record<string, unknown>;

function fileOf(raw: unknown, where: string): LockedFile {
  const r = (raw ?? {}) as Raw;
  const url = typeof r.url === 'string' ? r.url : undefined;
  const path = typeof r.path === 'string' ? r.path : undefined;
  const name = typeof r.name === 'string' ? r.name : (url ?? path ?? '').replace(/^.*\//, '').replace(/[?#].*$/, '');
  const sha256 = ((r.hashes ?? {}) as Raw).sha256;
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(sha256))
    throw new AppError('APP_LOCKFILE', `${where}: ${name || 'a file'} has no sha256 hash`, {
      hint: 'a pylock.toml must pin every file with hashes = { sha256 = "…" }',
    });
  return { name, url, path, sha256: sha256.toLowerCase(), size: typeof r.size === 'number' ? r.size : undefined };
}

export function parsePylock(text: string, file: string): LockedPythonPackage[] {
  let doc: Raw;
  try {
    doc = parse(text) as Raw;
  } catch (e) {
    throw new AppError('APP_LOCKFILE', `${file}: not valid TOML: ${(e as Error).message.split('\n')[0]}`, {
      hint: 'write the file with a PEP 751 tool (pip lock, uv export --format pylock.toml, pdm)',
      cause: e,
    });
  }
  const version = String(doc['lock-version'] ?? '');
  if (!/^1(\.\d+)?$/.test(version))
    throw new AppError('APP_LOCKFILE', `${file}: lock-version "${version}" is not 1.x`, {
      hint: 'pare reads PEP 751 lock files, lock-version 1.0',
    });
  return ((doc.packages ?? []) as Raw[]).map((p, i) => {
    const where = `${file}: packages[${i}]`;
    if (typeof p.name !== 'string' || typeof p.version !== 'string')
      throw new AppError('APP_LOCKFILE', `${where}: needs name and version`, {
        hint: 'pare installs pinned wheels: every package needs a version',
      });
    for (const k of ['vcs', 'directory', 'archive'])
      if (p[k] !== undefined)
        throw new AppError('APP_LOCKFILE', `${where} (${p.name}): a ${k} source needs a build`, {
          hint: 'lock a released wheel instead; pare never runs a build backend',
        });
    return {
      name: normalizeName(p.name),
      version: p.version,
      marker: typeof p.marker === 'string' ? p.marker : undefined,
      index: typeof p.index === 'string' ? p.index : undefined,
      wheels: ((p.wheels ?? []) as unknown[]).map((w) => fileOf(w, `${where} (${p.name})`)),
      sdist: p.sdist === undefined ? undefined : fileOf(p.sdist, `${where} (${p.name})`),
    };
  });
}
