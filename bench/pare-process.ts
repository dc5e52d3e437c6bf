/** Benchmarks run pare as a whole process, from the repository root; a failure throws with its stderr. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PARE_BIN = join(ROOT, 'bin', 'pare.js');

export function pare(args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [PARE_BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    env: { ...process.env, CI: '1' },
  });
  if (r.status !== 0) throw new Error(`pare ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}
