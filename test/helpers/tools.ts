/**
 * Test helper: the system and Go tools pare is checked against (skopeo, umoci,
 * runc, gpg, dpkg-deb, openssl, crane, syft, cosign, apko, ...). requireTool()
 * finds one on PATH or in the Go bin directory; a missing tool is an Error
 * naming it and the script that installs it, so the test fails with a clear
 * message and never skips. run() is execFile through requireTool().
 */
import { execFile, execFileSync, type ExecFileOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const found = new Map<string, string>();
let gopathBin: string | undefined;

/** Where `go install` puts binaries: $GOBIN, else the first GOPATH entry's bin (go's default ~/go). */
export function goBinDir(): string {
  if (process.env.GOBIN) return process.env.GOBIN;
  if (gopathBin !== undefined) return gopathBin;
  try {
    const gopath = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split(path.delimiter)[0];
    if (gopath) return (gopathBin = path.join(gopath, 'bin'));
  } catch {
    // no go on PATH: its default GOPATH
  }
  return (gopathBin = path.join(process.env.GOPATH?.split(path.delimiter)[0] ?? path.join(homedir(), 'go'), 'bin'));
}

const executable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The absolute path of `name`; throws "NAME is not installed: run scripts/install-test-tools.sh". */
export function requireTool(name: string): string {
  if (name.includes('/')) return name;
  const hit = found.get(name);
  if (hit) return hit;
  const go = goBinDir();
  // The Go bin directory first: the pinned Go tools win over any other copy on PATH.
  const dirs = [go, ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean)];
  const file = dirs.map((d) => path.join(d, name)).find(executable);
  if (!file)
    throw new Error(
      `${name} is not installed (searched ${go} and PATH): run ./scripts/install-test-tools.sh, which installs every tool the tests use (the Go tools with \`go install\`)`,
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
