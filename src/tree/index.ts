/** The in-memory file tree: entries, path rules, conflicts, tar reading. */
export { FileTree } from './tree.js';
export type { AddOptions, SkippedEntry, TreeStats } from './tree.js';
export { readTar, iterTar } from './tar-read.js';
export type { RawTarEntry, RawEntryType } from './tar-read.js';
export { normalizeName, compareBytewise, sortBytewise } from './path.js';
export type { EntryType, FileBody, TreeEntry } from './types.js';
export { fileBytes, fileSize } from './body.js';
