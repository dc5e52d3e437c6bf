/**
 * /var/lib/pare/applications.json: the application components pare
 * installed (wheels, npm packages) with what the image cannot tell by
 * itself — the digest of each artifact — so an SBOM read back from the
 * image lists them as the build did. Lives in the application layer, sorted,
 * host-independent. Pure.
 */
import type { AppComponent } from '../../ecosystems/types.js';
import type { TreeEntry } from '../../tree/types.js';

export const APP_RECORD_PATH = 'var/lib/pare/applications.json';

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function sortComponents(c: readonly AppComponent[]): AppComponent[] {
  return [...c].sort(
    (a, b) =>
      cmp(a.ecosystem, b.ecosystem) ||
      cmp(a.name, b.name) ||
      cmp(a.version, b.version) ||
      cmp(a.path ?? '', b.path ?? ''),
  );
}

export function appRecordEntries(components: readonly AppComponent[]): TreeEntry[] {
  const dir = (path: string): TreeEntry => ({ path, type: 'dir', mode: 0o755, uid: 0, gid: 0, owner: 'pare' });
  const data = new TextEncoder().encode(
    JSON.stringify({ version: 1, components: sortComponents(components) }, null, 1) + '\n',
  );
  return [
    dir('var'),
    dir('var/lib'),
    dir('var/lib/pare'),
    { path: APP_RECORD_PATH, type: 'file', mode: 0o644, uid: 0, gid: 0, data, owner: 'pare' },
  ];
}

export function parseAppRecord(bytes: Uint8Array | undefined): AppComponent[] {
  if (!bytes) return [];
  try {
    const r = JSON.parse(new TextDecoder().decode(bytes)) as { version?: number; components?: AppComponent[] };
    return r.version === 1 && Array.isArray(r.components) ? r.components : [];
  } catch {
    return [];
  }
}
