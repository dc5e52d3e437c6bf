/**
 * Install one wheel by the binary distribution format (PEP 427/491), the way
 * an installer would, without running anything: every file is checked
 * against RECORD; `.data/purelib` and `platlib` go to the site directory,
 * `scripts` to the scripts directory with `#!python` rewritten, `headers`
 * and `data` to their schemes; console and GUI scripts are generated from
 * entry points with the image's interpreter as shebang; RECORD is rewritten
 * and INSTALLER says pare. Pure: bytes in, tree entries out.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { AppError } from '../../errors.js';
import type { TreeEntry } from '../../tree/types.js';
import { readZip } from '../../util/zip.js';
import { csvField, parseEntryPoints, parseHeaders, parseRecord } from './metadata.js';
import { normalizeName } from './requirements.js';

export interface Scheme {
  /** Image paths without a leading '/'. */
  site: string;
  scripts: string;
  headers: string;
  data: string;
  /** Absolute interpreter path for generated scripts' shebang. */
  python: string;
}

export interface InstalledWheel {
  name: string;
  version: string;
  distInfo: string;
  metadata: Map<string, string[]>;
  entries: TreeEntry[];
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function b64urlSha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('base64url');
}

function fail(label: string, why: string): AppError {
  return new AppError('APP_LOCKFILE', `${label}: cannot be installed: ${why}`, {
    hint: 'the wheel is damaged or not built to the binary distribution format; report it to its publisher',
  });
}

/** A console/GUI script for "module:attr.sub", as pip writes it. */
export function entryScript(python: string, spec: string): string {
  const m = /^([\w.]+)\s*:\s*([\w.]+)/.exec(spec.replace(/\[.*\]\s*$/, '').trim());
  if (!m) throw new Error(`bad entry point ${spec}`);
  const [mod, attr] = [m[1]!, m[2]!];
  const head = attr.split('.')[0]!;
  return `#!${python}\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom ${mod} import ${head}\nif __name__ == "__main__":\n    sys.argv[0] = re.sub(r"(-script\\.pyw|\\.exe)?$", "", sys.argv[0])\n    sys.exit(${attr}())\n`;
}

export function installWheel(bytes: Uint8Array, filename: string, scheme: Scheme): InstalledWheel {
  const zip = readZip(bytes, filename);
  const files = zip.filter((e) => !e.dir);
  const distInfo = files.map((f) => f.name.split('/')[0]!).find((d) => d.endsWith('.dist-info') && !d.includes('/'));
  const wantName = normalizeName(filename.split('-')[0]!);
  if (!distInfo || normalizeName(distInfo.split('-')[0]!) !== wantName)
    throw fail(filename, 'no matching .dist-info directory');
  const byName = new Map(files.map((f) => [f.name, f]));
  const text = (n: string) => {
    const f = byName.get(`${distInfo}/${n}`);
    return f ? dec.decode(f.data) : undefined;
  };
  const wheel = parseHeaders(text('WHEEL') ?? '');
  const wv = wheel.get('wheel-version')?.[0];
  if (!wv || !wv.startsWith('1.')) throw fail(filename, `Wheel-Version ${wv ?? 'missing'} (pare reads 1.x)`);
  const metadata = parseHeaders(text('METADATA') ?? '');
  const name = metadata.get('name')?.[0];
  const version = metadata.get('version')?.[0];
  if (!name || !version) throw fail(filename, 'METADATA has no Name or Version');
  const record = new Map(parseRecord(text('RECORD') ?? '').map((r) => [r.path, r]));
  if (record.size === 0) throw fail(filename, 'no RECORD');
  const dataDir = distInfo.replace(/\.dist-info$/, '.data');
  const entries: TreeEntry[] = [];
  const installed: Array<{ path: string; data: Uint8Array }> = [];
  const put = (path: string, data: Uint8Array, exec: boolean) => {
    entries.push({ path, type: 'file', mode: exec ? 0o755 : 0o644, uid: 0, gid: 0, data, owner: `pypi:${name}` });
    installed.push({ path, data });
  };
  for (const f of files) {
    if (
      f.name === `${distInfo}/RECORD` ||
      f.name.startsWith(`${distInfo}/RECORD.`) ||
      f.name === `${distInfo}/INSTALLER`
    )
      continue;
    const r = record.get(f.name);
    if (!r) throw fail(filename, `${f.name} is not listed in RECORD`);
    const [alg, digest] = r.hash.split('=');
    if (alg !== 'sha256' || digest !== b64urlSha256(f.data))
      throw fail(filename, `${f.name} does not match its RECORD hash (${r.hash || 'none'})`);
    const exec = (f.mode & 0o111) !== 0;
    if (f.name.startsWith(`${dataDir}/`)) {
      const [key, ...rest] = f.name.slice(dataDir.length + 1).split('/');
      const sub = rest.join('/');
      if (key === 'purelib' || key === 'platlib') put(`${scheme.site}/${sub}`, f.data, exec);
      else if (key === 'scripts') {
        let data = f.data;
        const first = dec.decode(data.subarray(0, 128)).split('\n')[0]!;
        if (/^#!pythonw?(\s|$)/.test(first))
          data = enc.encode(dec.decode(data).replace(/^#!pythonw?/, `#!${scheme.python}`));
        put(`${scheme.scripts}/${sub}`, data, true);
      } else if (key === 'headers') put(`${scheme.headers}/${name}/${sub}`, f.data, false);
      else if (key === 'data') put(`${scheme.data}/${sub}`, f.data, exec);
      else throw fail(filename, `unknown .data scheme "${key}"`);
    } else put(`${scheme.site}/${f.name}`, f.data, exec);
  }
  const eps = parseEntryPoints(text('entry_points.txt') ?? '');
  for (const section of ['console_scripts', 'gui_scripts'])
    for (const [script, spec] of eps.get(section) ?? new Map<string, string>()) {
      if (!/^[\w.-]+$/.test(script)) throw fail(filename, `entry point name "${script}" is not a file name`);
      put(`${scheme.scripts}/${script}`, enc.encode(entryScript(scheme.python, spec)), true);
    }
  put(`${scheme.site}/${distInfo}/INSTALLER`, enc.encode('pare\n'), false);
  const recordPath = `${scheme.site}/${distInfo}/RECORD`;
  const rows = installed
    .map((f) => `${csvField(posix.relative(scheme.site, f.path))},sha256=${b64urlSha256(f.data)},${f.data.byteLength}`)
    .concat(`${csvField(posix.relative(scheme.site, recordPath))},,`)
    .sort();
  put(recordPath, enc.encode(rows.join('\n') + '\n'), false);
  return { name, version, distInfo, metadata, entries };
}
