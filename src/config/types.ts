import type { Position } from '../errors.js';

export interface RepositoryConfig {
  /** Base URL; undefined means "discover the Debian mirror". */
  url?: string;
  suites: string[];
  components: string[];
  /** Keyring files (absolute paths) for this repository; default: Config.contents.keyring. */
  keyring?: string[];
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
}
