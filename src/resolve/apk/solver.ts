/**
 * The APK solver, with apk's semantics: a world of dependencies is closed
 * over D: (versions with = < <= > >= ~), names are satisfied by a real
 * package or by a provider (so:, cmd:, pc:, virtual names; k: priority
 * first, then the highest provided version), `!name` conflicts are checked
 * on the final set, and i: install_if packages join once everything they
 * name is installed. Greedy with restarts: when a later dependency needs
 * another version of a chosen package, the need is pinned and the
 * resolution starts over. Every package carries why it is there; failures
 * say why. Deterministic. Pure.
 */
import { ResolveError } from '../../errors.js';
import { apkSatisfies, formatApkDep, parseApkDep, type ApkDep } from '../../sources/apk/depend.js';
import { compareApkVersions } from '../../sources/apk/version.js';
import { suggestNames } from '../suggest.js';
import type { ApkCandidate, ApkProvider, ApkUniverse } from './universe.js';

export interface ApkPlanned extends ApkCandidate {
  reasons: string[];
}

export interface ApkPlan {
  arch: string;
  /** Sorted by name. */
  packages: ApkPlanned[];
  excluded: Array<{ name: string; neededBy: string[] }>;
}

export interface ApkRequest {
  /** World entries: NAME, NAME=VERSION, NAME>=VERSION, NAME~VERSION, ... */
  packages: string[];
  exclude?: string[];
}

export function resolveApk(u: ApkUniverse, req: ApkRequest, maxRestarts = 50): ApkPlan {
  const pins = new Map<string, ApkDep[]>();
  for (let i = 0; ; i++) {
    const plan = new Attempt(u, req, pins).run();
    if (plan) return plan;
    if (i >= maxRestarts) {
      throw new ResolveError('UNSATISFIABLE', `gave up after ${maxRestarts} restarts while choosing package versions`, {
        hint: 'pin the versions of the packages involved with NAME=VERSION',
      });
    }
  }
}

class Attempt {
  private readonly selected = new Map<string, ApkCandidate>();
  private readonly chains = new Map<string, string>();
  private readonly reasons = new Map<string, Set<string>>();
  private readonly provided = new Map<string, ApkProvider[]>();
  private readonly excluded = new Map<string, Set<string>>();
  private readonly exclude: Set<string>;
  private readonly queue: ApkCandidate[] = [];

  constructor(
    private readonly u: ApkUniverse,
    private readonly req: ApkRequest,
    private readonly pins: Map<string, ApkDep[]>,
  ) {
    this.exclude = new Set(req.exclude ?? []);
  }

  run(): ApkPlan | undefined {
    for (const spec of this.req.packages) {
      const dep = parseApkDep(spec.trim(), 'contents.packages');
      if (!this.u.has(dep.name)) {
        const similar = suggestNames(dep.name, this.u.names());
        throw new ResolveError(
          'PACKAGE_NOT_FOUND',
          `requested package ${dep.name} is not available for ${this.u.arch}`,
          {
            hint: similar.length
              ? `did you mean ${similar.join(', ')}?`
              : 'check the name and the configured repositories',
            detail: { name: dep.name, similar },
          },
        );
      }
      if (!this.need(dep, `requested ${spec}`, 'requested')) return undefined;
    }
    for (;;) {
      for (let i = 0; i < this.queue.length; i++) {
        const c = this.queue[i]!;
        const chain = this.chains.get(c.pkg.name)!;
        for (const dep of c.pkg.depends) {
          if (dep.conflict) continue;
          const why = `${c.pkg.name} depends on ${formatApkDep(dep)}`;
          if (!this.need(dep, `${chain} → ${why}`, why)) return undefined;
        }
      }
      this.queue.length = 0;
      if (!this.installIf()) break;
    }
    this.checkConflicts();
    return {
      arch: this.u.arch,
      packages: [...this.selected.keys()]
        .sort()
        .map((n) => ({ ...this.selected.get(n)!, reasons: [...this.reasons.get(n)!] })),
      excluded: [...this.excluded.keys()].sort().map((name) => ({ name, neededBy: [...this.excluded.get(name)!] })),
    };
  }

  /** Satisfy one dependency; false means a pin was added (restart). */
  private need(dep: ApkDep, chain: string, why: string): boolean {
    const have = this.satisfiedBy(dep);
    if (have) return (this.addReason(have.pkg.name, why), true);
    if (this.exclude.has(dep.name) || this.providersOf(dep).some((p) => this.exclude.has(p.cand.pkg.name))) {
      const set = this.excluded.get(dep.name) ?? new Set<string>();
      this.excluded.set(dep.name, set.add(why));
      return true;
    }
    const pick = this.choose(dep);
    if (pick) return (this.select(pick, chain, why), true);
    const sel = this.selected.get(dep.name);
    if (
      sel &&
      dep.op &&
      this.u.versions(dep.name).some((c) => this.fits(c) && apkSatisfies(c.pkg.version, dep.op, dep.version))
    ) {
      this.pins.set(dep.name, [...(this.pins.get(dep.name) ?? []), dep]);
      return false;
    }
    throw new ResolveError('UNSATISFIABLE', `cannot satisfy ${chain}: ${this.whyNot(dep)}`, {
      hint: 'pin other versions (NAME=VERSION), add a repository that has them, or exclude the package that needs them',
      detail: { chain, dependency: formatApkDep(dep) },
    });
  }

  private satisfiedBy(dep: ApkDep): ApkCandidate | undefined {
    const q = this.selected.get(dep.name);
    if (q && apkSatisfies(q.pkg.version, dep.op, dep.version)) return q;
    for (const p of this.provided.get(dep.name) ?? []) {
      if (dep.op === undefined || (p.version !== undefined && apkSatisfies(p.version, dep.op, dep.version)))
        return p.cand;
    }
    return undefined;
  }

  private fits(c: ApkCandidate): boolean {
    return (this.pins.get(c.pkg.name) ?? []).every((d) => apkSatisfies(c.pkg.version, d.op, d.version));
  }

  private providersOf(dep: ApkDep): ApkProvider[] {
    return this.u
      .providers(dep.name)
      .filter((p) => dep.op === undefined || (p.version !== undefined && apkSatisfies(p.version, dep.op, dep.version)));
  }

  /** A real package of the name first (highest fitting version), else the best provider. */
  private choose(dep: ApkDep): ApkCandidate | undefined {
    if (!this.selected.has(dep.name)) {
      const real = this.u
        .versions(dep.name)
        .find((c) => this.fits(c) && apkSatisfies(c.pkg.version, dep.op, dep.version));
      if (real) return real;
    }
    const provs = this.providersOf(dep).filter(
      (p) => !this.selected.has(p.cand.pkg.name) && !this.exclude.has(p.cand.pkg.name) && this.fits(p.cand),
    );
    provs.sort(
      (a, b) =>
        (b.cand.pkg.providerPriority ?? 0) - (a.cand.pkg.providerPriority ?? 0) ||
        (a.version !== undefined && b.version !== undefined ? compareVersionsDesc(a.version, b.version) : 0) ||
        (a.cand.pkg.name < b.cand.pkg.name ? -1 : a.cand.pkg.name > b.cand.pkg.name ? 1 : 0) ||
        compareVersionsDesc(a.cand.pkg.version, b.cand.pkg.version),
    );
    return provs[0]?.cand;
  }

  private select(c: ApkCandidate, chain: string, why: string): void {
    this.selected.set(c.pkg.name, c);
    this.chains.set(c.pkg.name, chain);
    for (const p of c.pkg.provides) {
      this.provided.set(p.name, [
        ...(this.provided.get(p.name) ?? []),
        p.version === undefined ? { cand: c } : { cand: c, version: p.version },
      ]);
    }
    this.addReason(c.pkg.name, why);
    this.queue.push(c);
  }

  private addReason(name: string, why: string): void {
    this.reasons.set(name, (this.reasons.get(name) ?? new Set<string>()).add(why));
  }

  /** Select the install_if packages whose conditions all hold; true when any joined. */
  private installIf(): boolean {
    let added = false;
    for (const c of this.u.candidates()) {
      const p = c.pkg;
      if (p.installIf.length === 0 || this.selected.has(p.name) || this.exclude.has(p.name)) continue;
      if (this.u.versions(p.name).find((v) => this.fits(v)) !== c) continue; // only the version apk would pick
      if (!p.installIf.every((d) => (d.conflict ? !this.satisfiedBy({ ...d, conflict: false }) : this.satisfiedBy(d))))
        continue;
      const why = `install_if ${p.installIf.map(formatApkDep).join(' ')}`;
      this.select(c, why, why);
      added = true;
    }
    return added;
  }

  private checkConflicts(): void {
    for (const name of [...this.selected.keys()].sort()) {
      const c = this.selected.get(name)!;
      for (const dep of c.pkg.depends) {
        if (!dep.conflict) continue;
        const hit = this.satisfiedBy({ name: dep.name, op: dep.op, version: dep.version });
        if (hit && hit !== c) {
          throw new ResolveError(
            'UNSATISFIABLE',
            `${name} ${c.pkg.version} conflicts with ${formatApkDep(dep).slice(1)}, but ${hit.pkg.name} ${hit.pkg.version} is also selected` +
              `\n  ${name}: ${this.chains.get(name)}\n  ${hit.pkg.name}: ${this.chains.get(hit.pkg.name)}`,
            {
              hint: 'exclude one of them, or request a different provider explicitly',
              detail: { package: name, conflict: formatApkDep(dep), other: hit.pkg.name },
            },
          );
        }
      }
    }
  }

  private whyNot(dep: ApkDep): string {
    const versions = this.u.versions(dep.name);
    const provs = this.u.providers(dep.name);
    if (versions.length === 0 && provs.length === 0)
      return `nothing named or providing ${dep.name} is available for ${this.u.arch}`;
    const out: string[] = [];
    const sel = this.selected.get(dep.name);
    if (sel) out.push(`${dep.name} ${sel.pkg.version} is already selected (${this.chains.get(dep.name)})`);
    else if (versions.length > 0) {
      const list = versions.map((c) => c.pkg.version);
      out.push(`only ${dep.name} ${list.slice(0, 5).join(', ')}${list.length > 5 ? ', ...' : ''} available`);
    }
    if (provs.length > 0) {
      const names = [
        ...new Set(provs.map((p) => (p.version ? `${p.cand.pkg.name} (${dep.name}=${p.version})` : p.cand.pkg.name))),
      ];
      out.push(`provided by ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}, none of which fits`);
    }
    return out.join('; ');
  }
}

function compareVersionsDesc(a: string, b: string): number {
  return -compareApkVersions(a, b);
}
