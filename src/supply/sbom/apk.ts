/**
 * SBOM packages from apk's installed database (/usr/lib/apk/db/installed),
 * as Syft and Trivy read it: name, version, arch, license (L:), maintainer
 * (m:), origin (o:) and dependencies resolved through names and provides.
 * purls are pkg:apk/<os id>/NAME@VERSION?arch=ARCH (alpine, wolfi, ...). Pure.
 */
import { parseInstalledDb } from '../../sources/apk/installed-db.js';
import { parseApkDeps, parseApkProvides } from '../../sources/apk/depend.js';
import type { SbomOs, SbomPackage } from './model.js';

export { INSTALLED_DB } from '../../sources/apk/installed-db.js';

/** A plain SPDX expression (ids joined by AND/OR/WITH); anything else is NOASSERTION. */
const SPDX_EXPR = /^[A-Za-z0-9.+-]+( (AND|OR|WITH) [A-Za-z0-9.+-]+)*$/;

const enc = (s: string) => encodeURIComponent(s).replace(/%2B/g, '+');

export function apkPurl(name: string, version: string, arch: string, os: SbomOs): string {
  const distro = os.version === undefined ? [] : [`distro=${enc(`${os.name}-${os.version}`)}`];
  return `pkg:apk/${enc(os.name)}/${enc(name)}@${enc(version)}?${[`arch=${enc(arch)}`, ...distro].join('&')}`;
}

/** The database's packages; `sha256` gives the .apk digest pare recorded, when known. */
export function apkSbomPackages(
  text: string | undefined,
  os: SbomOs,
  sha256: (name: string, version: string, arch: string) => string | undefined,
): SbomPackage[] {
  if (text === undefined) return [];
  const recs = parseInstalledDb(text).filter((r) => r.fields.has('P') && r.fields.has('V'));
  const names = new Set(recs.map((r) => r.fields.get('P')!));
  const providers = new Map<string, string>();
  for (const r of recs) {
    for (const p of parseApkProvides(r.fields.get('p') ?? '', 'installed p:')) {
      if (!providers.has(p.name)) providers.set(p.name, r.fields.get('P')!);
    }
  }
  return recs.map((r) => {
    const f = (k: string) => r.fields.get(k);
    const name = f('P')!;
    const version = f('V')!;
    const arch = f('A') ?? 'noarch';
    const deps = new Set<string>();
    for (const d of parseApkDeps(f('D') ?? '', 'installed D:')) {
      if (d.conflict) continue;
      const hit = names.has(d.name) ? d.name : providers.get(d.name);
      if (hit !== undefined && hit !== name) deps.add(hit);
    }
    const digest = sha256(name, version, arch);
    return {
      name,
      version,
      arch,
      purl: apkPurl(name, version, arch, os),
      ...(f('m') ? { supplier: f('m')! } : {}),
      license: SPDX_EXPR.test(f('L') ?? '') ? f('L')! : 'NOASSERTION',
      ...(digest !== undefined ? { sha256: digest } : {}),
      source: { name: f('o') || name, version },
      dependencies: [...deps].sort(),
    };
  });
}
