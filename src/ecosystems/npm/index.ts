/**
 * The npm ecosystem: `node.lockfile` (package-lock.json v2/v3) → every
 * production package at exactly its node_modules path under `node.path`,
 * from its tarball verified by SRI sha512. Install scripts never run:
 * packages that declare them fail the build unless allowed, then warn.
 * Components are pkg:npm with the tarball's digests. A package.json added
 * with `paths` (the application's own) is scanned (package-json.ts).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AppError } from '../../errors.js';
import type { TreeEntry } from '../../tree/types.js';
import { sriSha512 } from '../fetch.js';
import type { AppComponent, AppPlan, Ecosystem, PlanInput } from '../types.js';
import { npmPlatform, parsePackageLock, type NpmPackage } from './lockfile.js';
import { packageEntries } from './install.js';
import { packageJsonComponents } from './package-json.js';
import { npmPurl } from './purl.js';
import { findRegistries, tarballUrl } from './registry.js';

export { npmPurl };

function checkScripts(pkgs: NpmPackage[], allow: boolean | string[], file: string): string[] {
  const named = pkgs.filter((p) => p.hasInstallScript).map((p) => `${p.name}@${p.version}`);
  const allowed = (n: string) => allow === true || (Array.isArray(allow) && allow.includes(n.replace(/@[^@]+$/, '')));
  const refused = named.filter((n) => !allowed(n));
  if (refused.length)
    throw new AppError(
      'APP_INSTALL_SCRIPTS',
      `${file}: these packages have install scripts, which pare never runs: ${refused.join(', ')}`,
      {
        hint: 'if they work without them (prebuilt or optional native code), list them in node.allow-install-scripts',
        detail: { packages: refused },
      },
    );
  return named.map((n) => `${n} has install scripts that were not run`);
}

export async function planNode(input: PlanInput): Promise<AppPlan | undefined> {
  const cfg = input.config.node;
  if (!cfg) return undefined;
  const shown = relative(input.config.dir, cfg.lockfile) || cfg.lockfile;
  const pkgs = parsePackageLock(await readFile(cfg.lockfile, 'utf8'), shown, npmPlatform(input.runtime.arch));
  const warnings = checkScripts(pkgs, cfg.allowInstallScripts, shown);
  const fetched = pkgs.filter((p) => !p.inBundle);
  const missing = fetched.filter((p) => !p.integrity);
  if (missing.length)
    throw new AppError('APP_LOCKFILE', `${shown}: no integrity for ${missing.map((p) => p.path).join(', ')}`, {
      hint: 'pare verifies every tarball: regenerate the lock with `npm install --package-lock-only`',
    });
  const needsRegistry = fetched.some((p) => !p.resolved || !/^https?:\/\//.test(p.resolved));
  const registries = needsRegistry ? await findRegistries(input.env, cfg.lockfile, cfg.registry) : undefined;
  const base = cfg.path.replace(/^\/+/, '');
  const runtime = input.runtime.packages.has('nodejs') ? 'nodejs' : undefined;
  return {
    ecosystem: 'npm',
    artifacts: fetched.map((p) => ({
      url: p.resolved && /^https?:\/\//.test(p.resolved) ? p.resolved : tarballUrl(registries!, p.name, p.version),
      integrity: p.integrity,
      label: `${p.name}-${p.version}.tgz`,
    })),
    install(bodies) {
      const entries: TreeEntry[] = [];
      const components: AppComponent[] = [];
      const sha256 = new Map<NpmPackage, string>();
      fetched.forEach((p, i) => {
        sha256.set(p, createHash('sha256').update(bodies[i]!).digest('hex'));
        const label = `${p.name}-${p.version}.tgz`;
        const tar = gunzipSync(bodies[i]!);
        entries.push(...packageEntries(tar, p, base ? `${base}/${p.path}` : p.path, label));
      });
      for (const p of pkgs) {
        const sri = p.integrity ? sriSha512(p.integrity) : undefined;
        components.push({
          ecosystem: 'npm',
          name: p.name,
          version: p.version,
          purl: npmPurl(p.name, p.version),
          license: p.license ?? 'NOASSERTION',
          ...(sha256.has(p) ? { sha256: sha256.get(p)! } : {}),
          ...(sri ? { sha512: Buffer.from(sri, 'base64').toString('hex') } : {}),
          file: `${p.name.replace(/^@[^/]+\//, '')}-${p.version}.tgz`,
          path: base ? `${base}/${p.path}` : p.path,
          ...(runtime ? { runtime } : {}),
        });
      }
      return { entries, components, warnings };
    },
  };
}

export const npm: Ecosystem = { id: 'npm', plan: planNode, scan: packageJsonComponents };
