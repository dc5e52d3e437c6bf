/**
 * .PKGINFO, the control file of an .apk: `key = value` lines (keys may
 * repeat: depend, provides, replaces, ...), `#` comments. Pure.
 */
import type { ApkPackage } from './apkindex.js';
import { parseApkDeps, parseApkProvides } from './depend.js';

export type PkgInfo = Map<string, string[]>;

export function parsePkgInfo(text: string): PkgInfo {
  const out: PkgInfo = new Map();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const eq = line.indexOf(' = ');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    const list = out.get(key) ?? [];
    list.push(line.slice(eq + 3).trim());
    out.set(key, list);
  }
  return out;
}

/** The first value of a key. */
export function pkgInfoValue(info: PkgInfo, key: string): string | undefined {
  return info.get(key)?.[0];
}

/**
 * An index-style record from a package's own .PKGINFO (for a locked build,
 * which reads no index): `checksum` and `size` come from the lock, which
 * pins the file.
 */
export function packageFromPkgInfo(
  info: PkgInfo,
  pinned: { checksum: string; size: number },
  where: string,
): ApkPackage {
  const one = (k: string) => pkgInfoValue(info, k) ?? '';
  const all = (k: string) => (info.get(k) ?? []).join(' ');
  const num = (k: string) => (/^-?\d+$/.test(one(k)) ? Number(one(k)) : undefined);
  const p: ApkPackage = {
    name: one('pkgname'),
    version: one('pkgver'),
    arch: one('arch') || 'noarch',
    checksum: pinned.checksum,
    size: pinned.size,
    installedSize: num('size') ?? 0,
    description: one('pkgdesc'),
    url: one('url'),
    license: one('license'),
    origin: one('origin') || one('pkgname'),
    depends: parseApkDeps(all('depend'), `${where} depend`),
    provides: parseApkProvides(all('provides'), `${where} provides`),
    installIf: parseApkDeps(all('install_if'), `${where} install_if`),
    replaces: all('replaces')
      .split(/\s+/)
      .filter((w) => w !== ''),
  };
  const opt = {
    maintainer: one('maintainer') || undefined,
    buildTime: num('builddate'),
    commit: one('commit') || undefined,
    providerPriority: num('provider_priority'),
    replacesPriority: num('replaces_priority'),
  };
  for (const [k, v] of Object.entries(opt)) if (v !== undefined) (p as unknown as Record<string, unknown>)[k] = v;
  return p;
}
