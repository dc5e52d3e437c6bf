/**
 * .PKGINFO, the control file of an .apk: `key = value` lines (keys may
 * repeat: depend, provides, replaces, ...), `#` comments. Pure.
 */
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
