/**
 * Gather a report: open the image (an OCI layout, a docker-archive or a
 * registry reference, as `pare diff` opens them: every layer checked against
 * its digest and diff_id), read its supply chain where it has one (a local
 * OCI layout), build the pure report, and with `compare` do the same for a
 * second image plus `pare diff`'s comparison. Returns the JSON document the
 * HTML page draws; writes nothing.
 */
import { diffImages } from '../pipeline/image-diff.js';
import { openImage, type OpenedImage, type OpenImageOptions } from '../pipeline/open-image.js';
import { PARE_TOOL } from '../supply/sbom/index.js';
import { comparisonReport } from './compare.js';
import { imageReport } from './image.js';
import { REPORT_VERSION, type ImageReport, type ReportDocument } from './model.js';
import { layoutSupply, noAttachments } from './supply.js';

export interface ReportOptions extends OpenImageOptions {
  /** A second image to compare with. */
  compare?: string;
  /** A public key (PEM) to verify signatures and attestations with. */
  publicKeyPem?: string;
}

async function reportOf(img: OpenedImage, publicKeyPem: string | undefined): Promise<ImageReport> {
  const supply = img.layout
    ? await layoutSupply(img.layout, publicKeyPem)
    : noAttachments(
        img.pulled
          ? 'a registry image: its signatures and attestations are not pulled; report on an OCI layout (pare push, crane pull, cosign save) to see them'
          : 'a docker-archive carries no signatures or attestations',
      );
  return imageReport({
    source: img.source,
    ...(img.digest ? { digest: img.digest } : {}),
    configDigest: img.files.configDigest,
    entries: img.entries,
    config: img.config,
    layers: img.files.blobs,
    layerContents: img.files.layerContents,
    supply,
  });
}

export async function reportDocument(ref: string, opts: ReportOptions): Promise<ReportDocument> {
  const a = await openImage(ref, opts);
  const image = await reportOf(a, opts.publicKeyPem);
  if (opts.compare === undefined) return { version: REPORT_VERSION, tool: { ...PARE_TOOL }, image };
  const b = await openImage(opts.compare, opts);
  const other = await reportOf(b, opts.publicKeyPem);
  return {
    version: REPORT_VERSION,
    tool: { ...PARE_TOOL },
    image,
    compare: comparisonReport(diffImages(a, b), other),
  };
}
