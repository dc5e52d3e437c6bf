/**
 * Go build information embedded in a binary (Go 1.18 and later): the
 * `\xff Go buildinf:` header in the .go.buildinfo section, followed by the
 * Go version and the module info as length-prefixed strings. The module
 * info names the main module, every dependency with its version and h1: sum
 * (and `=>` replacements) and the build settings. Older binaries (pointer
 * format) report nothing. Pure.
 */
import type { AppComponent } from '../types.js';

export interface GoModule {
  path: string;
  version: string;
  sum?: string;
}

export interface GoBuildInfo {
  goVersion: string;
  /** The main package path. */
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  settings: Array<[string, string]>;
}

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');

function uvarint(b: Buffer, at: number): [number, number] {
  let x = 0;
  let shift = 0;
  for (let i = at; i < b.length && i < at + 10; i++) {
    const c = b[i]!;
    x += (c & 0x7f) * 2 ** shift;
    if (c < 0x80) return [x, i + 1];
    shift += 7;
  }
  return [-1, at];
}

function module(fields: string[]): GoModule {
  return { path: fields[0] ?? '', version: fields[1] ?? '', ...(fields[2] ? { sum: fields[2] } : {}) };
}

export function parseModInfo(text: string, goVersion: string): GoBuildInfo {
  const info: GoBuildInfo = { goVersion, deps: [], settings: [] };
  for (const line of text.split('\n')) {
    const [kind, ...f] = line.split('\t');
    if (kind === 'path') info.path = f[0];
    else if (kind === 'mod') info.main = module(f);
    else if (kind === 'dep') info.deps.push(module(f));
    else if (kind === '=>' && info.deps.length) info.deps[info.deps.length - 1] = module(f);
    else if (kind === 'build') {
      const s = f.join('\t');
      const i = s.indexOf('=');
      if (i > 0) info.settings.push([s.slice(0, i), s.slice(i + 1)]);
    }
  }
  return info;
}

/** The build info of a Go binary, or undefined when the bytes are not one (or predate Go 1.18). */
export function readGoBuildInfo(data: Uint8Array): GoBuildInfo | undefined {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (b.length < 64 || b[0] !== 0x7f || b.toString('latin1', 1, 4) !== 'ELF') return undefined;
  let at = b.indexOf(MAGIC);
  while (at >= 0 && at % 16 !== 0) at = b.indexOf(MAGIC, at + 1);
  if (at < 0 || at + 32 > b.length) return undefined;
  const flags = b[at + 15]!;
  if ((flags & 2) === 0) return undefined;
  let [len, p] = uvarint(b, at + 32);
  if (len < 0 || p + len > b.length) return undefined;
  const goVersion = b.toString('utf8', p, p + len);
  [len, p] = uvarint(b, p + len);
  if (len < 0 || p + len > b.length) return undefined;
  let mod = b.toString('utf8', p, p + len);
  if (mod.length >= 33 && mod[mod.length - 17] === '\n') mod = mod.slice(16, -16);
  return parseModInfo(mod, goVersion);
}

export function golangPurl(path: string, version: string): string {
  const segs = path.split('/').map(encodeURIComponent);
  return `pkg:golang/${segs.join('/')}${version ? `@${encodeURIComponent(version)}` : ''}`;
}

/**
 * SBOM components of a Go binary at image path `path`: the main module (with
 * the Go version, main package and build settings as properties), every
 * dependency (with its h1: sum), the standard library.
 */
export function goComponents(path: string, data: Uint8Array): AppComponent[] {
  const info = readGoBuildInfo(data);
  if (!info) return [];
  const c = (m: GoModule): AppComponent => ({
    ecosystem: 'golang',
    name: m.path,
    version: m.version,
    purl: golangPurl(m.path, m.version === '(devel)' ? '' : m.version),
    license: 'NOASSERTION',
    ...(m.sum ? { properties: [['pare:go:sum', m.sum]] as Array<[string, string]> } : {}),
    file: `/${path}`,
    path,
  });
  const built: Array<[string, string]> = [
    ['pare:go:version', info.goVersion],
    ...(info.path ? [['pare:go:package', info.path] as [string, string]] : []),
    ...info.settings.map(([k, v]) => [`pare:go:build:${k}`, v] as [string, string]),
  ];
  const main = info.main?.path ? c(info.main) : undefined;
  if (main) main.properties = [...(main.properties ?? []), ...built];
  const out = [...(main ? [main] : []), ...info.deps.map(c)];
  out.push({
    ...c({ path: 'stdlib', version: info.goVersion.replace(/^go/, '') }),
    purl: golangPurl('stdlib', info.goVersion.replace(/^go/, '')),
  });
  return out;
}
