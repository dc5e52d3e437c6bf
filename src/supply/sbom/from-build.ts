/**
 * SBOM and provenance inputs from a build result. The SBOM is made from the
 * image's own files (from-files.ts), exactly as `pare sbom` reads it back:
 * the assembled tree is the image's first layer, so only extra layers (the
 * debug layer) are read back from their blobs. Provenance comes from the
 * plan: every .deb with its URL and sha256.
 */
import type { ArchImage } from '../../pipeline/build.js';
import type { Config } from '../../config/index.js';
import type { Image } from '../../oci/manifest.js';
import { overlayLayers } from '../../tree/overlay.js';
import { readTar, type RawTarEntry } from '../../tree/tar-read.js';
import type { TreeEntry } from '../../tree/types.js';
import { decompress } from '../../util/decompress.js';
import { VERSION } from '../../version.js';
import { slsaProvenance } from '../attest/slsa.js';
import { modelFromFiles } from './from-files.js';
import { debPurl, type SbomModel } from './model.js';

export const PARE_TOOL = { name: 'pare', version: VERSION } as const;

async function layerEntries(image: Image, i: number): Promise<RawTarEntry[]> {
  const l = image.layers[i];
  const chunks: Buffer[] = [];
  for await (const c of await l!.open()) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  const bytes = Buffer.concat(chunks);
  const kind = bytes[0] === 0x1f && bytes[1] === 0x8b ? 'gz' : bytes[0] === 0x28 && bytes[1] === 0xb5 ? 'zst' : 'none';
  return readTar(await decompress(bytes, kind, `layer ${l!.digest}`), `layer ${l!.digest}`);
}

/** The merged root filesystem of a built image. */
export async function builtEntries(img: ArchImage): Promise<readonly TreeEntry[]> {
  const tree = img.assembled.tree.entries();
  if (img.image.layers.length === 1) return tree;
  const layers: RawTarEntry[][] = [];
  for (let i = 0; i < img.image.layers.length; i++) layers.push(await layerEntries(img.image, i));
  return overlayLayers(layers);
}

/** The image's time in seconds, from the config's RFC 3339 `created`. */
export function createdSeconds(created: string | undefined): number {
  const ms = created ? Date.parse(created) : NaN;
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
}

export async function buildSbomModel(img: ArchImage, opts: { name: string }): Promise<SbomModel> {
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
