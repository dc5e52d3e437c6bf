/**
 * Atomic file writes, the one way pare replaces a file: the bytes go to a
 * unique temporary sibling (same directory, so the rename is atomic), which
 * is renamed onto the target. On any failure every temporary is removed and
 * the failure is rethrown as it came (callers turn it into their coded
 * error): a reader sees the old file or the new one, never a partial one,
 * and nothing named `.NAME.pare-tmp-*` is left behind.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The prefix of every temporary sibling of `target` (also used with mkdtemp for directories). */
export function tempPrefix(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.pare-tmp-`);
}

/** A unique temporary name next to `target`. */
export function tempName(target: string): string {
  return `${tempPrefix(target)}${process.pid}-${randomBytes(6).toString('hex')}`;
}

export interface AtomicFile {
  file: string;
  bytes: Uint8Array | string;
  /** File mode of the new file (default 0o644, less the umask). */
  mode?: number;
}

/**
 * Write several files all or nothing: every temporary is written first, then
 * all are renamed. `mkdir` creates missing parent directories.
 */
export async function writeFilesAtomic(files: readonly AtomicFile[], opts: { mkdir?: boolean } = {}): Promise<void> {
  const temps = files.map((f) => ({ ...f, tmp: tempName(f.file) }));
  try {
    if (opts.mkdir) for (const t of temps) await mkdir(path.dirname(t.file), { recursive: true });
    for (const t of temps) await writeFile(t.tmp, t.bytes, { flag: 'wx', mode: t.mode ?? 0o644 });
    for (const t of temps) await rename(t.tmp, t.file);
  } catch (e) {
    await Promise.all(temps.map((t) => rm(t.tmp, { force: true })));
    throw e;
  }
}

/** Write one file atomically (see writeFilesAtomic). */
export function writeFileAtomic(
  file: string,
  bytes: Uint8Array | string,
  opts: { mode?: number; mkdir?: boolean } = {},
): Promise<void> {
  return writeFilesAtomic([{ file, bytes, ...(opts.mode !== undefined ? { mode: opts.mode } : {}) }], opts);
}
