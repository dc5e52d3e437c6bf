/**
 * Test helper: the apko binary, installed by scripts/install-test-tools.sh
 * into the Go bin directory (`go env GOPATH`/bin) or found on PATH. Missing
 * apko is an error with a hint, never a skip.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export function apkoBinary(): string {
  const candidates: string[] = [];
  try {
    const gopath = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim();
    if (gopath) candidates.push(path.join(gopath, 'bin', 'apko'));
  } catch {
    // no go: PATH only
  }
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir) candidates.push(path.join(dir, 'apko'));
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error('apko is not installed: run scripts/install-test-tools.sh (it builds apko with go)');
  return found;
}
