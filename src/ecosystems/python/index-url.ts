/**
 * Which simple index to ask, found as pip finds it: the config's
 * `python.index-url`, an `--index-url` line in requirements.txt,
 * $PIP_INDEX_URL, then pip's configuration files ($PIP_CONFIG_FILE, else
 * the site-wide, user and virtualenv pip.conf; [install] over [global], later
 * files over earlier), and finally the default the installed pip has built
 * in. pare itself names no index host.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../errors.js';
import { askClient, readOptional } from '../client.js';

export interface FoundIndex {
  url: string;
  /** Where the URL came from, for messages. */
  via: string;
}

/** `index-url` in pip.conf text: [install] wins over [global]. */
export function pipConfIndex(text: string): string | undefined {
  let section = '';
  const found: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const s = /^\[(.+)\]$/.exec(line);
    if (s) section = s[1]!.trim();
    else {
      const m = /^index[-_]url\s*[=:]\s*(\S+)/.exec(line);
      if (m && (section === 'global' || section === 'install' || section === 'download')) found[section] = m[1]!;
    }
  }
  return found.install ?? found.download ?? found.global;
}

function pipConfigFiles(env: NodeJS.ProcessEnv): string[] {
  if (env.PIP_CONFIG_FILE) return env.PIP_CONFIG_FILE === '/dev/null' ? [] : [env.PIP_CONFIG_FILE];
  const home = env.HOME ?? homedir();
  const xdgDirs = (env.XDG_CONFIG_DIRS ?? '/etc/xdg').split(':').filter(Boolean);
  const xdgHome = env.XDG_CONFIG_HOME ?? join(home, '.config');
  return [
    ...xdgDirs.map((d) => join(d, 'pip', 'pip.conf')),
    '/etc/pip.conf',
    join(home, '.pip', 'pip.conf'),
    join(xdgHome, 'pip', 'pip.conf'),
    ...(env.VIRTUAL_ENV ? [join(env.VIRTUAL_ENV, 'pip.conf')] : []),
  ];
}

const PIP_DEFAULT = 'from pip._internal.models.index import PyPI; print(PyPI.simple_url)';

export async function findPythonIndex(
  env: NodeJS.ProcessEnv,
  explicit: { config?: string; requirements?: string },
): Promise<FoundIndex> {
  if (explicit.config) return { url: explicit.config, via: 'python.index-url' };
  if (explicit.requirements) return { url: explicit.requirements, via: '--index-url in the requirements file' };
  if (env.PIP_INDEX_URL) return { url: env.PIP_INDEX_URL, via: '$PIP_INDEX_URL' };
  let found: FoundIndex | undefined;
  for (const f of pipConfigFiles(env)) {
    const url = pipConfIndex((await readOptional(f)) ?? '');
    if (url) found = { url, via: f };
  }
  if (found) return found;
  for (const py of ['python3', 'python']) {
    const url = await askClient(py, ['-c', PIP_DEFAULT], env);
    if (url && /^https?:\/\//.test(url)) return { url, via: "the installed pip's default" };
  }
  throw new AppError('APP_INDEX', 'python: no package index is configured and no pip is installed to ask', {
    hint: 'set $PIP_INDEX_URL or index-url in pip.conf, or python.index-url in the config',
  });
}
