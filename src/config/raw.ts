/**
 * The shape of a pare.yaml document (as plain JavaScript values) once it has
 * passed validation against configSpec: what parse.ts and content.ts may rely
 * on when they normalize it into a Config. Scalars the schema lets through in
 * several forms (strings, numbers, booleans) are Scalar and converted with String().
 */
export type Scalar = string | number | boolean;

export interface RawRepository {
  /** `apk` for an APK repository (url only); Debian otherwise (suites required, checked in repository-kinds.ts). */
  type?: 'debian' | 'apk';
  url?: string;
  suites?: Scalar[];
  components?: Scalar[];
  keyring?: string[];
  snapshot?: string;
}

export interface RawUser {
  username: Scalar;
  uid: number;
  gid?: number;
  homedir?: string;
  shell?: string;
}

export interface RawGroup {
  groupname: Scalar;
  gid: number;
  members?: Scalar[];
}

export interface RawPath {
  path: Scalar;
  type: string;
  source?: Scalar;
  target?: Scalar;
  uid?: number;
  gid?: number;
  permissions?: Scalar;
  recursive?: Scalar;
}

export interface RawSliceRules {
  include?: Scalar[];
  exclude?: Scalar[];
}

export interface RawPython {
  requirements?: Scalar;
  lock?: Scalar;
  'index-url'?: string;
  target?: string;
}

export interface RawNode {
  lockfile: Scalar;
  path?: Scalar;
  registry?: string;
  'allow-install-scripts'?: boolean | string[];
}

export interface RawMaven {
  repository?: string;
  path?: Scalar;
  artifacts: Array<{ coordinates: Scalar; sha256: Scalar }>;
}

export interface RawConfig {
  contents: {
    repositories: Array<string | RawRepository>;
    keyring?: string[];
    packages: Scalar[];
    exclude?: Scalar[];
    snapshot?: string;
  };
  entrypoint?: { command?: Scalar | Scalar[]; args?: Scalar[] };
  cmd?: Scalar | Scalar[];
  'work-dir'?: Scalar;
  environment?: Record<string, Scalar>;
  accounts?: { users?: RawUser[]; groups?: RawGroup[]; 'run-as'?: Scalar };
  annotations?: Record<string, Scalar>;
  archs?: Scalar[];
  paths?: RawPath[];
  slicing?: RawSliceRules & { enabled?: Scalar; packages?: Record<string, RawSliceRules> };
  minimize?: { keep?: Scalar[]; elf?: Scalar };
  debug?: Scalar;
  limits?: Record<string, Scalar>;
  python?: RawPython;
  node?: RawNode;
  maven?: RawMaven;
  base?: Scalar;
  layering?: { strategy?: 'none' | 'origin'; budget?: number };
}
