/**
 * package-lock.json, lockfileVersion 2 and 3: the `packages` map, keyed by
 * install path ("node_modules/a/node_modules/@s/b"). Keeps what a production
 * install (npm ci --omit=dev) would place for the image's os, cpu and libc,
 * with each entry's resolved URL, integrity, bin map, licence and whether it
 * declares install scripts. Pure.
 */
import { AppError } from '../../errors.js';

export interface NpmPackage {
  /** Install path relative to the project, e.g. "node_modules/@s/x". */
  path: string;
  name: string;
  version: string;
  resolved?: string;
  integrity?: string;
  /** Command name → file inside the package. */
  bin: Record<string, string>;
  license?: string;
  hasInstallScript: boolean;
  /** Shipped inside its parent's tarball (bundleDependencies): nothing to fetch. */
  inBundle: boolean;
}

export interface NpmPlatform {
  os: string;
  cpu: string;
  libc: string;
}

type Raw = Record<string, any>;

/** npm's os/cpu/libc rule: a list of allowed values, or of "!denied" ones. */
function allows(list: unknown, value: string): boolean {
  if (!Array.isArray(list) || list.length === 0) return true;
  const items = list.map(String);
  if (items.includes(`!${value}`)) return false;
  const positive = items.filter((x) => !x.startsWith('!'));
  return positive.length === 0 || positive.includes(value);
}

const CPUS: Record<string, string> = {
  amd64: 'x64',
  arm64: 'arm64',
  i386: 'ia32',
  armhf: 'arm',
  ppc64el: 'ppc64',
  s390x: 's390x',
  riscv64: 'riscv64',
};

export function npmPlatform(arch: string): NpmPlatform {
  return { os: 'linux', cpu: CPUS[arch] ?? arch, libc: 'glibc' };
}

function nameOf(path: string, entry: Raw): string {
  if (typeof entry.name === 'string') return entry.name;
  const i = path.lastIndexOf('node_modules/');
  return path.slice(i + 'node_modules/'.length);
}

export function parsePackageLock(text: string, file: string, platform: NpmPlatform): NpmPackage[] {
  let doc: Raw;
  try {
    doc = JSON.parse(text) as Raw;
  } catch (e) {
    throw new AppError('APP_LOCKFILE', `${file}: not JSON: ${(e as Error).message}`, {
      hint: 'regenerate it with `npm install --package-lock-only`',
      cause: e,
    });
  }
  if (doc.lockfileVersion !== 2 && doc.lockfileVersion !== 3)
    throw new AppError('APP_LOCKFILE', `${file}: lockfileVersion ${doc.lockfileVersion ?? 'missing'} is not 2 or 3`, {
      hint: 'regenerate it with npm 7 or later: `npm install --package-lock-only`',
    });
  const out: NpmPackage[] = [];
  for (const [path, entry] of Object.entries((doc.packages ?? {}) as Record<string, Raw>)) {
    if (path === '' || !path.includes('node_modules/')) continue; // the project itself, workspaces
    if (entry.dev === true) continue;
    if (
      entry.optional === true &&
      !(allows(entry.os, platform.os) && allows(entry.cpu, platform.cpu) && allows(entry.libc, platform.libc))
    )
      continue;
    const name = nameOf(path, entry);
    if (entry.link === true)
      throw new AppError('APP_LOCKFILE', `${file}: ${path} is a link to a local directory (${entry.resolved})`, {
        hint: 'pare installs registry packages from the lock; copy local packages in with paths',
      });
    if (typeof entry.version !== 'string')
      throw new AppError('APP_LOCKFILE', `${file}: ${path} has no version`, { hint: 'regenerate the lock file' });
    if (path.split('/').some((s) => s === '..' || s === '.' || s === ''))
      throw new AppError('APP_LOCKFILE', `${file}: "${path}" is not a node_modules path`, {
        hint: 'the lock file is damaged',
      });
    let bin: Record<string, string> = {};
    if (typeof entry.bin === 'string') bin = { [name.replace(/^@[^/]+\//, '')]: entry.bin };
    else if (entry.bin && typeof entry.bin === 'object')
      bin = Object.fromEntries(Object.entries(entry.bin).map(([k, v]) => [k, String(v)]));
    out.push({
      path,
      name,
      version: entry.version,
      resolved: typeof entry.resolved === 'string' ? entry.resolved : undefined,
      integrity: typeof entry.integrity === 'string' ? entry.integrity : undefined,
      bin,
      license: typeof entry.license === 'string' ? entry.license : undefined,
      hasInstallScript: entry.hasInstallScript === true,
      inBundle: entry.inBundle === true,
    });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
