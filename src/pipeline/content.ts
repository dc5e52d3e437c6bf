/**
 * Read the build-context files that `paths` entries of type `file` name.
 * Sources must stay inside the config file's directory (the build context),
 * also after following symlinks; a directory is read with its contents
 * (symlinks inside it are kept as symlinks, never followed).
 */
import { lstat, readdir, readFile, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Config, PathConfig } from '../config/index.js';
import { ConfigError } from '../errors.js';
import { compareBytewise } from '../tree/path.js';
import type { SourceNode } from '../tree/paths.js';
import type { SliceRules } from '../tree/slice.js';
import { CA_BUNDLE } from '../distroless/ca-bundle.js';
import { DEFAULT_PATH } from '../oci/index.js';

function where(p: PathConfig): string {
  return p.pos ? `${p.pos.file}:${p.pos.line}:${p.pos.col}: ` : '';
}

async function readNode(abs: string, rel: string, out: SourceNode[]): Promise<void> {
  const st = await lstat(abs);
  if (st.isSymbolicLink()) out.push({ rel, type: 'symlink', target: await readlink(abs) });
  else if (st.isFile()) out.push({ rel, type: 'file', data: await readFile(abs), executable: (st.mode & 0o100) !== 0 });
  else if (st.isDirectory()) {
    out.push({ rel, type: 'dir' });
    const names = (await readdir(abs)).sort(compareBytewise);
    for (const n of names) await readNode(path.join(abs, n), rel === '' ? n : `${rel}/${n}`, out);
  }
  // sockets, FIFOs and devices are not image content: skipped
}

/** Source path → its nodes, for every `file` entry of config.paths. */
export async function readPathSources(config: Config): Promise<Map<string, SourceNode[]>> {
  const out = new Map<string, SourceNode[]>();
  const entries = (config.paths ?? []).filter((p) => p.type === 'file' && p.source !== undefined);
  if (entries.length === 0) return out;
  const context = await realpath(config.dir);
  for (const p of entries) {
    const src = p.source!;
    if (out.has(src)) continue;
    const shown = path.relative(config.dir, src) || src;
    let real: string;
    try {
      real = await realpath(src);
    } catch (e) {
      throw new ConfigError(
        'CONFIG_READ',
        `${where(p)}paths: cannot read source "${shown}": ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
        {
          pos: p.pos,
          hint: `sources are relative to ${config.dir}`,
          cause: e,
        },
      );
    }
    if (real !== context && !real.startsWith(context + path.sep)) {
      throw new ConfigError(
        'CONFIG_SCHEMA',
        `${where(p)}paths: source "${shown}" resolves to ${real}, outside the build context ${context}`,
        {
          pos: p.pos,
          hint: 'copy the file into the directory of the config file; sources may not leave it, not even through a symlink',
        },
      );
    }
    const nodes: SourceNode[] = [];
    await readNode(real, '', nodes);
    out.set(src, nodes);
  }
  return out;
}

/** The slicing rules of a config (built-in rules on unless `slicing.enabled: false`). */
export function sliceRulesFor(config: Config): SliceRules {
  const s = config.slicing;
  if (!s) return { defaults: true, include: [], exclude: [] };
  return { defaults: s.enabled, include: s.include, exclude: s.exclude, packages: s.packages };
}

/**
 * The image environment: the config's, plus SSL_CERT_FILE when a CA bundle
 * was generated, plus /busybox at the end of PATH in the debug variant.
 */
export function imageEnv(config: Config, extra: { caBundle: boolean; debugPath?: string }): Record<string, string> {
  const env: Record<string, string> = { ...config.environment };
  if (extra.caBundle && env.SSL_CERT_FILE === undefined) env.SSL_CERT_FILE = `/${CA_BUNDLE}`;
  if (extra.debugPath) env.PATH = `${env.PATH ?? DEFAULT_PATH}:${extra.debugPath}`;
  return env;
}
