/**
 * Parse pare.yaml text into a Config: YAML errors and schema errors name
 * file:line:column and the key, and every problem is reported at once.
 * Pure: the caller reads the file.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, type Position } from '../errors.js';
import { excerpt } from '../util/excerpt.js';
import { configSpec } from './schema.js';
import { checkContent, normalizeContent } from './content.js';
import {
  DEFAULT_LAYER_BUDGET,
  type Config,
  type GroupConfig,
  type RepositoryConfig,
  type UserConfig,
} from './types.js';
import { checkApps, normalizeApps } from './apps.js';
import type { RawConfig, Scalar } from './raw.js';
import { validateNode, type Problem } from './validate.js';
import { APK_PACKAGE_RE, checkRepositoryKinds, isApkContents } from './repository-kinds.js';
import { parseSize, type Limits } from './limits.js';

const PACKAGE_RE = /^[a-z0-9][a-z0-9+.-]*(:[a-z0-9-]+)?(=[A-Za-z0-9.+~:-]+)?$/;

function report(
  file: string,
  text: string,
  lc: LineCounter,
  problems: Problem[],
  code: 'CONFIG_PARSE' | 'CONFIG_SCHEMA',
): never {
  const lines = problems.map((p) => {
    const { line, col } = lc.linePos(p.offset);
    return { ...p, line, col };
  });
  lines.sort((a, b) => a.offset - b.offset);
  const first = lines[0];
  const msg = lines.map((p) => `${file}:${p.line}:${p.col}: ${p.key ? `${p.key}: ` : ''}${p.message}`).join('\n');
  throw new ConfigError(code, `${msg}\n${excerpt(text, first!.line, first!.col, first!.length)}`, {
    pos: { file, line: first!.line, col: first!.col },
    hint:
      code === 'CONFIG_PARSE'
        ? 'fix the YAML syntax at the position shown'
        : 'run `pare schema` for the accepted keys, or see examples/base.yaml',
    detail: { problems: lines.map(({ key, message, line, col }) => ({ key, message, line, col })) },
  });
}

function splitCommand(v: Scalar | Scalar[] | undefined | null): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map(String);
  const s = String(v).trim();
  return s === '' ? [] : s.split(/\s+/);
}

function repoFromLine(line: string, pos: Position): RepositoryConfig {
  const words = line.trim().split(/\s+/);
  const url = /^https?:\/\//.test(words[0] ?? '') ? words.shift() : undefined;
  const suite = words.shift();
  if (!suite)
    throw new ConfigError(
      'CONFIG_SCHEMA',
      `${pos.file}:${pos.line}:${pos.col}: contents.repositories: "${line}" names no suite`,
      { pos, hint: 'write "[URL] SUITE [COMPONENT...]", e.g. "bookworm main"' },
    );
  return { url, suites: [suite], components: words.length ? words : ['main'], pos };
}

export function parseConfig(text: string, file: string, dir = posix.dirname(file)): Config {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length) {
    report(
      file,
      text,
      lc,
      doc.errors.map((e) => ({
        key: '',
        message: e.message.split('\n')[0] ?? e.message,
        offset: e.pos[0],
        length: Math.max(1, e.pos[1] - e.pos[0]),
      })),
      'CONFIG_PARSE',
    );
  }
  const problems: Problem[] = [];
  validateNode(doc.contents, configSpec, '', problems);
  // Semantic checks that need positions too.
  const raw = doc.toJS() as RawConfig | null; // shape checked by validateNode when problems is empty
  if (problems.length === 0 && raw) {
    const at = (path: (string | number)[]): number =>
      (doc.getIn(path, true) as { range?: [number] } | undefined)?.range?.[0] ?? 0;
    problems.push(...checkRepositoryKinds(raw, at));
    const apk = isApkContents(raw);
    raw.contents.packages.forEach((p, i) => {
      if (!(apk ? APK_PACKAGE_RE : PACKAGE_RE).test(String(p)))
        problems.push({
          key: `contents.packages[${i}]`,
          message: apk
            ? `"${String(p)}" is not an apk world entry (NAME, optionally with =, <, <=, >, >= or ~ and a version)`
            : `"${String(p)}" is not a Debian package name (optionally NAME=VERSION)`,
          offset: at(['contents', 'packages', i]),
          length: String(p).length,
        });
    });
    if (apk && raw.base !== undefined)
      problems.push({
        key: 'base',
        message: 'a base image is supported for Debian contents only, not with apk repositories',
        offset: at(['base']),
        length: String(raw.base).length,
      });
    if (apk && raw.minimize !== undefined)
      problems.push({
        key: 'minimize',
        message: 'minimization is supported for Debian contents only, not with apk repositories',
        offset: at(['minimize']),
        length: 'minimize'.length,
      });
    const wd = raw['work-dir'];
    if (wd !== undefined && !String(wd).startsWith('/'))
      problems.push({
        key: 'work-dir',
        message: `"${String(wd)}" must be an absolute path`,
        offset: at(['work-dir']),
        length: String(wd).length,
      });
    const users = raw.accounts?.users ?? [];
    const names = new Set<string>();
    users.forEach((u, i) => {
      if (names.has(String(u.username)))
        problems.push({
          key: `accounts.users[${i}].username`,
          message: `user "${String(u.username)}" is defined twice`,
          offset: at(['accounts', 'users', i]),
          length: 1,
        });
      names.add(String(u.username));
    });
    problems.push(...checkContent(raw, doc, text, dir), ...checkApps(raw, doc, dir));
  }
  if (problems.length) report(file, text, lc, problems, 'CONFIG_SCHEMA');
  if (!raw) report(file, text, lc, [{ key: '', message: 'the file is empty', offset: 0, length: 1 }], 'CONFIG_SCHEMA');
  return normalize(raw, text, file, dir, lc, doc);
}

function normalize(
  raw: RawConfig,
  text: string,
  file: string,
  dir: string,
  lc: LineCounter,
  doc: ReturnType<typeof parseDocument>,
): Config {
  const resolvePath = (p: string) => (posix.isAbsolute(p) ? p : posix.join(dir, p));
  const posAt = (path: (string | number)[]): Position => {
    const off = (doc.getIn(path, true) as { range?: [number] } | undefined)?.range?.[0] ?? 0;
    const { line, col } = lc.linePos(off);
    return { file, line, col };
  };
  const c = raw.contents;
  const repositories: RepositoryConfig[] = c.repositories.map((r, i) => {
    const pos = posAt(['contents', 'repositories', i]);
    const snapshot = (typeof r === 'string' ? undefined : r.snapshot) ?? c.snapshot;
    if (typeof r === 'string') return { ...repoFromLine(r, pos), ...(snapshot ? { snapshot } : {}) };
    if (r.type === 'apk') {
      const keyring = r.keyring?.map((k) => (/^https?:\/\//.test(k) ? k : resolvePath(k)));
      return { type: 'apk', url: (r.url ?? '').replace(/\/+$/, ''), suites: [], components: [], keyring, pos };
    }
    return {
      url: r.url?.replace(/\/+$/, ''),
      suites: (r.suites ?? []).map(String),
      components: (r.components ?? ['main']).map(String),
      keyring: r.keyring?.map(resolvePath),
      ...(snapshot ? { snapshot } : {}),
      pos,
    };
  });
  const users: UserConfig[] = (raw.accounts?.users ?? []).map((u) => ({
    username: String(u.username),
    uid: u.uid,
    gid: u.gid ?? u.uid,
    homedir: u.homedir ?? `/home/${String(u.username)}`,
    shell: u.shell ?? '/sbin/nologin',
  }));
  const groups: GroupConfig[] = (raw.accounts?.groups ?? []).map((g) => ({
    groupname: String(g.groupname),
    gid: g.gid,
    members: (g.members ?? []).map(String),
  }));
  const runAs = raw.accounts?.['run-as'];
  const entrypoint = raw.entrypoint
    ? [...(splitCommand(raw.entrypoint.command) ?? []), ...(raw.entrypoint.args ?? []).map(String)]
    : undefined;
  const strMap = (m: unknown) =>
    Object.fromEntries(Object.entries((m ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  return {
    file,
    dir,
    digest: createHash('sha256').update(text).digest('hex'),
    contents: {
      repositories,
      keyring: (c.keyring ?? []).map(resolvePath),
      packages: c.packages.map(String),
      exclude: (c.exclude ?? []).map(String),
    },
    entrypoint,
    cmd: splitCommand(raw.cmd),
    workDir: raw['work-dir'] === undefined ? undefined : String(raw['work-dir']),
    environment: strMap(raw.environment),
    accounts: { users, groups, runAs: runAs === undefined ? undefined : String(runAs) },
    annotations: strMap(raw.annotations),
    archs: (raw.archs ?? ['amd64']).map(String),
    ...(raw.base !== undefined ? { base: baseRef(String(raw.base), resolvePath) } : {}),
    layering: {
      strategy: raw.layering?.strategy ?? 'none',
      budget: raw.layering?.budget ?? DEFAULT_LAYER_BUDGET,
    },
    ...(raw.limits ? { limits: configLimits(raw.limits) } : {}),
    ...normalizeContent(raw, doc, text, dir, posAt),
    ...normalizeApps(raw, dir, posAt),
  };
}

/** oci:DIR[:TAG] and docker-archive:FILE with their paths resolved against the config's directory. */
function baseRef(ref: string, resolvePath: (p: string) => string): string {
  const m = /^(oci|docker-archive):(.+)$/.exec(ref);
  return m ? `${m[1]}:${resolvePath(m[2]!)}` : ref;
}

function configLimits(l: Record<string, unknown>): Partial<Limits> {
  const out: Partial<Limits> = {};
  if (l['package-size'] !== undefined) out.packageBytes = parseSize(l['package-size'] as string | number);
  if (l['image-size'] !== undefined) out.imageBytes = parseSize(l['image-size'] as string | number);
  if (l.files !== undefined) out.files = Number(l.files);
  return out;
}
