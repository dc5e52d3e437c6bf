/**
 * SBOM and provenance inputs from a build result. The SBOM is made from the
 * image's own files (from-files.ts), exactly as `pare sbom` reads it back:
 * the assembled tree is the image's first layer, so only extra layers (the
 * debug layer) are read back from their blobs. Provenance comes from the
 * plan: every .deb with its URL and sha256.
 */
import type { ArchImage } from './types.js';
import type { Config } from '../config/index.js';
import type { Image } from '../oci/manifest.js';
import { overlayLayers } from '../tree/overlay.js';
import { readTar, type RawTarEntry } from '../tree/tar-read.js';
import type { TreeEntry } from '../tree/types.js';
import { decompress, sniffCompression } from '../util/decompress.js';
import { VERSION } from '../version.js';
import { slsaProvenance } from '../supply/attest/slsa.js';
import { createdSeconds, modelFromFiles, PARE_TOOL } from '../supply/sbom/from-files.js';
import { debPurl, type SbomModel } from '../supply/sbom/model.js';

async function layerEntries(image: Image, i: number): Promise<RawTarEntry[]> {
  const l = image.layers[i];
  const chunks: Buffer[] = [];
  for await (const c of await l!.open()) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  const bytes = Buffer.concat(chunks);
  return readTar(await decompress(bytes, sniffCompression(bytes), `layer ${l!.digest}`), `layer ${l!.digest}`);
}

/** The merged root filesystem of a built image. */
export async function builtEntries(img: ArchImage): Promise<readonly TreeEntry[]> {
  // A memoized image's tree has no file bodies: its files are read from its layers.
  if (img.image.layers.length === 1 && img.memoized !== true) return img.assembled.tree.entries();
  const layers: RawTarEntry[][] = [];
  for (let i = 0; i < img.image.layers.length; i++) layers.push(await layerEntries(img.image, i));
  return overlayLayers(layers);
}

export async function buildSbomModel(img: ArchImage, opts: { name: string }): Promise<SbomModel> {
  if (img.sbom) return { ...img.sbom, image: { ...img.sbom.image, name: opts.name } };
  return modelFromFiles({
    entries: await builtEntries(img),
    image: {
      name: opts.name,
      digest: img.image.digest,
      arch: img.image.config.architecture,
      created: createdSeconds(img.image.config.created),
    },
    tool: PARE_TOOL,
  });
}

/** SLSA provenance v1 for one built image: config (and lock) digests, every .deb with its URL and sha256. */
export function buildProvenance(
  config: Config,
  img: ArchImage,
  opts: { lockDigest?: string; builderId?: string; os: SbomModel['os'] },
) {
  return slsaProvenance({
    builderId: opts.builderId ?? `urn:pare:builder:${VERSION}`,
    configDigest: config.digest,
    configPath: config.file.replace(/^.*\//, ''),
    ...(opts.lockDigest !== undefined ? { lockDigest: opts.lockDigest } : {}),
    dependencies: img.plan.packages.map(({ record: r }) => ({
      uri: r.origin ? `${r.origin.url.replace(/\/+$/, '')}/${r.filename}` : r.filename,
      sha256: r.sha256,
      name: debPurl(r.name, r.version, r.architecture, opts.os),
    })),
  });
}
