import type { Position } from '../errors.js';
import type { Limits } from './limits.js';

export interface MavenArtifact {
  group: string;
  artifact: string;
  version: string;
  classifier?: string;
  /** sha256 (hex) of the JAR. */
  sha256: string;
}

export interface MavenConfig {
  repository?: string;
  /** Absolute image directory for the JARs (default /app/lib). */
  path: string;
  artifacts: MavenArtifact[];
  pos?: Position;
}

export interface PythonConfig {
  /** Absolute host path of requirements.txt (hash-checking mode). */
  requirements?: string;
  /** Absolute host path of pylock.toml (PEP 751). */
  lock?: string;
  indexUrl?: string;
  /** Absolute image directory for packages; default /usr/local/lib/python3.X/dist-packages. */
  target?: string;
  pos?: Position;
}

export interface NodeConfig {
  /** Absolute host path of package-lock.json. */
  lockfile: string;
  /** Absolute image directory that gets node_modules/ (default /app). */
  path: string;
  registry?: string;
  /** Packages whose install scripts may be skipped with a warning (true: all). */
  allowInstallScripts: boolean | string[];
  pos?: Position;
}

export interface RepositoryConfig {
  /** 'apk' for an Alpine or Wolfi repository; default Debian. */
  type?: 'debian' | 'apk';
  /** Base URL; undefined means "discover the Debian mirror". */
  url?: string;
  suites: string[];
  components: string[];
  /** Keyring files (absolute paths; URLs for apk) for this repository; default: Config.contents.keyring. */
  keyring?: string[];
  /** Read this repository from the snapshot archive as of this timestamp (YYYYMMDDTHHMMSSZ). */
  snapshot?: string;
  pos?: Position;
}

export interface UserConfig {
  username: string;
  uid: number;
  gid: number;
  homedir: string;
  shell: string;
}

export interface GroupConfig {
  groupname: string;
  gid: number;
  members: string[];
}

/** apko's `paths`: content the config adds to the image or changes in it. */
export type PathType = 'directory' | 'empty-file' | 'file' | 'symlink' | 'hardlink' | 'permissions';

export interface PathConfig {
  /** Absolute image path. */
  path: string;
  type: PathType;
  /** For 'file': the host path (absolute, inside the config's directory) to copy; a directory is copied with its contents. */
  source?: string;
  /** For 'symlink': the link target; for 'hardlink': the image path it links to. */
  target?: string;
  uid?: number;
  gid?: number;
  /** Permission bits (0o7777); default 0755 for directories, 0644 for files (0755 when the source is executable). */
  permissions?: number;
  /** For 'permissions' and 'directory': apply owner and mode to everything below too. */
  recursive: boolean;
  pos?: Position;
}

export interface SliceRuleConfig {
  include: string[];
  exclude: string[];
}

export interface SlicingConfig extends SliceRuleConfig {
  /** The built-in rules (docs, man pages, locales, ...); the config's own rules apply either way. */
  enabled: boolean;
  packages: Record<string, SliceRuleConfig>;
}

export interface MinimizeConfig {
  /** Trace files (absolute paths; `pare trace` output): the image paths they list are kept. */
  traces: string[];
  /** Globs over image paths to keep (entries of `keep:` that start with '/'). */
  globs: string[];
  /** Close the kept set over ELF dependencies (PT_INTERP, DT_NEEDED, RPATH/RUNPATH) as ld.so resolves them. */
  elf: boolean;
  pos?: Position;
}

export const LAYERING_STRATEGIES = ['none', 'origin'] as const;
export const DEFAULT_LAYER_BUDGET = 32;

export interface LayeringConfig {
  /** none: every package in one layer; origin: one layer per source package, within the budget. */
  strategy: (typeof LAYERING_STRATEGIES)[number];
  /** The most layers packages and generated files take (origin only). */
  budget: number;
}

export interface Config {
  /** Path of the config file, as given. */
  file: string;
  /** Directory relative paths in the config resolve against. */
  dir: string;
  /** sha256 of the config file's bytes (hex). */
  digest: string;
  contents: {
    repositories: RepositoryConfig[];
    /** Keyring files (absolute); empty means the Debian archive keyring shipped with pare. */
    keyring: string[];
    packages: string[];
    exclude: string[];
  };
  entrypoint?: string[];
  cmd?: string[];
  workDir?: string;
  environment: Record<string, string>;
  accounts: { users: UserConfig[]; groups: GroupConfig[]; runAs?: string };
  annotations: Record<string, string>;
  archs: string[];
  /** Application content (apko `paths`), in order. */
  paths?: PathConfig[];
  slicing?: SlicingConfig;
  /** Keep only the package files the application uses; absent: no minimization. */
  minimize?: MinimizeConfig;
  /** Add the busybox debug layer (like distroless :debug). */
  debug?: boolean;
  /** The image to build on, with paths made absolute: oci:DIR[:TAG], docker-archive:FILE or a registry reference. */
  base?: string;
  /** How packages are split into layers; default { strategy: 'none' }. */
  layering: LayeringConfig;
  /** Application dependencies (src/ecosystems). */
  python?: PythonConfig;
  node?: NodeConfig;
  maven?: MavenConfig;
  /** Limits set in the config (bytes, file count); unset ones take the defaults. */
  limits?: Partial<Limits>;
}
