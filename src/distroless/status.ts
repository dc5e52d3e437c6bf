/**
 * Scanner metadata as Google distroless writes it: for every installed
 * package, /var/lib/dpkg/status.d/NAME holds its control fields (from the
 * .deb) with `Status: install ok installed` after Package, and
 * /var/lib/dpkg/status.d/NAME.md5sums its md5sums. Trivy, Grype and Syft
 * read these; concatenated, dpkg's own parser accepts them as a status file.
 * Pure.
 */
import type { InstalledPackage } from '../sources/debian/installed.js';
import type { FileTree } from '../tree/tree.js';
import type { TreeEntry } from '../tree/types.js';

export const STATUS_DIR = 'var/lib/dpkg/status.d';
const STATUS_LINE = 'Status: install ok installed';

/** The status.d paragraph for a package's control file text. */
export function statusParagraph(control: string): string {
  // One paragraph: no blank lines, no Status field of its own.
  const kept = control
    .replace(/\r\n/g, '\n')
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^Status:/i.test(l));
  const at = kept.findIndex((l) => /^Package:/i.test(l));
  kept.splice(at + 1, 0, STATUS_LINE);
  return kept.join('\n') + '\n';
}

const enc = new TextEncoder();

/**
 * The status.d entries for `packages` (directories included), sorted by
 * package. A package's own files are owned by the package (by `owner` when
 * given), so a layer per package carries its own status.d entry.
 */
export function statusEntries(packages: readonly InstalledPackage[], owner?: string): TreeEntry[] {
  const dir = (path: string): TreeEntry => ({ path, type: 'dir', mode: 0o755, uid: 0, gid: 0, owner: owner ?? 'pare' });
  const out: TreeEntry[] = [dir('var'), dir('var/lib'), dir('var/lib/dpkg'), dir(STATUS_DIR)];
  const sorted = [...packages].sort((a, b) =>
    a.record.name < b.record.name ? -1 : a.record.name > b.record.name ? 1 : 0,
  );
  for (const p of sorted) {
    const name = p.record.name;
    out.push({
      path: `${STATUS_DIR}/${name}`,
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      data: enc.encode(statusParagraph(p.control.control)),
      owner: owner ?? name,
    });
    if (p.control.md5sums !== undefined) {
      out.push({
        path: `${STATUS_DIR}/${name}.md5sums`,
        type: 'file',
        mode: 0o644,
        uid: 0,
        gid: 0,
        data: enc.encode(p.control.md5sums),
        owner: owner ?? name,
      });
    }
  }
  return out;
}

/** Write status.d for every package into the tree (existing directories are kept). */
export function addStatus(tree: FileTree, packages: readonly InstalledPackage[]): void {
  for (const e of statusEntries(packages)) {
    if (e.type === 'dir' && tree.has(e.path)) continue;
    tree.add(e, { replace: e.type !== 'dir' });
  }
}
