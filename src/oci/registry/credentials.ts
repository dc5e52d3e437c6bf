/**
 * Where registry credentials come from, first match wins:
 *  1. the caller (`credentials` option);
 *  2. the environment: PARE_REGISTRY_USER / PARE_REGISTRY_PASSWORD;
 *  3. the Docker client config ($DOCKER_CONFIG/config.json, else
 *     ~/.docker/config.json): `credHelpers[host]`, then `credsStore`, then
 *     `auths[host]` (base64 `auth`, or `username`/`password`, or
 *     `identitytoken`). Helpers run as `docker-credential-NAME get`, the host
 *     on stdin, JSON on stdout.
 * Nothing found means anonymous access.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { RegistryError } from '../../errors.js';

export interface Credentials {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (Docker's `identitytoken`, or a helper's `<token>` user). */
  identityToken?: string;
  /** Where they came from, for messages: `environment`, `credential helper X`, a file. */
  source?: string;
}

export interface CredentialOptions {
  /** Explicit credentials; skip every other source. */
  credentials?: Credentials;
  /** Environment (default process.env). */
  env?: NodeJS.ProcessEnv;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export async function findCredentials(
  registry: string,
  opts: CredentialOptions = {},
): Promise<Credentials | undefined> {
  if (opts.credentials) return opts.credentials;
  const env = opts.env ?? process.env;
  if (env.PARE_REGISTRY_USER !== undefined || env.PARE_REGISTRY_PASSWORD !== undefined) {
    return {
      username: env.PARE_REGISTRY_USER ?? '',
      password: env.PARE_REGISTRY_PASSWORD ?? '',
      source: 'PARE_REGISTRY_USER/PARE_REGISTRY_PASSWORD',
    };
  }
  const file = dockerConfigPath(env);
  const config = await readDockerConfig(file);
  if (!config) return undefined;
  const helper = lookup(config.credHelpers, registry);
  if (helper) return runHelper(helper, registry, env);
  if (config.credsStore) {
    const found = await runHelper(config.credsStore, registry, env).catch((e: unknown) => {
      if (lookup(config.auths, registry)) return undefined; // fall back to auths
      throw e;
    });
    if (found) return found;
  }
  const entry = lookup(config.auths, registry);
  if (!entry) return undefined;
  if (entry.identitytoken) return { identityToken: entry.identitytoken, source: file };
  if (entry.auth) {
    const text = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = text.indexOf(':');
    if (colon < 0)
      throw new RegistryError('REGISTRY_AUTH', `${file}: auths["${registry}"].auth is not base64 of user:password`, {
        hint: 'log in again to rewrite the entry',
      });
    return { username: text.slice(0, colon), password: text.slice(colon + 1), source: file };
  }
  if (entry.username !== undefined) return { username: entry.username, password: entry.password ?? '', source: file };
  return undefined;
}

export function dockerConfigPath(env: NodeJS.ProcessEnv): string {
  const dir = env.DOCKER_CONFIG ?? path.join(env.HOME ?? homedir(), '.docker');
  return path.join(dir, 'config.json');
}

async function readDockerConfig(file: string): Promise<DockerConfig | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RegistryError('REGISTRY_AUTH', `cannot read ${file}: ${(e as Error).message}`, {
      cause: e,
      hint: 'fix its permissions, or set DOCKER_CONFIG to another directory',
    });
  }
  try {
    return JSON.parse(text) as DockerConfig;
  } catch (e) {
    throw new RegistryError('REGISTRY_AUTH', `${file} is not valid JSON`, { cause: e, hint: 'fix or remove the file' });
  }
}

/** Keys may be written `host`, `https://host`, `http://host/v1/`, ... */
function lookup<T>(map: Record<string, T> | undefined, registry: string): T | undefined {
  if (!map) return undefined;
  if (map[registry] !== undefined) return map[registry];
  for (const [k, v] of Object.entries(map)) {
    if (
      k
        .replace(/^[a-z]+:\/\//i, '')
        .replace(/\/.*$/, '')
        .toLowerCase() === registry
    )
      return v;
  }
  return undefined;
}

/** `docker-credential-NAME get`, host on stdin; "credentials not found" → undefined. */
export function runHelper(name: string, registry: string, env: NodeJS.ProcessEnv): Promise<Credentials | undefined> {
  const program = `docker-credential-${name}`;
  const fail = (why: string, cause?: unknown) =>
    new RegistryError('REGISTRY_AUTH', `credential helper ${program} failed for ${registry}: ${why}`, {
      cause,
      hint: `check that ${program} is on PATH and logged in, or remove it from the Docker config`,
    });
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('error', (e) => reject(fail(e.message, e)));
    child.stdin.on('error', () => undefined); // a helper that exits early
    child.on('close', (code) => {
      if (code !== 0) {
        const msg = (out + err).trim();
        if (/credentials not found/i.test(msg)) return resolve(undefined);
        return reject(fail(`exit code ${code}${msg ? `: ${msg}` : ''}`));
      }
      try {
        const r = JSON.parse(out) as { Username?: string; Secret?: string };
        const source = `credential helper ${program}`;
        if (r.Username === '<token>') return resolve({ identityToken: r.Secret ?? '', source });
        resolve({ username: r.Username ?? '', password: r.Secret ?? '', source });
      } catch (e) {
        reject(fail('its output is not JSON', e));
      }
    });
    child.stdin.end(registry);
  });
}
