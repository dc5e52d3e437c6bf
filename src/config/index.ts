export { loadConfig } from './load.js';
export { parseConfig } from './parse.js';
export { configSpec, ARCHS } from './schema.js';
export { DEFAULT_LIMITS, parseSize, describeSize, type Limits } from './limits.js';
export { toJsonSchema } from './spec.js';
export type {
  Config,
  RepositoryConfig,
  UserConfig,
  GroupConfig,
  PathConfig,
  PathType,
  SlicingConfig,
  SliceRuleConfig,
  MinimizeConfig,
  LayeringConfig,
  PythonConfig,
  NodeConfig,
  MavenConfig,
  MavenArtifact,
} from './types.js';
export { DEFAULT_LAYER_BUDGET, LAYERING_STRATEGIES } from './types.js';
