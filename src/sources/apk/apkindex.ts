/**
 * The APKINDEX text: one record per package, records separated by a blank
 * line, each line `X:value` with a one-letter key (P name, V version, A arch,
 * C control checksum, S size, I installed size, T description, U url, L
 * license, o origin, m maintainer, t build time, c commit, D depends, p
 * provides, i install_if, k provider priority, r replaces, q replaces
 * priority). Errors name the line. Pure.
 */
import { SourceError } from '../../errors.js';
import { parseApkDeps, parseApkProvides, type ApkDep, type ApkProvide } from './depend.js';
import { isValidApkVersion } from './version.js';

export interface ApkPackage {
  name: string;
  version: string;
  arch: string;
  /** `Q1` + base64 SHA-1 of the package's control gzip member. */
  checksum: string;
  size: number;
  installedSize: number;
  description: string;
  url: string;
  license: string;
  origin: string;
  maintainer?: string;
  buildTime?: number;
  commit?: string;
  depends: ApkDep[];
  provides: ApkProvide[];
  installIf: ApkDep[];
  /** k: the provider priority (higher wins among providers of one name). */
  providerPriority?: number;
  replaces: string[];
  replacesPriority?: number;
  /** The record's first line in its index (1-based). */
  line?: number;
}

const CHECKSUM = /^Q1[A-Za-z0-9+/]{27}=$/;
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_+.-]*$/;

/** The file name of a package in its repository's arch directory. */
export function apkFileName(p: Pick<ApkPackage, 'name' | 'version'>): string {
  return `${p.name}-${p.version}.apk`;
}

export function parseApkIndex(text: string, file: string): ApkPackage[] {
  const out: ApkPackage[] = [];
  const lines = text.split('\n');
  let fields = new Map<string, string>();
  let start = 0;
  const flush = (): void => {
    if (fields.size > 0) out.push(record(fields, file, start));
    fields = new Map();
  };
  lines.forEach((line, i) => {
    if (line === '') return flush();
    if (fields.size === 0) start = i + 1;
    if (line.length < 2 || line[1] !== ':') {
      throw new SourceError('INDEX_PARSE', `${file}:${i + 1}: expected "X:value", got "${line.slice(0, 40)}"`, {
        hint: 'the index is damaged; fetch it again or check the repository',
      });
    }
    fields.set(line[0]!, line.slice(2));
  });
  flush();
  return out;
}

function record(f: Map<string, string>, file: string, line: number): ApkPackage {
  const where = `${file}:${line}`;
  const bad = (why: string): SourceError =>
    new SourceError('INDEX_PARSE', `${where}: ${why}`, {
      hint: 'the index is damaged; fetch it again or check the repository',
    });
  const name = f.get('P');
  const version = f.get('V');
  if (!name || !NAME.test(name)) throw bad(`missing or bad package name P:${name ?? ''}`);
  if (!version || !isValidApkVersion(version)) throw bad(`${name}: missing or bad version V:${version ?? ''}`);
  const checksum = f.get('C') ?? '';
  if (!CHECKSUM.test(checksum)) throw bad(`${name}: missing or unsupported checksum C:${checksum}`);
  const int = (k: string): number | undefined => {
    const v = f.get(k);
    if (v === undefined || v === '') return undefined;
    if (!/^-?\d+$/.test(v)) throw bad(`${name}: ${k}:${v} is not a number`);
    return Number(v);
  };
  const at = (k: string) => `${where} ${name} ${k}:`;
  const p: ApkPackage = {
    name,
    version,
    arch: f.get('A') ?? 'noarch',
    checksum,
    size: int('S') ?? 0,
    installedSize: int('I') ?? 0,
    description: f.get('T') ?? '',
    url: f.get('U') ?? '',
    license: f.get('L') ?? '',
    origin: f.get('o') || name,
    depends: parseApkDeps(f.get('D') ?? '', at('D')),
    provides: parseApkProvides(f.get('p') ?? '', at('p')),
    installIf: parseApkDeps(f.get('i') ?? '', at('i')),
    replaces: (f.get('r') ?? '').split(/\s+/).filter((w) => w !== ''),
    line,
  };
  const opt = {
    maintainer: f.get('m') || undefined,
    buildTime: int('t'),
    commit: f.get('c') || undefined,
    providerPriority: int('k'),
    replacesPriority: int('q'),
  };
  for (const [k, v] of Object.entries(opt)) if (v !== undefined) (p as unknown as Record<string, unknown>)[k] = v;
  return p;
}
