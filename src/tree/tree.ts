/**
 * The in-memory root filesystem that packages are assembled into. Entries are
 * keyed by normalized image path ("usr/bin/x"). Paths walk through symlinks
 * already in the tree with chroot semantics, as dpkg does, so merged-/usr
 * aliases (`bin -> usr/bin`) work in either package order. Nothing can escape
 * the root, and no package silently overwrites another's file. Pure: no I/O.
 */
import { fileSize, sameContent } from './body.js';
import { compareBytewise, hasControlChar, isWithin, joinPath, normalizeName, parentOf, sortBytewise } from './path.js';
import { conflict, hostile, notADirectory } from './problems.js';
import type { RawTarEntry } from './tar-read.js';
import type { TreeEntry } from './types.js';
import { walk, type WalkCtx } from './walk.js';

export interface TreeStats {
  entries: number;
  files: number;
  dirs: number;
  symlinks: number;
  hardlinks: number;
  /** Bytes of file content (each hard-linked file counted once). */
  bytes: number;
}

/** An archive entry the tree cannot hold (device nodes, FIFOs, unknown types). */
export interface SkippedEntry {
  owner: string;
  name: string;
  typeflag: string;
}

export interface AddOptions {
  /** Replace whatever is at the path (a directory with all its contents) instead of reporting a conflict. */
  replace?: boolean;
}

type Ctx = WalkCtx;

const PROBLEM_TEXT = {
  absolute: 'it is absolute',
  dotdot: "it has a '..' component",
  empty: 'it is empty',
  control: 'it has a NUL or control character',
};

export class FileTree {
  readonly #map = new Map<string, TreeEntry>();
  /** Hard link target path → paths of the links to it. */
  readonly #links = new Map<string, Set<string>>();
  /**
   * Directories no package shipped but that exist because something below
   * them was added (0755 root:root), with the package that needed them. A
   * package that ships the directory later replaces its metadata.
   */
  readonly #implicit = new WeakMap<TreeEntry, string>();
  /**
   * Directory path as given → its real path. Every directory a cached walk
   * went through is in the map, so only removing an entry (which a
   * dir-to-symlink change also does) can make an answer stale.
   */
  readonly #dirs = new Map<string, string>();
  /** Entries that were not added because the tree has no type for them. */
  readonly skipped: SkippedEntry[] = [];

  /** Add the data entries of one package. Throws PATH_HOSTILE or FILE_CONFLICT. */
  addPackage(pkg: string, entries: Iterable<RawTarEntry>): void {
    for (const raw of entries) {
      const ctx = { pkg, name: raw.name };
      const path = this.#checkName(raw.name, ctx);
      if (path === '') continue; // the "./" root entry
      const t = raw.type;
      if (t !== 'file' && t !== 'dir' && t !== 'symlink' && t !== 'hardlink') {
        this.skipped.push({ owner: pkg, name: raw.name, typeflag: raw.typeflag });
        continue;
      }
      const entry: TreeEntry = {
        path,
        type: t,
        mode: raw.mode & 0o7777,
        uid: raw.uid,
        gid: raw.gid,
        mtime: raw.mtime,
        owner: pkg,
      };
      if (t === 'file') {
        if (raw.body) entry.body = raw.body;
        else entry.data = raw.data;
      } else if (t === 'symlink') entry.target = raw.linkname;
      else if (t === 'hardlink') entry.target = raw.linkname;
      this.#insert(entry, ctx, false);
    }
  }

  /** Add one entry (generated files; owner defaults to 'pare'). Same rules as packages. */
  add(entry: TreeEntry, opts: AddOptions = {}): void {
    const e: TreeEntry = { ...entry, owner: entry.owner ?? 'pare', mode: entry.mode & 0o7777 };
    if (e.type === 'hardlink' && e.target) e.target = e.target.replace(/^\/+/, '');
    const ctx = { pkg: e.owner!, name: entry.path };
    e.path = this.#checkName(entry.path.replace(/^\/+/, ''), ctx); // image paths may start with '/'
    if (e.path === '') throw hostile(ctx.pkg, entry.path, 'it names the image root');
    this.#insert(e, ctx, opts.replace === true);
  }

  /** The entry at `path`, following symlinks in its parents but not in its last component (like lstat). */
  get(path: string): TreeEntry | undefined {
    const hit = this.#map.get(path);
    if (hit) return hit;
    const real = walk(this.#map, path, undefined, false);
    return real === undefined ? undefined : this.#map.get(real);
  }

  has(path: string): boolean {
    return this.get(path) !== undefined;
  }

  /** The entry `path` finally refers to, following every symlink (like stat); undefined if dangling. */
  resolve(path: string): TreeEntry | undefined {
    const real = this.realpath(path);
    return real === undefined ? undefined : this.#map.get(real);
  }

  /** The symlink-free image path for `path` (chroot semantics); undefined on a loop or a non-directory parent. */
  realpath(path: string): string | undefined {
    return walk(this.#map, path, undefined, true);
  }

  /** Delete the entry at `path` (a directory with everything below it). Returns whether anything was deleted. */
  delete(path: string): boolean {
    const real = walk(this.#map, path, undefined, false);
    if (real === undefined || real === '') return false;
    const gone: string[] = [];
    const top = this.#map.get(real);
    if (top) gone.push(real);
    if (top === undefined || top.type === 'dir') {
      // an implicit directory (not in the map) may still have entries below it
      for (const k of this.#map.keys()) if (k.length > real.length && isWithin(k, real)) gone.push(k);
    }
    const removed = gone.map((k) => this.#remove(k)!);
    for (const e of removed) if (e.type === 'file') this.#promoteLinks(e);
    return removed.length > 0;
  }

  /**
   * Delete many entries (directories with everything below them) in one pass
   * over the tree, however many there are: deleting them one by one scans the
   * tree once per directory. Paths are taken as real paths (no symlinks are
   * followed). Returns how many of `paths` were in the tree.
   */
  deleteAll(paths: Iterable<string>): number {
    const doomed = new Set<string>();
    for (const p of paths) if (p !== '') doomed.add(p);
    if (doomed.size === 0) return 0;
    let found = 0;
    const gone: string[] = [];
    for (const k of this.#map.keys()) {
      if (doomed.has(k)) {
        found++;
        gone.push(k);
        continue;
      }
      for (let up = parentOf(k); up !== ''; up = parentOf(up)) {
        if (doomed.has(up)) {
          gone.push(k);
          break;
        }
      }
    }
    const removed = gone.map((k) => this.#remove(k)!);
    for (const e of removed) if (e.type === 'file') this.#promoteLinks(e);
    return found;
  }

  /**
   * Every entry, sorted by path in byte order. Every parent directory is
   * present (those no package shipped are 0755 root:root, without an owner).
   * A hard link's target always sorts before the link. The returned entries
   * are the tree's own: do not mutate them.
   */
  entries(): TreeEntry[] {
    return sortBytewise([...this.#map.values()], (e) => e.path);
  }

  get size(): TreeStats {
    const s: TreeStats = { entries: this.#map.size, files: 0, dirs: 0, symlinks: 0, hardlinks: 0, bytes: 0 };
    for (const e of this.#map.values()) {
      if (e.type === 'file') {
        s.files++;
        s.bytes += fileSize(e);
      } else if (e.type === 'dir') s.dirs++;
      else if (e.type === 'symlink') s.symlinks++;
      else s.hardlinks++;
    }
    return s;
  }

  // ---- insertion -------------------------------------------------------

  #checkName(name: string, ctx: Ctx): string {
    const n = normalizeName(name);
    if (n.problem) throw hostile(ctx.pkg, name, PROBLEM_TEXT[n.problem]);
    return n.path;
  }

  #insert(entry: TreeEntry, ctx: Ctx, replace: boolean): string {
    if (entry.type === 'hardlink') entry.target = this.#hardlinkTarget(entry.target ?? '', ctx);
    if (entry.type === 'symlink' && !entry.target) throw hostile(ctx.pkg, ctx.name, 'the symlink has an empty target');
    if (entry.type === 'symlink' && hasControlChar(entry.target!))
      throw hostile(ctx.pkg, ctx.name, 'its symlink target has a NUL or control character');
    return this.#place(entry, ctx, replace);
  }

  /** The image path of the regular file a hard link's archive name refers to. */
  #hardlinkTarget(linkname: string, ctx: Ctx): string {
    const n = normalizeName(linkname);
    if (n.problem || n.path === '') {
      throw hostile(ctx.pkg, ctx.name, `its hard link target '${linkname}' ${PROBLEM_TEXT[n.problem ?? 'empty']}`);
    }
    const real = walk(this.#map, n.path, ctx, false);
    let t = real === undefined ? undefined : this.#map.get(real);
    if (t?.type === 'hardlink') t = this.#map.get(t.target!);
    if (t?.type !== 'file') {
      throw hostile(ctx.pkg, ctx.name, `its hard link target '${linkname}' is not a regular file already in the image`);
    }
    return t.path;
  }

  /** Put `entry` at its path (parents resolved through symlinks) under the conflict rules; returns the final path. */
  #place(input: TreeEntry, ctx: Ctx, replace: boolean): string {
    const slash = input.path.lastIndexOf('/');
    let parent = '';
    if (slash >= 0) {
      const dir = input.path.slice(0, slash);
      const known = this.#dirs.get(dir);
      if (known !== undefined) parent = known;
      else this.#dirs.set(dir, (parent = walk(this.#map, dir, ctx, true)!));
    }
    const up = parent === '' ? undefined : this.#map.get(parent);
    if (up === undefined && parent !== '') this.#addParents(parent, ctx.pkg);
    else if (up !== undefined && up.type !== 'dir') throw notADirectory(parent, up, ctx.pkg, ctx.name);
    const path = joinPath(parent, slash < 0 ? input.path : input.path.slice(slash + 1));
    const entry = path === input.path ? input : { ...input, path };
    const implicit = this.#implicit.get(input);
    if (implicit !== undefined) this.#implicit.set(entry, implicit);
    if (entry.type === 'symlink') checkSymlinkTarget(parent, entry.target!, ctx);
    const old = this.#map.get(path);
    if (old === undefined) {
      this.#put(entry);
      return path;
    }
    if (replace) {
      if (old.type === 'dir' && entry.type === 'dir') this.#map.set(path, entry);
      else {
        this.delete(path);
        this.#put(entry);
      }
      return path;
    }
    if (entry.type === 'dir') {
      if (old.type === 'dir') {
        // Directories merge; the first package's metadata wins over later ones and over an implicit directory.
        if (this.#implicit.has(old) && implicit === undefined) this.#map.set(path, entry);
        return path;
      }
      if (old.type === 'symlink') {
        // dpkg keeps a symlink to a directory when a package ships a directory there.
        const real = walk(this.#map, path, ctx, true)!;
        const at = this.#map.get(real);
        if (at === undefined || at.type === 'dir') return path;
      }
      throw conflict(path, old, this.#withOwner(entry));
    }
    if (entry.type === 'symlink') {
      if (old.type === 'symlink' && old.target === entry.target) return path;
      if (old.type === 'dir') {
        this.#replaceDirWithSymlink(old, entry, ctx);
        return path;
      }
      throw conflict(path, this.#withOwner(old), entry);
    }
    // file or hard link: fine only when the content is identical.
    if ((old.type === 'file' || old.type === 'hardlink') && this.#sameFile(old, entry)) return path;
    throw conflict(path, this.#withOwner(old), entry);
  }

  /** Create the missing directories from `dir` up, as implicit directories. */
  #addParents(dir: string, pkg: string): void {
    for (let p = dir; p !== '' && !this.#map.has(p); p = parentOf(p)) {
      const e: TreeEntry = { path: p, type: 'dir', mode: 0o755, uid: 0, gid: 0 };
      this.#implicit.set(e, pkg);
      this.#map.set(p, e);
    }
  }

  /** An implicit directory named after the package that needed it, for messages. */
  #withOwner(e: TreeEntry): TreeEntry {
    const by = this.#implicit.get(e);
    return by === undefined ? e : { ...e, owner: by };
  }

  #sameFile(a: TreeEntry, b: TreeEntry): boolean {
    if (a.type === 'hardlink' && b.type === 'hardlink' && a.target === b.target) return true;
    const fa = a.type === 'hardlink' ? this.#map.get(a.target!) : a;
    const fb = b.type === 'hardlink' ? this.#map.get(b.target!) : b;
    if (!fa || !fb || fa.mode !== fb.mode || fa.uid !== fb.uid || fa.gid !== fb.gid) return false;
    return sameContent(fa, fb);
  }

  /**
   * A package ships `dir -> elsewhere` where another package already made
   * `dir` a real directory (merged-/usr: `bin -> usr/bin`). Move the contents
   * to where the symlink points, under the conflict rules, then put the link in
   * place: the same tree as when the link came first.
   */
  #replaceDirWithSymlink(dir: TreeEntry, link: TreeEntry, ctx: Ctx): void {
    const path = dir.path;
    const t = link.target!;
    const dest = walk(this.#map, t.startsWith('/') ? t : joinPath(parentOf(path), t), ctx, true)!;
    if (isWithin(dest, path))
      throw hostile(ctx.pkg, ctx.name, `the symlink to '${t}' points into the directory it replaces`);
    const at = this.#map.get(dest);
    if (at !== undefined && at.type !== 'dir')
      throw conflict(
        path,
        this.#withOwner(dir),
        link,
        `as a directory and as a symlink to '${t}', which is not a directory`,
      );
    const moved: TreeEntry[] = [];
    for (const [k, e] of this.#map) if (k !== path && isWithin(k, path)) moved.push(e);
    moved.sort((a, b) => compareBytewise(a.path, b.path));
    const outside = new Map<string, string[]>(); // moved file → links to it from outside the moved tree
    for (const e of moved) {
      const links = this.#links.get(e.path);
      if (links)
        outside.set(
          e.path,
          [...links].filter((l) => !isWithin(l, path)),
        );
      this.#remove(e.path);
    }
    this.#remove(path);
    this.#put(link);
    const renamed = new Map<string, string>();
    const rest = (p: string): string => dest + (dest === '' ? p.slice(path.length + 1) : p.slice(path.length));
    for (const e of moved) {
      if (e.type === 'hardlink') continue;
      renamed.set(e.path, this.#place({ ...e, path: rest(e.path) }, { pkg: e.owner ?? ctx.pkg, name: e.path }, false));
    }
    for (const e of moved) {
      if (e.type !== 'hardlink') continue;
      const target = renamed.get(e.target!) ?? e.target!;
      this.#place({ ...e, path: rest(e.path), target }, { pkg: e.owner ?? ctx.pkg, name: e.path }, false);
    }
    for (const [oldPath, links] of outside) {
      for (const l of links) {
        const e = this.#remove(l)!;
        this.#put({ ...e, target: renamed.get(oldPath)! });
      }
    }
  }

  // ---- storage with the hard link index ---------------------------------

  /**
   * Store an entry. A hard link group is kept with its file at the path that
   * sorts first, so a layer writer always emits the target before its links.
   */
  #put(e: TreeEntry): void {
    if (e.type !== 'hardlink') {
      this.#map.set(e.path, e);
      return;
    }
    const file = this.#fileOf(e.target!);
    if (compareBytewise(e.path, file.path) > 0) {
      this.#map.set(e.path, { ...e, target: file.path, mode: file.mode, uid: file.uid, gid: file.gid });
      let set = this.#links.get(file.path);
      if (!set) this.#links.set(file.path, (set = new Set()));
      set.add(e.path);
      return;
    }
    // The new link sorts first: it becomes the file, the old file and its links point to it.
    const links = [...(this.#links.get(file.path) ?? []), file.path];
    this.#links.delete(file.path);
    this.#map.set(e.path, { ...file, path: e.path, owner: e.owner, mtime: e.mtime });
    const set = new Set<string>();
    this.#links.set(e.path, set);
    for (const l of links) {
      const old = this.#map.get(l)!;
      this.#map.set(l, {
        path: l,
        type: 'hardlink',
        target: e.path,
        mode: file.mode,
        uid: file.uid,
        gid: file.gid,
        mtime: old.mtime,
        owner: old.owner,
      });
      set.add(l);
    }
  }

  /** The regular file behind a path that is a file or a hard link. */
  #fileOf(path: string): TreeEntry {
    const e = this.#map.get(path);
    const file = e?.type === 'hardlink' ? this.#map.get(e.target!) : e;
    if (file?.type !== 'file') throw new Error(`internal: hard link target '${path}' is not a file`);
    return file;
  }

  /** Remove one entry (not its children) and keep the link index right; links to a removed file are left to the caller. */
  #remove(path: string): TreeEntry | undefined {
    const e = this.#map.get(path);
    if (!e) return undefined;
    this.#map.delete(path);
    this.#dirs.clear();
    if (e.type === 'hardlink') {
      const set = this.#links.get(e.target!);
      set?.delete(path);
      if (set?.size === 0) this.#links.delete(e.target!);
    }
    return e;
  }

  /** After deleting a file, the first of its remaining links becomes the file. */
  #promoteLinks(file: TreeEntry): void {
    const links = this.#links.get(file.path);
    this.#links.delete(file.path);
    if (!links) return;
    const alive = [...links].filter((l) => this.#map.get(l)?.target === file.path).sort(compareBytewise);
    const [first, ...others] = alive;
    if (first === undefined) return;
    const old = this.#map.get(first)!;
    this.#map.set(first, { ...file, path: first, owner: old.owner, mtime: old.mtime });
    if (others.length > 0) this.#links.set(first, new Set(others));
    for (const l of others) this.#map.set(l, { ...this.#map.get(l)!, target: first });
  }
}

/** A symlink's target may not climb above the image root, seen from the directory it is in. */
function checkSymlinkTarget(parent: string, target: string, ctx: Ctx): void {
  let depth = target.startsWith('/') || parent === '' ? 0 : parent.split('/').length;
  for (const c of target.split('/')) {
    if (c === '' || c === '.') continue;
    if (c !== '..') depth++;
    else if (depth-- === 0)
      throw hostile(ctx.pkg, ctx.name, `its symlink target '${target}' climbs above the image root`);
  }
}
