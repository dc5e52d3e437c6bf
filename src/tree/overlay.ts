/**
 * Image layers → the root filesystem a runtime sees: layers applied in
 * order with OCI whiteouts (`.wh.NAME` deletes NAME and everything below it
 * from lower layers, `.wh..wh..opq` empties its directory of lower-layer
 * content). Pure: the caller reads and decompresses the layers.
 */
import { isWithin, normalizeName, parentOf, sortBytewise } from './path.js';
import type { RawTarEntry } from './tar-read.js';
import type { TreeEntry } from './types.js';

const OPAQUE = '.wh..wh..opq';

function removeBelow(map: Map<string, TreeEntry>, dir: string, self: boolean): void {
  for (const k of [...map.keys()]) if ((self || k !== dir) && isWithin(k, dir)) map.delete(k);
}

/** Merge layers (each a list of tar entries, lowest first) into one sorted entry list. */
export function overlayLayers(layers: Iterable<Iterable<RawTarEntry>>): TreeEntry[] {
  const map = new Map<string, TreeEntry>();
  for (const layer of layers) {
    const adds: TreeEntry[] = [];
    for (const raw of layer) {
      const n = normalizeName(raw.name.replace(/^\/+/, ''));
      if (n.problem || n.path === '') continue;
      const path = n.path;
      const base = path.slice(path.lastIndexOf('/') + 1);
      if (base === OPAQUE) {
        removeBelow(map, parentOf(path), false);
        continue;
      }
      if (base.startsWith('.wh.')) {
        const up = parentOf(path);
        removeBelow(map, up === '' ? base.slice(4) : `${up}/${base.slice(4)}`, true);
        continue;
      }
      if (raw.type !== 'file' && raw.type !== 'dir' && raw.type !== 'symlink' && raw.type !== 'hardlink') continue;
      const e: TreeEntry = {
        path,
        type: raw.type,
        mode: raw.mode & 0o7777,
        uid: raw.uid,
        gid: raw.gid,
        mtime: raw.mtime,
      };
      if (raw.type === 'file') e.data = raw.data;
      else if (raw.type === 'symlink') e.target = raw.linkname;
      else if (raw.type === 'hardlink') e.target = normalizeName(raw.linkname.replace(/^\/+/, '')).path;
      adds.push(e);
    }
    for (const e of adds) {
      const old = map.get(e.path);
      // A non-directory replaces a directory with everything in it; directories merge.
      if (old?.type === 'dir' && e.type !== 'dir') removeBelow(map, e.path, true);
      map.set(e.path, e);
    }
  }
  return sortBytewise([...map.values()], (e) => e.path);
}
