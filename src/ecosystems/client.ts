/**
 * Ask an installed package client for a setting it has built in (its default
 * index), as the last step of index discovery: pare names no registry host
 * itself. Returns undefined when the client is not installed or fails.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export function askClient(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: 20_000, encoding: 'utf8' }, (err, stdout) => {
      const out = String(stdout ?? '').trim();
      resolve(err || out === '' || out === 'undefined' ? undefined : out);
    });
  });
}

/** Read a file, or undefined when it does not exist or cannot be read. */
export async function readOptional(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}
