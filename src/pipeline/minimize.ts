/**
 * The minimization stage of a Debian build (config `minimize:`): read the
 * trace files `keep:` names, keep what they and the globs list (plus the
 * entrypoint, and with `elf: true` the ELF closure over the tree and the
 * application layer), remove the rest of the packages' files, and rewrite
 * status.d so scanners see exactly what is left (distroless/minimized.ts).
 */
import { readFile } from 'node:fs/promises';
import type { Config, MinimizeConfig } from '../config/index.js';
import { truthfulStatus, type MinimizedPackage } from '../distroless/minimized.js';
import { ConfigError } from '../errors.js';
import type { InstalledPackage } from '../sources/debian/installed.js';
import { minimize, type MinimizeResult } from '../tree/minimize.js';
import { parseTrace } from '../tree/trace-file.js';
import type { FileTree } from '../tree/tree.js';
import type { TreeEntry } from '../tree/types.js';

export interface MinimizeReport extends Omit<MinimizeResult, 'packages'> {
  /** Per package: what minimization removed and whether it is partial or no longer installed. */
  packages: Array<MinimizedPackage & { bytes: number }>;
}

const where = (m: MinimizeConfig): string => (m.pos ? `${m.pos.file}:${m.pos.line}:${m.pos.col}: ` : '');

/** Every image path the config's trace files list (read before any download, so a bad file fails fast). */
export async function readTraces(config: Config): Promise<string[] | undefined> {
  const m = config.minimize;
  if (!m) return undefined;
  const out: string[] = [];
  for (const file of m.traces) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new ConfigError('CONFIG_READ', `${where(m)}minimize.keep: cannot read the trace file ${file}`, {
        hint: 'write it with `pare trace CONFIG -o FILE`, or name paths with absolute globs (starting with /)',
        cause: e,
        ...(m.pos ? { pos: m.pos } : {}),
      });
    }
    const paths = parseTrace(text);
    if (!paths)
      throw new ConfigError('CONFIG_READ', `${where(m)}minimize.keep: ${file} is not a pare trace file`, {
        hint: 'a trace file starts with "# pare trace v1" (`pare trace` writes it); globs start with /',
        ...(m.pos ? { pos: m.pos } : {}),
      });
    out.push(...paths);
  }
  return out;
}

/** Minimize `tree` in place and rewrite its scanner metadata. */
export function minimizeTree(
  config: Config,
  tree: FileTree,
  installed: readonly InstalledPackage[],
  opts: { arch: string; traced: readonly string[]; env: Record<string, string>; extra?: readonly TreeEntry[] },
): MinimizeReport {
  const m = config.minimize!;
  const entry = config.entrypoint?.[0];
  const result = minimize(tree, {
    paths: [...opts.traced, ...(entry?.startsWith('/') ? [entry] : [])],
    globs: m.globs,
    elf: m.elf,
    arch: opts.arch,
    env: opts.env,
    packages: new Set(installed.map((p) => p.record.name)),
    ...(opts.extra ? { extra: opts.extra } : {}),
  });
  const bytes = new Map(result.packages.map((p) => [p.name, p.bytes]));
  const packages = truthfulStatus(tree, installed, result).map((p) => ({ ...p, bytes: bytes.get(p.name) ?? 0 }));
  return { ...result, packages };
}
