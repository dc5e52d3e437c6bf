/**
 * Config repositories → verified, parsed package indexes for one
 * architecture: discover each suite's mirror, load keyrings, then fetch and
 * verify every suite in parallel.
 */
import type { Config, RepositoryConfig } from '../config/index.js';
import type { BlobCache, Http } from '../fetch/index.js';
import { chooseMirror, readHostSources } from '../sources/debian/discover.js';
import { loadDefaultKeyring, loadKeyringFile } from '../sources/debian/keyring-data.js';
import type { Keyring } from '../sources/debian/openpgp/index.js';
import { loadSuite, type LoadedSuite } from '../sources/debian/repository.js';

export interface SourceOptions {
  cache: BlobCache;
  http?: Http;
  offline?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Where the host's apt configuration lives (default /etc/apt). */
  aptDir?: string;
  now?: Date;
}

export interface SuiteSpec {
  url: string;
  /** How the URL was found: "config", "$PARE_MIRROR", or an apt sources file:line. */
  via: string;
  suite: string;
  components: string[];
  keyringFiles: string[];
}

/** Which URL serves each configured suite (no network). */
export async function planSuites(config: Config, opts: Pick<SourceOptions, 'env' | 'aptDir'>): Promise<SuiteSpec[]> {
  const needsDiscovery = config.contents.repositories.some((r) => !r.url);
  const ctx = { env: opts.env ?? process.env, hostSources: needsDiscovery ? await readHostSources(opts.aptDir) : [] };
  const specs: SuiteSpec[] = [];
  for (const repo of config.contents.repositories) {
    for (const suite of repo.suites) {
      const m = repo.url ? { url: repo.url, via: 'config' } : chooseMirror(suite, ctx);
      specs.push({ url: m.url, via: m.via, suite, components: repo.components, keyringFiles: keyringFor(repo, config) });
    }
  }
  return specs;
}

function keyringFor(repo: RepositoryConfig, config: Config): string[] {
  return repo.keyring ?? config.contents.keyring;
}

async function keyringOf(files: string[], memo: Map<string, Promise<Keyring>>): Promise<Keyring> {
  const key = files.join('\0');
  let k = memo.get(key);
  if (!k) {
    k = (async () => {
      if (files.length === 0) return loadDefaultKeyring();
      const rings = await Promise.all(files.map((f) => loadKeyringFile(f)));
      return rings.length === 1 ? rings[0]! : mergeKeyrings(rings);
    })();
    memo.set(key, k);
  }
  return k;
}

function mergeKeyrings(rings: Keyring[]): Keyring {
  const keys = rings.flatMap((r) => r.keys);
  return { ...rings[0]!, keys, fingerprints: () => rings.flatMap((r) => r.fingerprints()) } as Keyring;
}

export async function loadSources(specs: SuiteSpec[], arch: string, opts: SourceOptions): Promise<LoadedSuite[]> {
  const memo = new Map<string, Promise<Keyring>>();
  return Promise.all(
    specs.map(async (s) =>
      loadSuite({ url: s.url, suite: s.suite, components: s.components, arch, keyring: await keyringOf(s.keyringFiles, memo) }, opts),
    ),
  );
}
