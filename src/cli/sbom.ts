/**
 * `pare sbom IMAGE --format spdx|cyclonedx`: an SBOM made from the image
 * itself (status.d, copyright files, os-release, pare's contents record).
 * What `pare build` writes next to its output is pipeline/outputs.ts.
 */
import { OutputError, UsageError } from '../errors.js';
import { ANNOTATION } from '../oci/media.js';
import { LayoutPath } from '../oci/layout-path.js';
import { createdSeconds, layoutImageName, modelFromFiles, PARE_TOOL } from '../supply/sbom/from-files.js';
import { writeCyclonedx } from '../supply/sbom/cyclonedx.js';
import { writeSpdx } from '../supply/sbom/spdx.js';
import type { SbomModel } from '../supply/sbom/model.js';
import { writeOutputFile } from './common.js';
import { EXIT } from './io.js';
import { command } from './command.js';
import { readImageFiles } from '../oci/read-image.js';

const USAGE =
  'pare sbom IMAGE --format spdx|cyclonedx [-o FILE] [--name NAME] [--arch ARCH]   (IMAGE: DIR, DIR:TAG or a docker-archive file)';
const FORMATS: Record<string, 'spdx' | 'cyclonedx'> = {
  spdx: 'spdx',
  'spdx-json': 'spdx',
  cyclonedx: 'cyclonedx',
  'cyclonedx-json': 'cyclonedx',
  cdx: 'cyclonedx',
};

export const render = (format: 'spdx' | 'cyclonedx', m: SbomModel): Buffer =>
  format === 'spdx' ? writeSpdx(m) : writeCyclonedx(m);

/** The tag an OCI layout gives its image (ref.name of its one non-attachment entry), if any. */
async function layoutRefName(dir: string): Promise<string | undefined> {
  const entry = await new LayoutPath(dir).select().catch(() => undefined);
  return entry?.annotations?.[ANNOTATION.refName];
}

export const sbomCommand = command({
  name: 'sbom',
  summary:
    'Write an SPDX 2.3 or CycloneDX 1.6 SBOM of an image (OCI layout or docker-archive), read from the image itself',
  usage: USAGE,
  options: {
    format: { type: 'string', short: 'f', description: 'spdx (SPDX 2.3 JSON) or cyclonedx (CycloneDX 1.6 JSON)' },
    output: { type: 'string', short: 'o', description: 'Write to FILE (atomically) instead of stdout' },
    name: {
      type: 'string',
      description: 'Image name in the SBOM (default: DIRNAME:TAG for a layout, the RepoTag of a docker-archive)',
    },
    arch: { type: 'string', description: "Architecture in a multi-arch layout (default: this host's)" },
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1)
      throw new UsageError('USAGE', `expected one image, got ${positionals.length}`, { hint: USAGE });
    const format = FORMATS[String(values.format ?? '').toLowerCase()];
    if (!format)
      throw new UsageError(
        'USAGE',
        values.format === undefined ? '--format is required' : `unknown --format ${JSON.stringify(values.format)}`,
        { hint: 'use --format spdx or --format cyclonedx' },
      );
    const ref = positionals[0];
    const img = await readImageFiles(ref!, { arch: values.arch });
    if (!img.digest) {
      throw new OutputError('IMAGE_READ', `${img.source} does not record the image's manifest digest`, {
        hint: 'save it with Docker 25 or later, or copy it to an OCI layout (skopeo copy ... oci:DIR) and pass DIR',
      });
    }
    let name = values.name;
    if (name === undefined && img.source.startsWith('oci:')) {
      const dir = img.source.slice(4, img.name !== undefined ? img.source.length - img.name.length - 1 : undefined);
      name = layoutImageName(dir, img.name ?? (await layoutRefName(dir)));
    }
    const model = modelFromFiles({
      entries: img.entries,
      image: {
        name: name ?? img.name ?? 'image',
        digest: img.digest,
        arch: img.config.architecture,
        created: createdSeconds(img.config.created),
      },
      tool: PARE_TOOL,
    });
    const bytes = render(format, model);
    const out = values.output;
    if (out) {
      await writeOutputFile(out, bytes);
      io.stderr.write(`${format} SBOM of ${img.digest} (${model.packages.length} packages) → ${out}\n`);
    } else io.stdout.write(bytes.toString('utf8'));
    return EXIT.OK;
  },
});
