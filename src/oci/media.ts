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
} as const;

/** The content of the `oci-layout` file of an OCI image layout. */
export const OCI_LAYOUT_VERSION = '1.0.0';

export function isManifestType(mediaType: string): boolean {
  return mediaType === MEDIA.manifest || mediaType === MEDIA.dockerManifest;
}

export function isIndexType(mediaType: string): boolean {
  return mediaType === MEDIA.index || mediaType === MEDIA.dockerManifestList;
}
