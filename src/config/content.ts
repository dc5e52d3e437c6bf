/**
 * The config keys for image content beyond packages: `paths` (apko's, plus
 * files from the build context), `slicing` and `debug`. Semantic checks with
 * positions, and normalization into Config fields. Pure: files named by
 * `paths` are read by the build layer (src/pipeline/content.ts).
 */
import { posix } from 'node:path';
import type { Document } from 'yaml';
import type { MinimizeConfig, PathConfig, PathType, SlicingConfig, SliceRuleConfig } from './types.js';
import type { RawConfig, RawSliceRules } from './raw.js';
import type { Problem } from './validate.js';
import type { Position } from '../errors.js';

/** Node range [start, end) of the value at `path`, if any. */
function rangeOf(doc: Document, path: (string | number)[]): [number, number] {
  const r = (doc.getIn(path, true) as { range?: [number, number] } | undefined)?.range;
  return r ? [r[0], r[1]] : [0, 1];
}

/** Permissions are octal digits, as with chmod: 0o755, 0755, 755 or "755". */
export function parseMode(sourceText: string): number | undefined {
  const t = sourceText.trim().replace(/^["']|["']$/g, '');
  const m = /^0?o?([0-7]{1,4})$/.exec(t);
  return m ? parseInt(m[1]!, 8) : undefined;
}

/** Whether `source` (relative to the build context) stays inside it. */
export function insideContext(source: string): boolean {
  if (posix.isAbsolute(source) || source.includes('\\')) return false;
  const n = posix.normalize(source);
  return n !== '..' && !n.startsWith('../');
}

export function checkContent(raw: RawConfig, doc: Document, text: string, dir: string): Problem[] {
  const problems: Problem[] = [];
  const add = (path: (string | number)[], key: string, message: string): void => {
    const [start, end] = rangeOf(doc, path);
    problems.push({ key, message, offset: start, length: Math.max(1, end - start) });
  };
  (raw.paths ?? []).forEach((p, i) => {
    const key = `paths[${i}]`;
    const type = p.type as PathType;
    if (String(p.path).split('/').includes('..'))
      add(['paths', i, 'path'], `${key}.path`, `"${String(p.path)}" has a '..' component`);
    if (p.permissions !== undefined) {
      const [s, e] = rangeOf(doc, ['paths', i, 'permissions']);
      if (parseMode(text.slice(s, e)) === undefined)
        add(
          ['paths', i, 'permissions'],
          `${key}.permissions`,
          `"${text.slice(s, e)}" is not an octal mode (e.g. 0o755, 0755 or "755")`,
        );
    }
    if (type === 'file') {
      if (p.source === undefined)
        add(['paths', i], key, 'a "file" entry needs "source" (a file relative to the config file)');
      else if (!insideContext(String(p.source)))
        add(
          ['paths', i, 'source'],
          `${key}.source`,
          `"${String(p.source)}" is outside the build context ${dir}; name a file inside the config file's directory`,
        );
    }
    if ((type === 'symlink' || type === 'hardlink') && p.target === undefined && p.source === undefined) {
      add(['paths', i], key, `a "${type}" entry needs "target"`);
    }
    if (type === 'permissions' && p.permissions === undefined && p.uid === undefined && p.gid === undefined) {
      add(['paths', i], key, 'a "permissions" entry needs "permissions", "uid" or "gid"');
    }
  });
  return problems;
}

function ruleSet(r: RawSliceRules | undefined): SliceRuleConfig {
  return {
    include: (r?.include ?? []).map(String),
    exclude: (r?.exclude ?? []).map(String),
  };
}

export function normalizeContent(
  raw: RawConfig,
  doc: Document,
  text: string,
  dir: string,
  posAt: (path: (string | number)[]) => Position,
): { paths: PathConfig[]; slicing: SlicingConfig; debug: boolean; minimize?: MinimizeConfig } {
  const paths: PathConfig[] = (raw.paths ?? []).map((p, i) => {
    const type = p.type as PathType;
    const [s, e] = rangeOf(doc, ['paths', i, 'permissions']);
    const link = type === 'symlink' || type === 'hardlink';
    return {
      path: String(p.path),
      type,
      source: type === 'file' ? posix.join(dir, String(p.source)) : undefined,
      target: link ? String(p.target ?? p.source) : undefined,
      uid: p.uid,
      gid: p.gid,
      permissions: p.permissions === undefined ? undefined : parseMode(text.slice(s, e)),
      recursive: p.recursive === true,
      pos: posAt(['paths', i]),
    };
  });
  const s = raw.slicing ?? {};
  const packages = Object.fromEntries(Object.entries(s.packages ?? {}).map(([k, v]) => [k, ruleSet(v)]));
  const m = raw.minimize;
  const keep = (m?.keep ?? []).map(String);
  const minimize: MinimizeConfig | undefined = m && {
    traces: keep.filter((k) => !k.startsWith('/')).map((k) => posix.join(dir, k)),
    globs: keep.filter((k) => k.startsWith('/')),
    elf: m.elf === true,
    pos: posAt(['minimize']),
  };
  return {
    paths,
    slicing: { enabled: s.enabled !== false, ...ruleSet(s), packages },
    debug: raw.debug === true,
    ...(minimize ? { minimize } : {}),
  };
}
