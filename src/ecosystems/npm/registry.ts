/**
 * Which npm registry serves a package, found as npm finds it: the config's
 * `node.registry`, $npm_config_registry (any case), then .npmrc files — the
 * project's (next to the lock file), the user's ($npm_config_userconfig or
 * ~/.npmrc) and the global one — with `@scope:registry` for scoped names,
 * and finally the default the installed npm has built in. pare itself names
 * no registry host.
 */
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { AppError } from '../../errors.js';
import { askClient, readOptional } from '../client.js';

export interface Registries {
  default: string;
  scopes: Record<string, string>;
}

/** key=value lines of an .npmrc, with ${VAR} expanded from env. */
export function parseNpmrc(text: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const i = line.indexOf('=');
    if (i <= 0) continue;
    const v = line
      .slice(i + 1)
      .trim()
      .replace(/^["']|["']$/g, '');
    out[line.slice(0, i).trim()] = v.replace(/\$\{([^}]+)\}/g, (_a, k: string) => env[k] ?? '');
  }
  return out;
}

function envValue(env: NodeJS.ProcessEnv, key: string): string | undefined {
  const want = `npm_config_${key}`.toLowerCase();
  for (const [k, v] of Object.entries(env)) if (k.toLowerCase() === want && v) return v;
  return undefined;
}

export async function findRegistries(env: NodeJS.ProcessEnv, lockfile: string, explicit?: string): Promise<Registries> {
  const home = env.HOME ?? homedir();
  const prefix = envValue(env, 'prefix') ?? dirname(dirname(process.execPath));
  const files = [
    envValue(env, 'globalconfig') ?? join(prefix, 'etc', 'npmrc'),
    envValue(env, 'userconfig') ?? join(home, '.npmrc'),
    join(dirname(lockfile), '.npmrc'),
  ];
  const merged: Record<string, string> = {};
  for (const f of files) Object.assign(merged, parseNpmrc((await readOptional(f)) ?? '', env));
  const scopes: Record<string, string> = {};
  for (const [k, v] of Object.entries(merged)) {
    const m = /^(@[^:]+):registry$/.exec(k);
    if (m) scopes[m[1]!] = v.replace(/\/+$/, '');
  }
  let registry: string | undefined = explicit ?? envValue(env, 'registry') ?? merged.registry;
  registry ??= await askClient('npm', ['config', 'get', 'registry'], env);
  if (!registry || !/^https?:\/\//.test(registry))
    throw new AppError('APP_INDEX', 'node: no npm registry is configured and no npm is installed to ask', {
      hint: 'set registry= in .npmrc or $npm_config_registry, or node.registry in the config',
    });
  return { default: registry.replace(/\/+$/, ''), scopes };
}

/** The tarball URL npm would fetch for NAME@VERSION. */
export function tarballUrl(r: Registries, name: string, version: string): string {
  const scope = name.startsWith('@') ? name.split('/')[0]! : undefined;
  const base = (scope && r.scopes[scope]) || r.default;
  return `${base}/${name}/-/${name.replace(/^@[^/]+\//, '')}-${version}.tgz`;
}
