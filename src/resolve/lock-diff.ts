/**
 * What changed between two lock files, per architecture: packages added,
 * removed, and changed (another version). Pure: locks in, values out; the
 * text form is what `pare lock --update` prints.
 */
import type { Lockfile } from './lock.js';

export interface LockDiff {
  /** Per architecture (sorted by name within each list). */
  archs: Record<
    string,
    {
      added: Array<{ name: string; version: string }>;
      removed: Array<{ name: string; version: string }>;
      changed: Array<{ name: string; from: string; to: string }>;
    }
  >;
}

export function diffLocks(before: Lockfile | undefined, after: Lockfile): LockDiff {
  const archs: LockDiff['archs'] = {};
  for (const arch of [...new Set([...Object.keys(before?.archs ?? {}), ...Object.keys(after.archs)])]) {
    const old = new Map((before?.archs[arch]?.packages ?? []).map((p) => [p.name, p.version]));
    const now = new Map((after.archs[arch]?.packages ?? []).map((p) => [p.name, p.version]));
    const names = [...new Set([...old.keys(), ...now.keys()])].sort();
    const d: LockDiff['archs'][string] = { added: [], removed: [], changed: [] };
    for (const name of names) {
      const a = old.get(name);
      const b = now.get(name);
      if (a === undefined) d.added.push({ name, version: b! });
      else if (b === undefined) d.removed.push({ name, version: a });
      else if (a !== b) d.changed.push({ name, from: a, to: b });
    }
    archs[arch] = d;
  }
  return { archs };
}

export function isEmptyDiff(d: LockDiff): boolean {
  return Object.values(d.archs).every((a) => !a.added.length && !a.removed.length && !a.changed.length);
}

/** One line per change: `amd64: libssl3 3.0.15-1~deb12u1 -> 3.0.17-1~deb12u2`, `+ name version`, `- name version`. */
export function formatLockDiff(d: LockDiff): string {
  const lines: string[] = [];
  for (const [arch, a] of Object.entries(d.archs)) {
    const rows = [
      ...a.changed.map((c) => [c.name, `${c.name} ${c.from} -> ${c.to}`] as const),
      ...a.added.map((c) => [c.name, `+ ${c.name} ${c.version}`] as const),
      ...a.removed.map((c) => [c.name, `- ${c.name} ${c.version}`] as const),
    ].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    for (const [, text] of rows) lines.push(`${arch}: ${text}`);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
