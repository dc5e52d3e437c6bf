/**
 * Components found in image files by the ecosystems' scanners (Go build
 * info, JAR coordinates). Pure: an unreadable file adds nothing.
 */
import { go } from './go/index.js';
import { maven } from './maven/index.js';
import type { AppComponent, Ecosystem } from './types.js';

const SCANNERS: readonly Ecosystem[] = [go, maven];

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
