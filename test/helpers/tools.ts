/**
 * Test helper: the system and Go tools pare is checked against (skopeo, umoci,
 * runc, gpg, dpkg-deb, openssl, crane, syft, cosign, apko, ...). requireTool()
 * finds one on PATH or in the Go bin directory; a missing tool is an Error
 * naming it and the script that installs it, so the test fails with a clear
 * message and never skips. run() is execFile through requireTool().
 */
import { execFile, execFileSync, type ExecFileOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const found = new Map<string, string>();
let goBin: string | undefined | null = null;

function goBinDir(): string | undefined {
  if (goBin !== null) return goBin;
  try {
    const gopath = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    goBin = gopath.trim() ? path.join(gopath.trim(), 'bin') : undefined;
  } catch {
    goBin = undefined; // no go: PATH only
  }
  return goBin;
}

/** The absolute path of `name`; throws "NAME is not installed: run scripts/install-test-tools.sh". */
export function requireTool(name: string): string {
  if (name.includes('/')) return name;
  const hit = found.get(name);
  if (hit) return hit;
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  const go = goBinDir();
  if (go) dirs.push(go);
  const file = dirs.map((d) => path.join(d, name)).find((f) => existsSync(f));
  if (!file)
    throw new Error(
      `${name} is not installed (searched PATH${go ? ` and ${go}` : ''}): run scripts/install-test-tools.sh, which installs every tool the tests use`,
    );
  found.set(name, file);
  return file;
}

/** execFile(requireTool(cmd), args) with text output and a 64 MiB buffer. */
export async function run(
  cmd: string,
  args: readonly string[] = [],
  opts: Omit<ExecFileOptions, 'encoding'> = {},
): Promise<{ stdout: string; stderr: string }> {
  return execFileAsync(requireTool(cmd), args, { maxBuffer: 64 << 20, ...opts, encoding: 'utf8' });
}
