/**
 * Components found in image files by the ecosystems' scanners (Go build
 * info, JAR coordinates, package.json). Pure: an unreadable file adds nothing.
 */
import { go } from './go/index.js';
import { maven } from './maven/index.js';
import { packageJsonComponents } from './npm/package-json.js';
import type { AppComponent, Ecosystem } from './types.js';

/** Pure modules only (npm's installer fetches; its package.json scanner does not). */
const SCANNERS: readonly Pick<Ecosystem, 'id' | 'scan'>[] = [go, maven, { id: 'npm', scan: packageJsonComponents }];

export function scanFile(path: string, data: Uint8Array): AppComponent[] {
  const out: AppComponent[] = [];
  for (const e of SCANNERS) {
    try {
      out.push(...(e.scan?.(path, data) ?? []));
    } catch {
      // not a file this scanner understands
    }
  }
  return out;
}
