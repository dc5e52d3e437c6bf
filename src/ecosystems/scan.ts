/**
 * Components found in image files by the ecosystems' scanners (Go build
 * info, JAR coordinates, package.json). Pure, and imports only the pure
 * scanners (not the ecosystems, whose plans do I/O), so SBOM format code can
 * use it: an unreadable file adds nothing.
 */
import { goComponents } from './go/buildinfo.js';
import { jarComponents } from './maven/jar.js';
import { packageJsonComponents } from './npm/package-json.js';
import type { AppComponent } from './types.js';

const SCANNERS: ReadonlyArray<(path: string, data: Uint8Array) => AppComponent[]> = [
  goComponents,
  jarComponents,
  packageJsonComponents,
];

export function scanFile(path: string, data: Uint8Array): AppComponent[] {
  const out: AppComponent[] = [];
  for (const scan of SCANNERS) {
    try {
      out.push(...scan(path, data));
    } catch {
      // not a file this scanner understands
    }
  }
  return out;
}
