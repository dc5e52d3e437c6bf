/**
 * Test helper: the Go tools pare is proven against (cosign, cosign3, syft,
 * crane), installed by scripts/install-test-tools.sh with `go install` into
 * the Go bin directory; found through requireTool() (tools.ts). A missing
 * tool is a failure with the command that installs it, never a skip. `toolVersion` reads the module version built into the binary.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { requireTool } from './tools.js';

const exec = promisify(execFile);

export type GoTool = 'cosign' | 'cosign3' | 'syft' | 'crane';

/** The absolute path of the tool; throws (fails the test) with the install command when it is missing. */
export function goTool(name: GoTool): string {
  return requireTool(name);
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a tool; never throws on a non-zero exit (the test asserts the code). */
export async function runTool(
  name: GoTool,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<ToolResult> {
  const file = goTool(name);
  try {
    const { stdout, stderr } = await exec(file, args, {
      env: { ...process.env, ...opts.env },
      cwd: opts.cwd,
      maxBuffer: 256 << 20,
      timeout: opts.timeoutMs ?? 300_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string; message: string };
    return {
      code: typeof err.code === 'number' ? err.code : -1,
      stdout: err.stdout ?? '',
      stderr: `${err.stderr ?? ''}${typeof err.code === 'number' ? '' : err.message}`,
    };
  }
}

/** Run a tool and return its stdout; throws with its stderr when it fails. */
export async function tool(name: GoTool, args: string[], opts: Parameters<typeof runTool>[2] = {}): Promise<string> {
  const r = await runTool(name, args, opts);
  if (r.code !== 0) throw new Error(`${name} ${args.join(' ')} exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** The main module's version built into the binary (`go version -m`), e.g. "v2.6.5". */
export async function toolVersion(name: GoTool): Promise<string> {
  const { stdout } = await exec('go', ['version', '-m', goTool(name)]);
  const m = /^\s*mod\s+\S+\s+(\S+)/m.exec(stdout);
  if (!m) throw new Error(`cannot read the module version of ${goTool(name)}:\n${stdout}`);
  return m[1]!;
}
