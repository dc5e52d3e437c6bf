/**
 * The python ecosystem: `python.requirements` (hash-checking mode, files found
 * on the simple index) or `python.lock` (pylock.toml, files named by the
 * lock) → one verified wheel per package for the image's interpreter,
 * installed without pip; components are pkg:pypi with the wheel's sha256.
 */
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve as resolvePath } from 'node:path';
import { AppError, FetchError } from '../../errors.js';
import type { AppArtifact, AppComponent, AppPlan, Ecosystem, PlanInput } from '../types.js';
import { findPythonIndex } from './index-url.js';
import { evaluateMarker, markerEnv } from './markers.js';
import { pythonLicense } from './metadata.js';
import { parsePylock } from './pylock.js';
import { parseRequirements } from './requirements.js';
import { pythonRuntime, schemeFor, type PythonRuntime } from './runtime.js';
import { chooseWheel, type Candidate, type Wanted } from './select.js';
import { parseProjectPage, SIMPLE_ACCEPT } from './simple.js';
import { installWheel } from './wheel.js';

interface Pick extends Wanted {
  file: Candidate & { sha256: string };
}

/**
 * A project's files on the index. The page is kept in the cache's metadata so
 * an --offline rebuild can choose the same wheel (whose bytes the sha256
 * pins, so a stale page can at worst fail, never install other bytes).
 */
async function projectFiles(input: PlanInput, index: string, name: string): Promise<Candidate[]> {
  const url = `${index.replace(/\/+$/, '')}/${name}/`;
  const key = `simple-page:${url}`;
  if (input.offline) {
    const kept = await input.cache.getMeta(key);
    if (!kept)
      throw new FetchError(
        'FETCH_NETWORK',
        `python: the index page of ${name} is not in the cache and --offline is set`,
        {
          hint: 'run once without --offline to fill the cache',
        },
      );
    const nl = kept.indexOf(10);
    return parseProjectPage(kept.subarray(nl + 1), kept.subarray(0, nl).toString(), url);
  }
  const res = await input.http.get(url, { headers: { accept: SIMPLE_ACCEPT }, accept: [404] });
  if (res.status === 404)
    throw new AppError('APP_NOT_FOUND', `python: ${name} is not on the index ${index}`, {
      hint: 'check the name, and which index is used ($PIP_INDEX_URL, pip.conf, python.index-url)',
    });
  const type = res.headers.get('content-type') ?? '';
  const files = parseProjectPage(res.body, type, url);
  await input.cache.putMeta(key, Buffer.concat([Buffer.from(`${type.replace(/\n/g, ' ')}\n`), res.body]));
  return files;
}

async function fromRequirements(input: PlanInput, file: string, py: PythonRuntime): Promise<Pick[]> {
  const reqs = parseRequirements(await readFile(file, 'utf8'), relative(input.config.dir, file) || file);
  const env = markerEnv(py.full, py.machine);
  const wanted = reqs.requirements.filter((r) => !r.marker || evaluateMarker(r.marker, env, `${file}:${r.line}`));
  if (wanted.length === 0) return [];
  const index = await findPythonIndex(input.env, {
    config: input.config.python?.indexUrl,
    requirements: reqs.indexUrl,
  });
  const shown = relative(input.config.dir, file);
  return Promise.all(
    wanted.map(async (r) => {
      const want = { name: r.name, version: r.version, where: `${shown}:${r.line}`, hashes: r.hashes };
      return { ...want, file: chooseWheel(want, await projectFiles(input, index.url, r.name), py) };
    }),
  );
}

async function fromPylock(input: PlanInput, file: string, py: PythonRuntime): Promise<Pick[]> {
  const shown = relative(input.config.dir, file) || file;
  const env = markerEnv(py.full, py.machine);
  const packages = parsePylock(await readFile(file, 'utf8'), shown).filter(
    (p) => !p.marker || evaluateMarker(p.marker, env, `${shown} (${p.name})`),
  );
  return Promise.all(
    packages.map(async (p) => {
      const want = { name: p.name, version: p.version, where: `${shown} (${p.name})` };
      let files: Candidate[] = [...p.wheels, ...(p.sdist ? [p.sdist] : [])].map((f) => ({ ...f, filename: f.name }));
      const chosen = chooseWheel(want, files, py);
      if (!chosen.url && !chosen.path) {
        if (!p.index)
          throw new AppError('APP_LOCKFILE', `${want.where}: ${chosen.filename} has neither url nor path`, {
            hint: 'a pylock.toml file entry needs url or path (or the package an index)',
          });
        files = await projectFiles(input, p.index, p.name);
        const hit = files.find((f) => f.filename === chosen.filename);
        if (!hit)
          throw new AppError('APP_NOT_FOUND', `${want.where}: ${chosen.filename} is not on ${p.index}`, {
            hint: 'lock again',
          });
        return { ...want, file: { ...chosen, url: hit.url } };
      }
      return { ...want, file: chosen };
    }),
  );
}

function artifactOf(p: Pick, lockDir: string, contextDir: string): AppArtifact {
  const f = p.file;
  if (f.path !== undefined) {
    const abs = resolvePath(lockDir, f.path);
    if (relative(contextDir, abs).startsWith('..'))
      throw new AppError('APP_LOCKFILE', `${p.where}: ${f.path} is outside the build context ${contextDir}`, {
        hint: 'keep locked wheel files inside the config file directory',
      });
    return { url: `file:${abs}`, local: abs, sha256: f.sha256, label: f.filename };
  }
  return { url: f.url!, sha256: f.sha256, label: f.filename };
}

export async function planPython(input: PlanInput): Promise<AppPlan | undefined> {
  const cfg = input.config.python;
  if (!cfg) return undefined;
  const py = pythonRuntime(input.runtime);
  const file = (cfg.requirements ?? cfg.lock)!;
  const picks = cfg.requirements ? await fromRequirements(input, file, py) : await fromPylock(input, file, py);
  picks.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const scheme = schemeFor(py, cfg.target);
  return {
    ecosystem: 'pypi',
    artifacts: picks.map((p) => artifactOf(p, dirname(file), input.config.dir)),
    install(bodies) {
      const entries = [];
      const components: AppComponent[] = [];
      for (let i = 0; i < picks.length; i++) {
        const p = picks[i]!;
        const w = installWheel(bodies[i]!, p.file.filename, scheme);
        entries.push(...w.entries);
        components.push({
          ecosystem: 'pypi',
          name: p.name,
          version: w.version,
          purl: `pkg:pypi/${p.name}@${encodeURIComponent(w.version)}`,
          license: pythonLicense(w.metadata),
          sha256: p.file.sha256,
          file: p.file.filename,
          path: `${scheme.site}/${w.distInfo}`,
          runtime: py.package,
        });
      }
      return { entries, components, warnings: [] };
    },
  };
}

export const python: Ecosystem = { id: 'pypi', plan: planPython };
