/**
 * The config keys for application dependencies: `python` (requirements.txt
 * in hash-checking mode, or pylock.toml), `node` (package-lock.json) and
 * `maven` (artifacts by coordinates and sha256).
 * Schema pieces, semantic checks with positions, and normalization. Pure.
 */
import { posix } from 'node:path';
import type { Document } from 'yaml';
import { arr, bool, obj, oneOf, str } from './spec.js';
import { insideContext } from './content.js';
import type { Problem } from './validate.js';
import type { Position } from '../errors.js';
import type { RawConfig, Scalar } from './raw.js';
import type { MavenConfig, NodeConfig, PythonConfig } from './types.js';

const COORDINATES = '^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+:[A-Za-z0-9_.+-]+(:[A-Za-z0-9_.-]+)?$';

export const appSpecs = {
  python: obj(
    {
      requirements: str(
        "requirements.txt in pip's hash-checking mode (NAME==VERSION --hash=sha256:…), relative to the config.",
      ),
      lock: str('A PEP 751 lock file (pylock.toml), relative to the config.'),
      'index-url': str('Simple repository index (default: as pip finds it: $PIP_INDEX_URL, pip.conf).', {
        pattern: '^https?://',
      }),
      target: str('Image directory for the packages (default /usr/local/lib/python3.X/dist-packages).', {
        pattern: '^/',
        patternHint: 'an absolute path (starting with /)',
      }),
    },
    'Python dependencies, installed from wheels without pip.',
  ),
  node: obj(
    {
      lockfile: str('package-lock.json (lockfileVersion 2 or 3), relative to the config.'),
      path: str('Image directory that gets node_modules/ (default /app).', {
        pattern: '^/',
        patternHint: 'an absolute path (starting with /)',
      }),
      registry: str('npm registry (default: as npm finds it: $npm_config_registry, .npmrc).', {
        pattern: '^https?://',
      }),
      'allow-install-scripts': oneOf(
        [bool(), arr(str())],
        'Packages whose install scripts (never run) only warn instead of failing the build; true for all.',
      ),
    },
    'Node.js dependencies, installed from the lock file without npm.',
    ['lockfile'],
  ),
  maven: obj(
    {
      repository: str('Maven repository (default: as Maven finds central: settings.xml mirrors, the super POM).', {
        pattern: '^https?://',
      }),
      path: str('Image directory for the JARs (default /app/lib).', {
        pattern: '^/',
        patternHint: 'an absolute path (starting with /)',
      }),
      artifacts: arr(
        obj(
          {
            coordinates: str('GROUP:ARTIFACT:VERSION[:CLASSIFIER] of a JAR.', {
              pattern: COORDINATES,
              patternHint: 'GROUP:ARTIFACT:VERSION or GROUP:ARTIFACT:VERSION:CLASSIFIER',
            }),
            sha256: str("The JAR's sha256 (hex).", { pattern: '^[0-9a-f]{64}$', patternHint: '64 hex digits' }),
          },
          'One JAR, pinned by its sha256.',
          ['coordinates', 'sha256'],
        ),
        'JARs fetched from the repository and verified.',
        1,
      ),
    },
    'Java libraries by Maven coordinates, fetched verified without Maven.',
    ['artifacts'],
  ),
};

export function checkApps(raw: RawConfig, doc: Document, dir: string): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string[], key: string, message: string) => {
    const r = (doc.getIn(path, true) as { range?: [number, number] } | undefined)?.range ?? [0, 1];
    problems.push({ key, message, offset: r[0], length: Math.max(1, r[1] - r[0]) });
  };
  const files: Array<[string, string, Scalar | undefined]> = [
    ['python', 'requirements', raw.python?.requirements],
    ['python', 'lock', raw.python?.lock],
    ['node', 'lockfile', raw.node?.lockfile],
  ];
  for (const [k, f, v] of files) {
    if (v !== undefined && !insideContext(String(v)))
      add(
        [k, f],
        `${k}.${f}`,
        `"${String(v)}" is outside the build context ${dir}; name a file inside the config file's directory`,
      );
  }
  if (raw.python && (raw.python.requirements === undefined) === (raw.python.lock === undefined))
    add(['python'], 'python', 'name exactly one of "requirements" or "lock"');
  return problems;
}

export function normalizeApps(
  raw: RawConfig,
  dir: string,
  posAt: (path: string[]) => Position,
): { python?: PythonConfig; node?: NodeConfig; maven?: MavenConfig } {
  const abs = (v: Scalar | undefined) => (v === undefined ? undefined : posix.join(dir, String(v)));
  const p = raw.python;
  const n = raw.node;
  const m = raw.maven;
  return {
    ...(p
      ? {
          python: {
            requirements: abs(p.requirements),
            lock: abs(p.lock),
            indexUrl: p['index-url'],
            target: p.target?.replace(/\/+$/, ''),
            pos: posAt(['python']),
          },
        }
      : {}),
    ...(n
      ? {
          node: {
            lockfile: abs(n.lockfile)!,
            path: String(n.path ?? '/app').replace(/\/+$/, '') || '/',
            registry: n.registry,
            allowInstallScripts: n['allow-install-scripts'] ?? false,
            pos: posAt(['node']),
          },
        }
      : {}),
    ...(m
      ? {
          maven: {
            repository: m.repository,
            path: String(m.path ?? '/app/lib').replace(/\/+$/, '') || '/',
            artifacts: m.artifacts.map((a) => {
              const [group, artifact, version, classifier] = String(a.coordinates).split(':') as [
                string,
                string,
                string,
                string | undefined,
              ];
              return { group, artifact, version, ...(classifier ? { classifier } : {}), sha256: String(a.sha256) };
            }),
            pos: posAt(['maven']),
          },
        }
      : {}),
  };
}
