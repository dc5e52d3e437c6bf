/** OCI media types and annotation keys used by pare. Pure constants. */
export const MEDIA = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  index: 'application/vnd.oci.image.index.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  layerTar: 'application/vnd.oci.image.layer.v1.tar',
  layerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

export const ANNOTATION = {
  refName: 'org.opencontainers.image.ref.name',
  created: 'org.opencontainers.image.created',
  baseName: 'org.opencontainers.image.base.name',
  baseDigest: 'org.opencontainers.image.base.digest',
  /** On pare's index.json entry of a referrer: the digest of the image it refers to. */
  referrerSubject: 'dev.pare.referrer.subject',
  /** cosign's annotation on index.json entries: what the entry is (COSIGN_KIND). */
  cosignKind: 'kind',
} as const;

/** The content of the `oci-layout` file of an OCI image layout. */
export const OCI_LAYOUT_VERSION = '1.0.0';

export function isManifestType(mediaType: string): boolean {
  return mediaType === MEDIA.manifest || mediaType === MEDIA.dockerManifest;
}

export function isIndexType(mediaType: string): boolean {
  return mediaType === MEDIA.index || mediaType === MEDIA.dockerManifestList;
}

/** Values of cosign's `kind` annotation on the index.json entries of `cosign save` layouts. */
export const COSIGN_KIND = {
  image: 'dev.cosignproject.cosign/image',
  imageIndex: 'dev.cosignproject.cosign/imageIndex',
  sigs: 'dev.cosignproject.cosign/sigs',
  atts: 'dev.cosignproject.cosign/atts',
} as const;

/** cosign's tags for what is attached to an image: sha256-<hex>.sig / .att / .sbom. */
export const COSIGN_TAG = /^sha256-[0-9a-f]{64}\.(sig|att|sbom)$/;

/**
 * An index.json entry that is attached to an image rather than an image to
 * pick: an OCI 1.1 artifact (an artifactType other than the image config's;
 * crane writes the config type on plain images), pare's referrer entries,
 * cosign's sha256-<hex>.sig/.att/.sbom tags, or the signatures and
 * attestations of a `cosign save` layout (its `kind` annotation).
 */
export function isAttachmentEntry(d: {
  mediaType?: string;
  artifactType?: string;
  annotations?: Record<string, string>;
}): boolean {
  const a = d.annotations ?? {};
  const kind = a[ANNOTATION.cosignKind];
  return (
    (d.artifactType !== undefined && d.artifactType !== MEDIA.config && d.artifactType !== MEDIA.dockerConfig) ||
    a[ANNOTATION.referrerSubject] !== undefined ||
    kind === COSIGN_KIND.sigs ||
    kind === COSIGN_KIND.atts ||
    COSIGN_TAG.test(a[ANNOTATION.refName] ?? '')
  );
}
