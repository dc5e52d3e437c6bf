/**
 * The APK package universe for one architecture: every package of every
 * configured repository (earlier repositories first), looked up by name and
 * by provided name (so:, cmd:, pc:, virtual names). Pure.
 */
import type { ApkPackage } from '../../sources/apk/apkindex.js';
import { compareApkVersions } from '../../sources/apk/version.js';

export interface ApkCandidate {
  pkg: ApkPackage;
  /** Index of the repository it came from. */
  repo: number;
}

export interface ApkProvider {
  cand: ApkCandidate;
  /** The provided version; undefined for a virtual (unversioned) provide. */
  version?: string;
}

export class ApkUniverse {
  private readonly byName = new Map<string, ApkCandidate[]>();
  private readonly provided = new Map<string, ApkProvider[]>();
  private readonly all: ApkCandidate[] = [];

  constructor(readonly arch: string) {}

  /** Add a repository's packages of this architecture or noarch. */
  addRepository(packages: readonly ApkPackage[], repo: number): this {
    for (const pkg of packages) {
      if (pkg.arch !== this.arch && pkg.arch !== 'noarch') continue;
      const cand = { pkg, repo };
      const list = this.byName.get(pkg.name) ?? [];
      if (list.some((c) => c.pkg.version === pkg.version)) continue; // an earlier repository has it
      list.push(cand);
      this.byName.set(pkg.name, list);
      this.all.push(cand);
      for (const p of pkg.provides) {
        const provs = this.provided.get(p.name) ?? [];
        provs.push(p.version === undefined ? { cand } : { cand, version: p.version });
        this.provided.set(p.name, provs);
      }
    }
    for (const list of this.byName.values()) list.sort((a, b) => compareApkVersions(b.pkg.version, a.pkg.version));
    return this;
  }

  /** Every version of a real package, highest first. */
  versions(name: string): readonly ApkCandidate[] {
    return this.byName.get(name) ?? [];
  }

  /** Packages that provide `name` (not counting a package of that name). */
  providers(name: string): readonly ApkProvider[] {
    return this.provided.get(name) ?? [];
  }

  has(name: string): boolean {
    return this.byName.has(name) || this.provided.has(name);
  }

  /** Every candidate, in the order added. */
  candidates(): readonly ApkCandidate[] {
    return this.all;
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  get size(): number {
    return this.all.length;
  }
}
