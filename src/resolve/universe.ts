/**
 * The package universe for one architecture: every candidate from every
 * index (several suites merge), looked up by name and by provided name.
 * Source-neutral: a candidate is anything with a name, version, architecture,
 * provides() and a (possibly lazily parsed) PackageRecord.
 */
import type { PackageRecord, PackagesIndex } from '../sources/debian/packages-index.js';
import { formatRelation, type Relation } from '../sources/debian/relations.js';
import { compareVersions } from '../sources/debian/version.js';

export interface Candidate {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  /** The full record (may be parsed on first access). */
  readonly record: PackageRecord;
  /** The raw Provides field ('' if none): searched cheaply for virtual names. */
  readonly providesText: string;
  provides(): Relation[];
}

export interface Provider {
  pkg: Candidate;
  /** The provided name's version (`Provides: foo (= 1.2)`), if any. */
  version?: string;
}

const WORD_EDGE = new Set([10, 32, 9, 44]); // '\n', ' ', '\t', ','
const WORD_END = new Set([10, 32, 9, 44, 40, 58]); // ... '(', ':'

export class Universe {
  private readonly byName = new Map<string, Candidate[]>();
  private readonly unsorted = new Set<string>();
  /** Every candidate's Provides text joined by '\n', searched by name on demand. */
  private provided?: { blob: string; starts: number[]; owners: Candidate[]; cache: Map<string, Provider[]> };
  private count = 0;

  /**
   * `keep` (name → version): list that version first where it is a candidate,
   * so the solver keeps it while it fits and takes the highest other version
   * only when a constraint rules it out (`pare lock --update PKG`).
   */
  constructor(
    readonly arch: string,
    private readonly keep?: ReadonlyMap<string, string>,
  ) {}

  /** Adds an index's packages of this architecture or 'all'. */
  addIndex(idx: PackagesIndex): this {
    for (const stub of idx.stubs) this.add(stub);
    return this;
  }

  /** Adds fully parsed records (tests, other sources). */
  addRecords(records: Iterable<PackageRecord>): this {
    for (const r of records) {
      const providesText = r.provides.map(formatRelation).join(', ');
      this.add({
        name: r.name,
        version: r.version,
        architecture: r.architecture,
        record: r,
        providesText,
        provides: () => r.provides,
      });
    }
    return this;
  }

  /**
   * Adds one candidate if its architecture fits. The same name and version
   * seen again (another suite) keeps the first one added.
   */
  add(c: Candidate): void {
    if (c.architecture !== this.arch && c.architecture !== 'all') return;
    const list = this.byName.get(c.name);
    if (list === undefined) this.byName.set(c.name, [c]);
    else {
      list.push(c);
      this.unsorted.add(c.name);
    }
    this.count++;
    this.provided = undefined;
  }

  /** Number of candidates added (all versions). */
  get size(): number {
    return this.count;
  }

  /** Every version of a real package, highest first (no duplicates), a kept version before all. */
  versions(name: string): readonly Candidate[] {
    const list = this.byName.get(name);
    if (list === undefined) return [];
    if (this.unsorted.has(name)) {
      // Stable sort: for equal versions the first added stays first, then is kept.
      list.sort((a, b) => compareVersions(b.version, a.version));
      const dedup = list.filter((c, i) => i === 0 || compareVersions(list[i - 1]!.version, c.version) !== 0);
      const keep = this.keep?.get(name);
      const k = keep === undefined ? -1 : dedup.findIndex((c) => compareVersions(c.version, keep) === 0);
      if (k > 0) dedup.unshift(...dedup.splice(k, 1));
      this.byName.set(name, dedup);
      this.unsorted.delete(name);
      return dedup;
    }
    return list;
  }

  /** The default candidate: the highest version of a real package (or the kept one). */
  candidate(name: string): Candidate | undefined {
    return this.versions(name)[0];
  }

  /** Packages providing `name` (all versions of each), in name then version order. */
  providers(name: string): readonly Provider[] {
    const idx = this.providedIndex();
    let found = idx.cache.get(name);
    if (found === undefined) {
      found = this.sortProviders(this.searchProviders(idx, name));
      idx.cache.set(name, found);
    }
    return found;
  }

  /** True if `name` is a real package or provided by one. */
  has(name: string): boolean {
    return this.byName.has(name) || this.providers(name).length > 0;
  }

  /** Every real package name, sorted. */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  private providedIndex(): NonNullable<Universe['provided']> {
    if (this.provided) return this.provided;
    const texts: string[] = [];
    const starts: number[] = [];
    const owners: Candidate[] = [];
    let at = 0;
    for (const list of this.byName.values()) {
      for (const pkg of list) {
        if (pkg.providesText === '') continue;
        texts.push(pkg.providesText);
        starts.push(at);
        owners.push(pkg);
        at += pkg.providesText.length + 1;
      }
    }
    this.provided = { blob: texts.join('\n'), starts, owners, cache: new Map() };
    return this.provided;
  }

  /** Finds `name` as a whole word in the joined Provides texts; parses only the owners hit. */
  private searchProviders(idx: NonNullable<Universe['provided']>, name: string): Provider[] {
    const out: Provider[] = [];
    const { blob, starts, owners } = idx;
    for (let pos = blob.indexOf(name); pos !== -1;) {
      const before = pos === 0 ? 10 : blob.charCodeAt(pos - 1);
      const after = blob.charCodeAt(pos + name.length);
      let k = 0;
      for (let lo = 0, hi = starts.length - 1; lo <= hi;) {
        const mid = (lo + hi) >> 1;
        if (starts[mid]! <= pos) {
          k = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (WORD_EDGE.has(before) && (Number.isNaN(after) || WORD_END.has(after))) {
        for (const p of owners[k]!.provides()) {
          if (p.name === name)
            out.push(p.version === undefined ? { pkg: owners[k]! } : { pkg: owners[k]!, version: p.version });
        }
        pos = k + 1 < starts.length ? blob.indexOf(name, starts[k + 1]) : -1;
      } else {
        pos = blob.indexOf(name, pos + 1);
      }
    }
    return out;
  }

  /** Name order, newest first within a name, one entry per name and version. */
  private sortProviders(list: Provider[]): Provider[] {
    if (list.length < 2) return list;
    list.sort((a, b) =>
      a.pkg.name < b.pkg.name ? -1 : a.pkg.name > b.pkg.name ? 1 : compareVersions(b.pkg.version, a.pkg.version),
    );
    return list.filter((p, i) => {
      const prev = list[i - 1];
      return !prev || prev.pkg.name !== p.pkg.name || compareVersions(prev.pkg.version, p.pkg.version) !== 0;
    });
  }
}
