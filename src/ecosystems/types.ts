/**
 * The one small shape every application ecosystem (python, npm, go, maven)
 * shares, so the pipeline never learns their names:
 *
 *   plan(input)  → the artifacts to fetch (each pinned by a digest) and an
 *                  `install` that turns their verified bytes into image
 *                  entries plus the SBOM components they are (python, npm);
 *   scan(file)   → components found in a file the config added (go
 *                  binaries, JARs). Pure.
 *
 * Components carry what an SBOM needs: purl, version, declared licence,
 * artifact digests and the runtime package they depend on.
 */
import type { Config } from '../config/index.js';
import type { BlobCache, Http } from '../fetch/index.js';
import type { TreeEntry } from '../tree/types.js';

export type EcosystemId = 'pypi' | 'npm' | 'golang' | 'maven';

export interface AppComponent {
  ecosystem: EcosystemId;
  name: string;
  version: string;
  purl: string;
  /** SPDX expression, or "NOASSERTION". */
  license: string;
  /** Digest of the artifact installed (wheel, tarball), when there was one. */
  sha256?: string;
  /** SRI sha512 of an npm tarball (base64), when known. */
  sha512?: string;
  /** The artifact's file name (wheel, tarball, jar), or the binary's image path. */
  file?: string;
  /** Image path the component was installed at or found in (no leading '/'). */
  path?: string;
  /** Extra facts, e.g. ["pare:go:sum", "h1:…"]. */
  properties?: Array<[string, string]>;
  /** Name of the Debian package that runs it (python3, nodejs), when the image has it. */
  runtime?: string;
}

/** Facts about the image's runtime that select artifacts, from the resolved OS packages. */
export interface RuntimeFacts {
  /** dpkg architecture, e.g. amd64. */
  arch: string;
  /** Debian package name → version, for every resolved package. */
  packages: ReadonlyMap<string, string>;
}

/** One download, pinned by a digest. */
export interface AppArtifact {
  url: string;
  /** sha256 (hex) when the source pins one. */
  sha256?: string;
  /** SRI sha512 ("sha512-<base64>") when the source pins that instead. */
  integrity?: string;
  /** Bytes from the build context instead of a URL (pylock `path`). */
  local?: string;
  label: string;
}

export interface InstallResult {
  entries: TreeEntry[];
  components: AppComponent[];
  warnings: string[];
}

export interface AppPlan {
  ecosystem: EcosystemId;
  artifacts: AppArtifact[];
  /** Pure: the verified artifact bytes (in `artifacts` order) → image entries and components. */
  install(bodies: Uint8Array[]): InstallResult;
}

export interface PlanInput {
  config: Config;
  runtime: RuntimeFacts;
  http: Http;
  cache: BlobCache;
  offline?: boolean;
  env: NodeJS.ProcessEnv;
}

export interface Ecosystem {
  id: EcosystemId;
  /** Undefined when the config does not ask this ecosystem for anything. */
  plan?(input: PlanInput): Promise<AppPlan | undefined>;
  /** Components in one image file (path without '/', bytes). Pure. */
  scan?(path: string, data: Uint8Array): AppComponent[];
}

/** What a pare lock file records of one application artifact: no URL (hosts stay out of locks), its digests. */
export interface LockedArtifact {
  ecosystem: EcosystemId;
  file: string;
  sha256?: string;
  integrity?: string;
}

export function lockedArtifacts(plans: readonly AppPlan[]): LockedArtifact[] {
  return plans.flatMap((p) =>
    p.artifacts.map((a) => ({
      ecosystem: p.ecosystem,
      file: a.label,
      ...(a.sha256 ? { sha256: a.sha256 } : {}),
      ...(a.integrity ? { integrity: a.integrity } : {}),
    })),
  );
}
