/** Run the real `pare` executable (bin/pare.js) as a user would. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PARE_BIN = fileURLToPath(new URL('../../../bin/pare.js', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function pare(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [PARE_BIN, ...args],
      {
        env: { ...process.env, CI: '1', ...opts.env },
        cwd: opts.cwd ?? REPO_ROOT,
        maxBuffer: 64 << 20,
        timeout: opts.timeoutMs ?? 300_000,
      },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : 1
          : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Run the CLI in-process (fast), capturing its output. */
export async function pareInProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const { main } = await import('../../src/cli/main.js');
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    ({ write: (s: string | Uint8Array) => (append(String(s)), true) }) as unknown as NodeJS.WritableStream;
  const code = await main(args, {
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    env: { ...process.env, CI: '1', ...env },
  });
  return { code, stdout, stderr };
}
