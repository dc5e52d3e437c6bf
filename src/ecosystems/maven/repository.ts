/**
 * Which Maven repository serves `central`, found as Maven finds it: the
 * config's `maven.repository`; else the settings' mirrors — the user's
 * ~/.m2/settings.xml before the installation's conf/settings.xml — and the
 * first that mirrors `central` wins (a blocked one is an error); else the
 * url of `central` in the super POM of the installed Maven (its
 * lib/maven-model-builder-*.jar). The installation is $MAVEN_HOME, $M2_HOME
 * or the directory above `mvn`'s bin/ on $PATH. pare itself names no
 * repository host.
 */
import { existsSync, realpathSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { AppError } from '../../errors.js';
import { readZip } from '../../util/zip.js';
import { readOptional } from '../client.js';
import { mirrorFor, parseMirrors, superPomRepository } from './settings.js';

/** The Maven installation directory, or undefined when none is found. */
export function mavenHome(env: NodeJS.ProcessEnv): string | undefined {
  const set = env.MAVEN_HOME ?? env.M2_HOME;
  if (set) return set;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const mvn = join(dir, 'mvn');
    if (dir !== '' && existsSync(mvn)) return dirname(dirname(realpathSync(mvn)));
  }
  return undefined;
}

async function superPomCentral(home: string): Promise<string | undefined> {
  const lib = join(home, 'lib');
  const jars = (await readdir(lib).catch(() => [] as string[])).filter((f) => /^maven-model-builder-.*\.jar$/.test(f));
  for (const jar of jars.sort()) {
    try {
      const entry = readZip(await readFile(join(lib, jar)), jar).find(
        (e) => e.name === 'org/apache/maven/model/pom-4.0.0.xml',
      );
      const url = entry && superPomRepository(new TextDecoder().decode(entry.data));
      if (url) return url;
    } catch {
      // not a readable archive: try the next
    }
  }
  return undefined;
}

export async function findMavenRepository(env: NodeJS.ProcessEnv, explicit?: string): Promise<string> {
  if (explicit) return explicit.replace(/\/+$/, '');
  const home = env.HOME ?? homedir();
  const install = mavenHome(env);
  const files = [join(home, '.m2', 'settings.xml'), ...(install ? [join(install, 'conf', 'settings.xml')] : [])];
  const mirrors = [];
  for (const f of files) mirrors.push(...parseMirrors((await readOptional(f)) ?? '', env, home));
  const central = install ? await superPomCentral(install) : undefined;
  const mirror = mirrorFor(mirrors, 'central', central ?? '');
  if (mirror?.blocked)
    throw new AppError('APP_INDEX', `maven: the mirror "${mirror.id}" of central is blocked in settings.xml`, {
      hint: 'unblock it, add a mirror of central to ~/.m2/settings.xml, or set maven.repository in the config',
    });
  if (mirror && !/^https?:\/\//.test(mirror.url))
    throw new AppError(
      'APP_INDEX',
      `maven: the mirror "${mirror.id}" of central has url "${mirror.url}", not http(s)`,
      {
        hint: 'fix its <url> in settings.xml, or set maven.repository in the config',
      },
    );
  const url = mirror?.url ?? central;
  if (!url || !/^https?:\/\//.test(url))
    throw new AppError('APP_INDEX', 'maven: no repository is configured and no Maven is installed to ask', {
      hint: 'add a <mirror> of central to ~/.m2/settings.xml, set $MAVEN_HOME, or set maven.repository in the config',
    });
  return url.replace(/\/+$/, '');
}
