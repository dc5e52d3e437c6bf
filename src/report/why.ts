/**
 * Why each installed package is there, from the image alone: the dependency
 * graph of its status.d (Depends and Pre-Depends, alternatives resolved to
 * what is installed). Top-level packages are those no installed package
 * depends on — what the config asked for, or what a base image brought; a
 * package's why-path is the shortest chain from a top-level package down to
 * it (ties broken by name, so the result is deterministic). A dependency
 * cycle nothing outside depends on (libc6 ↔ libgcc-s1 in a bare image) gets
 * its alphabetically first member as a top-level package. Pure.
 */

export interface WhyInput {
  name: string;
  /** Installed packages it depends on. */
  dependencies: readonly string[];
}

export interface WhyResult {
  /** name → the path from a top-level package to it, ending with it. */
  why: Map<string, string[]>;
  /** name → installed packages depending on it, sorted. */
  dependents: Map<string, string[]>;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function whyPaths(packages: readonly WhyInput[]): WhyResult {
  const names = packages.map((p) => p.name).sort(cmp);
  const known = new Set(names);
  const deps = new Map(
    packages.map((p) => [p.name, [...new Set(p.dependencies)].filter((d) => known.has(d)).sort(cmp)]),
  );
  const dependents = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const n of names) for (const d of deps.get(n)!) if (d !== n) dependents.get(d)!.push(n);
  const why = new Map<string, string[]>();
  const bfs = (roots: string[]): void => {
    const queue: string[] = [];
    for (const r of roots) {
      if (why.has(r)) continue;
      why.set(r, [r]);
      queue.push(r);
    }
    for (let i = 0; i < queue.length; i++) {
      const from = queue[i]!;
      for (const d of deps.get(from)!) {
        if (why.has(d)) continue;
        why.set(d, [...why.get(from)!, d]);
        queue.push(d);
      }
    }
  };
  bfs(names.filter((n) => dependents.get(n)!.length === 0));
  for (const n of names) if (!why.has(n)) bfs([n]);
  return { why, dependents };
}
