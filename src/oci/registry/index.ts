/**
 * The registry sink's public API. The free functions take a reference and an
 * options object; pass `client` to share tokens and known blob locations
 * (for cross-repository mounts) between calls.
 */
import type { ImageIndex } from '../image-index.js';
import type { Blob, Image } from '../manifest.js';
import { RegistryClient, type BlobResult, type PushResult, type RegistryOptions } from './client.js';
import type { RemoteManifest } from './manifests.js';
import type { Reference } from './ref.js';
import type { Referrers } from './referrers.js';

export type CallOptions = RegistryOptions & { client?: RegistryClient };

const client = (opts: CallOptions): RegistryClient => opts.client ?? new RegistryClient(opts);

/** Push an image or index and everything it references; returns the root digest and `REF@digest`. */
export function pushImage(
  ref: string | Reference,
  image: Image | ImageIndex,
  opts: CallOptions = {},
): Promise<PushResult> {
  return client(opts).pushImage(ref, image);
}

export function pushBlob(ref: string | Reference, blob: Blob, opts: CallOptions = {}): Promise<BlobResult> {
  return client(opts).pushBlob(ref, blob);
}

export function pushManifest(
  ref: string | Reference,
  manifest: { bytes: Buffer; mediaType: string },
  opts: CallOptions = {},
): Promise<string> {
  return client(opts).pushManifest(ref, manifest);
}

export function getManifest(ref: string | Reference, opts: CallOptions = {}): Promise<RemoteManifest> {
  return client(opts).getManifest(ref);
}

export function headBlob(
  ref: string | Reference,
  digest: string,
  opts: CallOptions = {},
): Promise<{ digest: string; size: number } | undefined> {
  return client(opts).headBlob(ref, digest);
}

export function referrers(
  ref: string | Reference,
  digest: string,
  opts: CallOptions & { artifactType?: string } = {},
): Promise<Referrers> {
  return client(opts).referrers(ref, digest, opts.artifactType);
}

export { RegistryClient, type BlobResult, type PushResult, type RegistryOptions } from './client.js';
export { parseReference, formatReference, repoName, manifestReference, type Reference } from './ref.js';
export { parseChallenges, type Challenge } from './challenge.js';
export { findCredentials, dockerConfigPath, type Credentials, type CredentialOptions } from './credentials.js';
export { fallbackTag, type Referrer, type Referrers } from './referrers.js';
export { MANIFEST_ACCEPT, type RemoteManifest } from './manifests.js';
export { DEFAULT_CHUNK_SIZE, type UploadOptions } from './upload.js';
export { DEFAULT_RETRY, type RetryOptions } from './retry.js';
export type { TransportOptions } from './transport.js';
export { pushLayout, type LayoutPushResult } from './push-layout.js';
export { pullImage, type PulledImage } from './pull.js';
