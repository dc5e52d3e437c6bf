/**
 * A package.json the config adds with `paths` — usually the application's
 * own manifest — reports its npm package (pkg:npm NAME@VERSION), as image
 * scanners such as syft read every package.json. A file without a string
 * name and version, or that is not JSON, reports nothing. Pure.
 */
import type { AppComponent } from '../types.js';
import { npmPurl } from './purl.js';

/** Larger files are not manifests anyone wrote by hand. */
const MAX_BYTES = 1 << 20;

export function packageJsonComponents(path: string, data: Uint8Array): AppComponent[] {
  if (!(path === 'package.json' || path.endsWith('/package.json')) || data.length > MAX_BYTES) return [];
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    return []; // not JSON: not a manifest (as the contract above says)
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return [];
  const { name, version, license } = doc as Record<string, unknown>;
  if (typeof name !== 'string' || typeof version !== 'string' || !name || !version) return [];
  return [
    {
      ecosystem: 'npm',
      name,
      version,
      purl: npmPurl(name, version),
      license: typeof license === 'string' ? license : 'NOASSERTION',
      path,
    },
  ];
}
