/**
 * The types the pipeline's stages share: the options of a build, what the
 * resolve stage hands on, and one architecture's finished image. Types only,
 * so every stage can import them without an import cycle.
 */
import type { Limits } from '../config/limits.js';
import type { BaseFilesReport } from '../distroless/base.js';
import type { Progress } from '../fetch/index.js';
import type { Image } from '../oci/index.js';
import type { Lockfile } from '../resolve/lock.js';
import type { Plan } from '../resolve/solver.js';
import type { Universe } from '../resolve/universe.js';
import type { OpenedSuite } from '../sources/debian/repository.js';
import type { SliceResult } from '../tree/slice.js';
import type { Applications } from './applications.js';
import type { Assembled } from './assemble.js';
import type { SourceOptions, SuiteSpec } from './sources.js';
import type { BaseImage } from './base.js';
import type { MinimizeReport } from './minimize.js';
import type { RegistryOptions } from '../oci/registry/index.js';
import type { SbomModel } from '../supply/sbom/model.js';

export interface BuildOptions extends SourceOptions {
  /** Install exactly the packages of this lock file instead of resolving. */
  lock?: { lock: Lockfile; file: string };
  progress?: Progress;
  /** Fixed image time (seconds); default $SOURCE_DATE_EPOCH, else the newest package file. */
  sourceDateEpoch?: number;
  /** Add the busybox debug layer (default: the config's `debug`). */
  debug?: boolean;
  /** Limits on expanded sizes and file count; override the config's `limits`. */
  limits?: Partial<Limits>;
  /**
   * Versions to keep where they still fit, per architecture (name → version):
   * `pare lock --update PKG` keeps every other locked package.
   */
  keep?: Record<string, Record<string, string>>;
  /** How to reach a registry `base:` (plain http, credentials). */
  registry?: RegistryOptions;
}

export interface Resolved {
  arch: string;
  /** The image the build goes on top of (config `base:`). */
  base?: BaseImage;
  specs: SuiteSpec[];
  suites: OpenedSuite[];
  plan: Plan;
  /** The suites' packages, when this run read them (a memoized plan does not); the debug layer reuses it. */
  universe?: Universe;
}

export interface ArchImage extends Resolved {
  assembled: Assembled;
  /** Generated base files (CA bundle, os-release, nsswitch.conf, status.d). */
  generated: BaseFilesReport;
  /** What slicing removed. */
  sliced: SliceResult;
  /** What minimization removed (config `minimize:`), per package. */
  minimized?: MinimizeReport;
  /** Application dependencies (python, node), in their own layer after the OS layer. */
  applications?: Applications;
  image: Image;
  created: number;
  /** Made again from the whole-image memo (image-memo.ts): the tree holds metadata only, the layers hold the files. */
  memoized?: boolean;
  /** The SBOM model of the image (its name left empty), when the build made it already. */
  sbom?: SbomModel;
}
