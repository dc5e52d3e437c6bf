/**
 * Maven coordinates of a JAR (or WAR/EAR): every
 * META-INF/maven/GROUP/ARTIFACT/pom.properties it holds, also inside JARs
 * nested one level deep (Spring Boot's BOOT-INF/lib, WEB-INF/lib), with the
 * licence the pom.xml beside it declares. A JAR with one set of coordinates
 * is that artifact, so it carries the JAR's sha256. Pure.
 */
import { createHash } from 'node:crypto';
import { readZip, type ZipEntry } from '../../util/zip.js';
import type { AppComponent } from '../types.js';

const dec = new TextDecoder();

export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

const LICENSES: Array<[RegExp, string]> = [
  [/apache.*2/i, 'Apache-2.0'],
  [/^(the )?mit( license)?$/i, 'MIT'],
  [/eclipse public license.*2/i, 'EPL-2.0'],
  [/eclipse public license.*1/i, 'EPL-1.0'],
  [/bsd.*3|new bsd|revised bsd/i, 'BSD-3-Clause'],
  [/bsd.*2|simplified bsd/i, 'BSD-2-Clause'],
  [/lgpl.*2\.1|lesser general public license.*2\.1/i, 'LGPL-2.1-only'],
];

export function pomLicense(pom: string | undefined): string {
  const names = [...(pom ?? '').matchAll(/<license>\s*<name>([^<]+)<\/name>/g)].map((m) => m[1]!.trim());
  const ids = names.map((n) => LICENSES.find(([re]) => re.test(n))?.[1]);
  return ids.length && ids.every((x) => x) ? [...new Set(ids)].join(' AND ') : 'NOASSERTION';
}

export function mavenPurl(group: string, artifact: string, version: string): string {
  return `pkg:maven/${encodeURIComponent(group)}/${encodeURIComponent(artifact)}@${encodeURIComponent(version)}`;
}

function fromEntries(entries: ZipEntry[], path: string, jar: Uint8Array, depth: number): AppComponent[] {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const own: AppComponent[] = [];
  for (const e of entries) {
    const m = /^META-INF\/maven\/([^/]+)\/([^/]+)\/pom\.properties$/.exec(e.name);
    if (!m) continue;
    const p = parseProperties(dec.decode(e.data));
    const g = p.get('groupId') ?? m[1]!;
    const a = p.get('artifactId') ?? m[2]!;
    const v = p.get('version');
    if (!v) continue;
    const pom = byName.get(`META-INF/maven/${m[1]}/${m[2]}/pom.xml`);
    own.push({
      ecosystem: 'maven',
      name: `${g}:${a}`,
      version: v,
      purl: mavenPurl(g, a, v),
      license: pomLicense(pom && dec.decode(pom.data)),
      file: `/${path}`,
      path,
    });
  }
  if (own.length === 1) own[0]!.sha256 = createHash('sha256').update(jar).digest('hex');
  const nested: AppComponent[] = [];
  if (depth === 0)
    for (const e of entries)
      if (/\.jar$/.test(e.name) && !e.dir) {
        try {
          nested.push(...fromEntries(readZip(e.data, `${path}!/${e.name}`), `${path}!/${e.name}`, e.data, 1));
        } catch {
          // a nested archive pare cannot read (e.g. stored with another method) adds nothing
        }
      }
  return [...own, ...nested];
}

/** Components of the archive at image path `path` (no leading '/'); [] when it is no JAR. */
export function jarComponents(path: string, data: Uint8Array): AppComponent[] {
  if (!/\.(jar|war|ear)$/.test(path) || data[0] !== 0x50 || data[1] !== 0x4b) return [];
  return fromEntries(readZip(data, path), path, data, 0);
}
