/**
 * /etc/os-release from base-files, marked as built by pare. ID, VERSION_ID
 * and VERSION_CODENAME stay, so scanners still detect Debian; the symlink
 * /etc/os-release → ../usr/lib/os-release and /etc/debian_version stay as
 * base-files ships them. Pure.
 */
import type { FileTree } from '../tree/tree.js';
import { fileBytes } from '../tree/body.js';
import type { TreeEntry } from '../tree/types.js';

export const PARE_NAME = 'Distroless (pare)';

/** Rewrite PRETTY_NAME (adding one when missing); every other line is kept. */
export function markOsRelease(text: string): string {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const i = lines.findIndex((l) => l.startsWith('PRETTY_NAME='));
  const name = lines.find((l) => l.startsWith('NAME='));
  const old = unquote((i >= 0 ? lines[i] : (name ?? 'NAME=Linux'))!.replace(/^[A-Z_]+=/, ''));
  const pretty = old.startsWith(PARE_NAME) ? old : `${PARE_NAME} ${old}`;
  const line = `PRETTY_NAME="${pretty.replace(/(["\\$`])/g, '\\$1')}"`;
  if (i >= 0) lines[i] = line;
  else lines.unshift(line);
  return lines.join('\n') + '\n';
}

function unquote(v: string): string {
  const m = /^(["'])(.*)\1$/.exec(v);
  return m ? m[2]!.replace(/\\(.)/g, '$1') : v;
}

/** What a package shipped at the path of `e`, if a package did (see TreeEntry.replaced). */
export function replacedBy(e: TreeEntry): TreeEntry | undefined {
  if (e.replaced) return e.replaced;
  const generated = e.owner === undefined || e.owner === 'pare' || e.owner === 'paths' || e.owner.startsWith('app:');
  return generated ? undefined : e;
}

/** Mark the os-release file etc/os-release leads to; false when there is none. */
export function addOsRelease(tree: FileTree): boolean {
  const real = tree.realpath('etc/os-release');
  const e = real === undefined ? undefined : tree.get(real);
  if (!e || e.type !== 'file') return false;
  const text = markOsRelease(new TextDecoder().decode(fileBytes(e)));
  const data = new TextEncoder().encode(text);
  tree.add({ ...e, owner: 'pare', body: undefined, data, replaced: replacedBy(e) }, { replace: true });
  return true;
}
