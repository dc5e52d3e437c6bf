/**
 * pare as a library: the pipeline stage by stage, plus the sinks and the
 * supply-chain tools. The CLI (src/cli/) is a thin layer over these.
 *
 *   const config = await loadConfig('pare.yaml');
 *   const result = await build(config, { cache: new BlobCache(defaultCacheDir()) });
 *   // what `pare build -o out --sign-key cosign.key` writes: layout, SBOM files, signature, attestations
 *   const written = await writeOutputs(result, {
 *     layout: 'out',
 *     signer: await signerFromKeyFile('cosign.key', process.env),
 *   });
 */
export {
  PareError,
  ConfigError,
  SourceError,
  VerifyError,
  ResolveError,
  FetchError,
  ArchiveError,
  TreeError,
  OutputError,
  RegistryError,
  SupplyError,
  CheckError,
  UsageError,
  CODES,
  exitStatusOf,
  isPareError,
  hasCode,
  type CodeOf,
  type ErrorClassName,
  type ErrorCode,
  type Position,
} from './errors.js';
export { VERSION } from './version.js';

// config
export { loadConfig, parseConfig, configSpec, toJsonSchema, type Config } from './config/index.js';

// pipeline
export {
  build,
  buildArch,
  resolveArch,
  type BuildOptions,
  type BuildResult,
  type ArchImage,
  type Resolved,
} from './pipeline/build.js';
export {
  writeOutputs,
  checkOutputs,
  type OutputOptions,
  type OutputPlan,
  type WrittenOutputs,
} from './pipeline/outputs.js';
export { lockConfig, resolveLocked } from './pipeline/locked.js';
export { updateLock } from './pipeline/update.js';
export { outdated, type OutdatedReport, type OutdatedPackage } from './pipeline/outdated.js';
export { diffImages, type ImageDiff } from './pipeline/image-diff.js';
export { openImage } from './pipeline/open-image.js';
export { diffLocks, formatLockDiff, type LockDiff } from './resolve/lock-diff.js';
export { makeLockfile, parseLockfile, serializeLockfile, checkLockMatches, type Lockfile } from './resolve/lock.js';
export { defaultLockPath, readLockfile, writeLockfile } from './resolve/lock-file.js';
export { resolve, type Plan } from './resolve/solver.js';
export { Universe } from './resolve/universe.js';
export { formatPlan } from './resolve/explain.js';

// Debian sources
export { compareVersions, parseVersion } from './sources/debian/version.js';
export { parseRelations, satisfies } from './sources/debian/relations.js';
export { parsePackagesIndex, type PackageRecord } from './sources/debian/packages-index.js';
export { readDeb } from './sources/debian/deb.js';
export { parseChangelog, changesSince, type ChangelogEntry } from './sources/debian/changelog.js';
export { loadDefaultKeyring, loadKeyringFile } from './sources/debian/keyring-data.js';
export { parseKeyring, verifyCleartext, verifyDetached, type Keyring } from './sources/debian/openpgp/index.js';

// fetch, tree, image
export {
  BlobCache,
  defaultCacheDir,
  fetchBlob,
  fetchBlobs,
  nodeHttp,
  ttyProgress,
  silentProgress,
  type Http,
  type Progress,
} from './fetch/index.js';
export { FileTree, type TreeEntry } from './tree/index.js';
export {
  buildLayer,
  makeImage,
  makeIndex,
  writeLayout,
  readLayout,
  writeDockerArchive,
  type Image,
  type ImageIndex,
  type Layer,
} from './oci/index.js';
export { LayoutPath, type IndexEntry, type LayoutIndex } from './oci/layout-path.js';
export { pushImage, pushLayout, parseReference, RegistryClient } from './oci/registry/index.js';

// distroless checks and supply chain
export { checkImage } from './distroless/check.js';
export { writeSpdx, writeCyclonedx, modelFromFiles } from './supply/sbom/index.js';
export { buildSbomModel, buildProvenance } from './pipeline/sbom.js';
export { generateKeyPair, loadSigner, signImage, verifyImage, type Signer } from './supply/sign/index.js';
export { signerFromKeyFile } from './supply/sign/key-file.js';
export { attest, verifyAttestations, signEnvelope, verifyEnvelope } from './supply/attest/index.js';
