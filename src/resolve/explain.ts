/** Formats a Plan for `pare resolve`: one row per package and why it is there. */
import type { Plan } from './solver.js';

export interface FormatPlanOptions {
  /** Show every reason, not just the first (default false). */
  allReasons?: boolean;
}

export function formatPlan(plan: Plan, opts: FormatPlanOptions = {}): string {
  const rows: string[][] = [['NAME', 'VERSION', 'ARCH', 'SIZE', 'WHY']];
  let total = 0;
  for (const { record: r, reasons } of plan.packages) {
    total += r.size;
    const why =
      opts.allReasons || reasons.length <= 1 ? reasons.join('; ') : `${reasons[0]} (+${reasons.length - 1} more)`;
    rows.push([r.name, r.version, r.architecture, formatSize(r.size), why]);
  }
  const widths = rows[0]!.slice(0, -1).map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]): string =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : i === 3 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  let out = rows.map(line).join('\n') + '\n';
  const n = plan.packages.length;
  out += `\n${n} package${n === 1 ? '' : 's'} for ${plan.arch}, ${formatSize(total)} to download\n`;
  if (plan.excluded.length > 0) {
    out += '\nexcluded (dependencies treated as satisfied):\n';
    for (const e of plan.excluded) out += `  ${e.name}: needed by ${e.neededBy.join('; ')}\n`;
  }
  return out;
}

/** 1536 → '1.5 KiB'. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}
