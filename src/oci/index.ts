/** The oci/ folder's public API, re-exported by name. */
export { MEDIA, ANNOTATION, OCI_LAYOUT_VERSION, isIndexType, isManifestType } from './media.js';
export { sha256, digestHex, VerifyingStream } from './digest.js';
export { gzipDeterministic, gzipStream, gzipHeader, crc32, type GzipOptions } from './gzip.js';
export { encodeTar, encodeEntry, encodeHeader, TAR_END, type TarHeaderInput } from './tar.js';
export {
  buildLayer,
  layerTar,
  layerTarStream,
  layerInputDigest,
  tapped,
  layerFromBytes,
  normalizeEntries,
  comparePaths,
  type Layer,
  type BuiltLayer,
  type BuildLayerOptions,
} from './layer.js';
export {
  makeConfig,
  platformFor,
  rfc3339,
  configPlatform,
  DEFAULT_PATH,
  type ImageConfig,
  type ImageConfigOptions,
  type Platform,
  type LayerHistory,
} from './config.js';
export {
  makeImage,
  imageBlobs,
  imageDescriptor,
  type Image,
  type MakeImageOptions,
  type Descriptor,
  type OciManifest,
  type Blob,
} from './manifest.js';
export { makeIndex, isImageIndex, allBlobs, rootDescriptor, type ImageIndex, type OciIndex } from './image-index.js';
export { writeLayout, readLayout, type WriteLayoutOptions } from './layout.js';
export { writeDockerArchive, type DockerArchiveOptions } from './docker-archive.js';
