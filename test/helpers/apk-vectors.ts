/**
 * Where the real APK test vectors live: `shared/vectors/apk` beside the
 * repository (or beside one of its parent directories, for worktrees). A
 * missing directory is an error, never a skip.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function apkVectorsDir(): string {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..'); // dist/test/helpers → repo
  for (let dir = repo; ; dir = path.dirname(dir)) {
    const candidate = path.join(path.dirname(dir), 'shared', 'vectors', 'apk');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`the APK test vectors (shared/vectors/apk) are not beside ${repo} or any parent directory`);
}
