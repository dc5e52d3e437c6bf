/**
 * The dependency solver: apt-like greedy choice with restarts. Each choice
 * takes the highest version that fits; when a later dependency needs another
 * version of an already chosen package, its constraint is remembered and the
 * whole resolution restarts. Deterministic: same universe + request, same Plan.
 */
import { ResolveError } from '../errors.js';
import type { PackageRecord } from '../sources/debian/packages-index.js';
import {
  appliesToArch,
  formatAlternatives,
  satisfies,
  type Relation,
  type RelOp,
} from '../sources/debian/relations.js';
import { checkConflicts } from './conflicts.js';
import { archOk, providerOrder } from './match.js';
import { suggestNames } from './suggest.js';
import type { Candidate, Universe } from './universe.js';
import { whyNot } from './why.js';

export interface ResolveRequest {
  /** 'name' or 'name=version'. */
  packages: string[];
  /** Names never installed; dependencies they would satisfy count as satisfied. */
  exclude?: string[];
  /** Packages already in the base image: they satisfy dependencies (by version) and are never chosen again. */
  installed?: InstalledRef[];
}

/** A package a base image already has (from its status.d or dpkg status). */
export interface InstalledRef {
  name: string;
  version: string;
  provides: Array<{ name: string; version?: string }>;
}

export interface ResolveOptions {
  /** How many times a version conflict may restart the resolution (default 100). */
  maxRestarts?: number;
}

export interface PlannedPackage {
  record: PackageRecord;
  /** Why it is there: 'requested', 'libssl3 Depends libc6 (>= 2.34)', ... */
  reasons: string[];
}

export interface Plan {
  arch: string;
  /** Sorted by name. */
  packages: PlannedPackage[];
  excluded: Array<{ name: string; neededBy: string[] }>;
  /** Base image packages that satisfied a request or dependency (only with `installed`). */
  fromBase?: Array<{ name: string; neededBy: string[] }>;
}

/** A version constraint on a real package, and the chain that imposed it. */
export interface Constraint {
  op: RelOp;
  version: string;
  chain: string;
}

export function resolve(universe: Universe, request: ResolveRequest, opts: ResolveOptions = {}): Plan {
  const pins = new Map<string, Constraint[]>();
  const max = opts.maxRestarts ?? 100;
  for (let attempt = 0; ; attempt++) {
    const plan = new Attempt(universe, request, pins).run();
    if (plan) return plan;
    if (attempt >= max) {
      throw new ResolveError('UNSATISFIABLE', `gave up after ${max} restarts while choosing package versions`, {
        hint: 'pin the versions of the packages involved with name=version',
      });
    }
  }
}

class Attempt {
  readonly selected = new Map<string, Candidate>();
  private readonly chains = new Map<string, string>();
  private readonly reasons = new Map<string, Set<string>>();
  private readonly provided = new Map<string, Array<{ pkg: Candidate; version?: string }>>();
  private readonly excluded = new Map<string, Set<string>>();
  private readonly exclude: Set<string>;
  private readonly installed: Map<string, InstalledRef>;
  private readonly installedProviders = new Map<string, Array<{ name: string; version?: string }>>();
  private readonly usedBase = new Map<string, Set<string>>();
  private readonly queue: Candidate[] = [];

  constructor(
    readonly u: Universe,
    private readonly request: ResolveRequest,
    readonly pins: Map<string, Constraint[]>,
  ) {
    this.exclude = new Set(request.exclude ?? []);
    this.installed = new Map((request.installed ?? []).map((p) => [p.name, p]));
    for (const p of request.installed ?? []) {
      for (const v of p.provides) {
        const list = this.installedProviders.get(v.name) ?? [];
        list.push({ name: p.name, ...(v.version !== undefined ? { version: v.version } : {}) });
        this.installedProviders.set(v.name, list);
      }
    }
  }

  /** How a selected package came in: 'requested foo → foo Depends bar'. */
  chainOf(name: string): string {
    return this.chains.get(name) ?? 'not selected';
  }

  /** The plan, or undefined when a new pin was added and the caller should restart. */
  run(): Plan | undefined {
    for (const spec of this.request.packages) this.request1(spec);
    for (let i = 0; i < this.queue.length; i++) {
      const pkg = this.queue[i]!;
      const rec = pkg.record;
      const chain = this.chains.get(pkg.name)!;
      for (const [field, groups] of [
        ['Pre-Depends', rec.preDepends],
        ['Depends', rec.depends],
      ] as const) {
        for (const group of groups) {
          if (!this.depend(pkg, chain, field, group)) return undefined;
        }
      }
    }
    checkConflicts([...this.selected.values()], this.chains, this.u.arch);
    const names = [...this.selected.keys()].sort();
    return {
      arch: this.u.arch,
      packages: names.map((n) => ({ record: this.selected.get(n)!.record, reasons: [...this.reasons.get(n)!] })),
      excluded: [...this.excluded.keys()].sort().map((name) => ({ name, neededBy: [...this.excluded.get(name)!] })),
      ...(this.request.installed
        ? {
            fromBase: [...this.usedBase.keys()]
              .sort()
              .map((name) => ({ name, neededBy: [...this.usedBase.get(name)!] })),
          }
        : {}),
    };
  }

  /** The base image package that satisfies `rel`, if any (by name and version, or by Provides). */
  private installedFor(rel: Relation): string | undefined {
    const have = this.installed.get(rel.name);
    if (have && satisfies(have.version, rel.op, rel.version)) return have.name;
    for (const p of this.installedProviders.get(rel.name) ?? []) {
      if (rel.op === undefined || (p.version !== undefined && satisfies(p.version, rel.op, rel.version))) return p.name;
    }
    return undefined;
  }

  private baseMismatch(chain: string, alts: Relation[]): ResolveError | undefined {
    const r = alts.find((a) => this.installed.has(a.name));
    if (!r) return undefined;
    const have = this.installed.get(r.name)!;
    return new ResolveError(
      'UNSATISFIABLE',
      `cannot satisfy ${chain}: the base image has ${have.name} ${have.version}, which does not satisfy ${formatAlternatives([r])}`,
      {
        hint: 'use a base image with a newer version of the package, or build without base:',
        detail: { chain, name: have.name, version: have.version },
      },
    );
  }

  private request1(spec: string): void {
    const eq = spec.indexOf('=');
    const name = (eq < 0 ? spec : spec.slice(0, eq)).trim();
    const version = eq < 0 ? undefined : spec.slice(eq + 1).trim();
    const chain = `requested ${spec}`;
    if (this.exclude.has(name)) {
      throw new ResolveError('UNSATISFIABLE', `${name} is both requested and excluded`, {
        hint: `remove ${name} from the packages or from exclude`,
      });
    }
    if (!this.u.has(name)) {
      const similar = suggestNames(name, this.u.names());
      throw new ResolveError('PACKAGE_NOT_FOUND', `requested package ${name} is not available for ${this.u.arch}`, {
        hint: similar.length
          ? `did you mean ${similar.join(', ')}?`
          : 'check the name and the configured repositories and components',
        detail: { name, similar },
      });
    }
    const rel: Relation = version === undefined ? { name } : { name, op: '=', version };
    if (this.installed.has(name)) {
      if (this.installedFor(rel) === name) return this.addBase(name, 'requested');
      throw this.baseMismatch(chain, [rel])!;
    }
    if (version !== undefined && this.u.versions(name).length > 0) this.constrain(name, { op: '=', version, chain });
    const have = this.satisfiedBy(rel);
    if (have) return this.addReason(have.name, 'requested');
    const pick = this.choose(rel);
    if (!pick) throw this.unsatisfiable(chain, [rel]);
    this.select(pick, chain, 'requested');
  }

  /** Handles one or-group; false means a pin was added (restart). */
  private depend(pkg: Candidate, chain: string, field: string, group: Relation[]): boolean {
    const alts = group.filter((r) => appliesToArch(r, this.u.arch));
    if (alts.length === 0) return true;
    const why = `${pkg.name} ${field} ${formatAlternatives(alts)}`;
    for (const alt of alts) {
      const b = this.installedFor(alt);
      if (b) return (this.addBase(b, why), true);
    }
    for (const alt of alts) {
      const q = this.satisfiedBy(alt);
      if (q) return (this.addReason(q.name, why), true);
    }
    for (const alt of alts) {
      const ex = this.excludedFor(alt);
      if (ex) return (this.addExcluded(ex, why), true);
    }
    let clash: Relation | undefined;
    for (const alt of alts) {
      const pick = this.choose(alt);
      if (pick) return (this.select(pick, `${chain} → ${why}`, why), true);
      if (!clash && alt.op && this.selected.has(alt.name)) clash = alt;
    }
    if (clash) {
      // A chosen package has the wrong version: remember the need, start over.
      const c: Constraint = { op: clash.op!, version: clash.version!, chain: `${chain} → ${why}` };
      const before = this.u.versions(clash.name).filter((v) => this.fits(v, clash!.name));
      if (before.some((v) => satisfies(v.version, c.op, c.version))) {
        this.constrain(clash.name, c, this.pins);
        return false;
      }
    }
    throw this.baseMismatch(`${chain} → ${why}`, alts) ?? this.unsatisfiable(`${chain} → ${why}`, alts);
  }

  /** A selected package that satisfies `rel` (by name or by Provides). */
  private satisfiedBy(rel: Relation): Candidate | undefined {
    const q = this.selected.get(rel.name);
    if (q && archOk(q, rel, this.u.arch) && satisfies(q.version, rel.op, rel.version)) return q;
    for (const p of this.provided.get(rel.name) ?? []) {
      if (!archOk(p.pkg, rel, this.u.arch)) continue;
      if (rel.op === undefined || (p.version !== undefined && satisfies(p.version, rel.op, rel.version))) return p.pkg;
    }
    return undefined;
  }

  /** The excluded name that would satisfy `rel`, if any. */
  private excludedFor(rel: Relation): string | undefined {
    if (this.exclude.has(rel.name)) return rel.name;
    if (this.u.versions(rel.name).some((v) => !this.exclude.has(v.name) && this.usable(v, rel))) return undefined;
    for (const p of this.u.providers(rel.name)) {
      if (this.exclude.has(p.pkg.name) && this.providerUsable(p, rel)) return p.pkg.name;
    }
    return undefined;
  }

  /** The best not-yet-selected candidate for `rel`: real package first, then providers. */
  private choose(rel: Relation): Candidate | undefined {
    if (!this.selected.has(rel.name) && !this.installed.has(rel.name)) {
      const real = this.u.versions(rel.name).find((v) => this.usable(v, rel));
      if (real) return real;
    }
    const provs = this.u
      .providers(rel.name)
      .filter(
        (p) =>
          !this.exclude.has(p.pkg.name) &&
          !this.installed.has(p.pkg.name) &&
          this.providerUsable(p, rel) &&
          !this.selected.has(p.pkg.name),
      );
    return provs.sort(providerOrder)[0]?.pkg;
  }

  usable(v: Candidate, rel: Relation): boolean {
    return this.fits(v, v.name) && archOk(v, rel, this.u.arch) && satisfies(v.version, rel.op, rel.version);
  }

  private providerUsable(p: { pkg: Candidate; version?: string }, rel: Relation): boolean {
    if (rel.op !== undefined && (p.version === undefined || !satisfies(p.version, rel.op, rel.version))) return false;
    // The provider must be the version that would be chosen for its own name.
    return this.u.versions(p.pkg.name).find((v) => this.fits(v, v.name)) === p.pkg && archOk(p.pkg, rel, this.u.arch);
  }

  /** True if `v` meets every remembered constraint on `name`. */
  fits(v: Candidate, name: string): boolean {
    return (this.pins.get(name) ?? []).every((c) => satisfies(v.version, c.op, c.version));
  }

  private constrain(name: string, c: Constraint, into = this.pins): void {
    const list = into.get(name) ?? [];
    if (!list.some((x) => x.op === c.op && x.version === c.version)) list.push(c);
    into.set(name, list);
  }

  private select(pkg: Candidate, chain: string, why: string): void {
    this.selected.set(pkg.name, pkg);
    this.chains.set(pkg.name, chain);
    for (const p of pkg.provides()) {
      const list = this.provided.get(p.name) ?? [];
      list.push(p.version === undefined ? { pkg } : { pkg, version: p.version });
      this.provided.set(p.name, list);
    }
    this.addReason(pkg.name, why);
    this.queue.push(pkg);
  }

  private addReason(name: string, why: string): void {
    const set = this.reasons.get(name) ?? new Set<string>();
    set.add(why);
    this.reasons.set(name, set);
  }

  private addBase(name: string, why: string): void {
    const set = this.usedBase.get(name) ?? new Set<string>();
    set.add(why);
    this.usedBase.set(name, set);
  }

  private addExcluded(name: string, why: string): void {
    const set = this.excluded.get(name) ?? new Set<string>();
    set.add(why);
    this.excluded.set(name, set);
  }

  private unsatisfiable(chain: string, alts: Relation[]): ResolveError {
    const reasons = alts.map((r) => whyNot(this, r));
    return new ResolveError('UNSATISFIABLE', `cannot satisfy ${chain} → ${reasons.join('; ')}`, {
      hint: 'pin other versions (name=version), add a repository that has them, or exclude the package that needs them',
      detail: { chain, alternatives: alts.map((r) => formatAlternatives([r])) },
    });
  }
}

export type { Attempt };
