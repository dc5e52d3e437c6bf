/**
 * `pare sbom IMAGE --format spdx|cyclonedx`: an SBOM made from the image
 * itself (status.d, copyright files, os-release, pare's contents record), and
 * what `pare build` does with SBOMs: write DIR.spdx.json and DIR.cdx.json
 * next to its output (all or nothing), and with --sign-key sign the layout
 * and attach both SBOMs and SLSA provenance as attestations.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BuildResult } from '../pipeline/build.js';
import { OutputError, UsageError } from '../errors.js';
import { normalizeRepoTag } from '../oci/docker-archive.js';
import { sha256 } from '../oci/digest.js';
import { ANNOTATION } from '../oci/media.js';
import { LayoutPath } from '../oci/layout-path.js';
import { buildProvenance, buildSbomModel } from '../pipeline/sbom.js';
import { createdSeconds, modelFromFiles, PARE_TOOL } from '../supply/sbom/from-files.js';
import { writeCyclonedx } from '../supply/sbom/cyclonedx.js';
import { writeSpdx } from '../supply/sbom/spdx.js';
import type { SbomModel } from '../supply/sbom/model.js';
import type { Signer } from '../supply/sign/keys.js';
import { writeFilesAtomic } from '../util/atomic.js';
import { EXIT, type CliIO } from './io.js';
import type { Command } from './command.js';
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

/** Write every file or none: all go to temporary names first, then are renamed into place. */
export async function writeAllOrNothing(files: ReadonlyArray<{ file: string; bytes: Uint8Array }>): Promise<void> {
  try {
    await writeFilesAtomic(files);
  } catch (e) {
    throw new OutputError(
      'OUTPUT_WRITE',
      `cannot write ${files.map((t) => t.file).join(', ')}: ${(e as Error).message}`,
      { cause: e, hint: 'check that the output directory is writable' },
    );
  }
}

/** The tag an OCI layout gives its image (ref.name of its one non-attachment entry), if any. */
async function layoutRefName(dir: string): Promise<string | undefined> {
  const entry = await new LayoutPath(dir).select().catch(() => undefined);
  return entry?.annotations?.[ANNOTATION.refName];
}

/** The name an SBOM gives a layout's image: "DIRNAME:TAG" (what `pare build -o DIR` records, too). */
export function layoutImageName(dir: string, tag: string | undefined): string {
  const base = path.basename(path.resolve(dir));
  return tag === undefined ? base : `${base}:${tag}`;
}

export const sbomCommand: Command = {
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
    const format = FORMATS[String((values.format as string | undefined) ?? '').toLowerCase()];
    if (!format)
      throw new UsageError(
        'USAGE',
        values.format === undefined ? '--format is required' : `unknown --format ${JSON.stringify(values.format)}`,
        { hint: 'use --format spdx or --format cyclonedx' },
      );
    const ref = positionals[0];
    const img = await readImageFiles(ref!, { arch: values.arch as string | undefined });
    if (!img.digest) {
      throw new OutputError('IMAGE_READ', `${img.source} does not record the image's manifest digest`, {
        hint: 'save it with Docker 25 or later, or copy it to an OCI layout (skopeo copy ... oci:DIR) and pass DIR',
      });
    }
    let name = values.name as string | undefined;
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
    if (values.output) {
      await writeAllOrNothing([{ file: values.output as string, bytes }]);
      io.stderr.write(
        `${format} SBOM of ${img.digest} (${model.packages.length} packages) → ${values.output as string}\n`,
      );
    } else io.stdout.write(bytes.toString('utf8'));
    return EXIT.OK;
  },
};

// ---- pare build ----

export const buildSbomOptions = {
  'no-sbom': { type: 'boolean', description: 'Do not write DIR.spdx.json and DIR.cdx.json next to the output' },
  'sign-key': {
    type: 'string',
    description:
      'Sign the layout and attach SPDX, CycloneDX and SLSA provenance attestations (cosign key; password from $PARE_PASSWORD or $COSIGN_PASSWORD)',
  },
} as const;

/** The signer for --sign-key, loaded before the build so a wrong key or password fails before anything is written. */
export async function signerFor(
  values: Record<string, unknown>,
  io: CliIO,
  outDir: string | undefined,
): Promise<Signer | undefined> {
  const file = values['sign-key'] as string | undefined;
  if (file === undefined) return undefined;
  if (!outDir)
    throw new UsageError('USAGE', '--sign-key attaches attestations to an OCI layout, but no -o DIR is written', {
      hint: 'pare build CONFIG -o DIR --sign-key cosign.key',
    });
  const { readKeyFile } = await import('./sign.js');
  const { loadSigner, passwordFromEnv } = await import('../supply/sign/keys.js');
  const key = await readKeyFile({ key: file }, 'pare build CONFIG -o DIR --sign-key cosign.key');
  return loadSigner(key.text, passwordFromEnv(io.env), key.file);
}

export interface BuildSupplyOptions {
  outDir?: string;
  tarball?: string;
  /** The layout's tag and, for a docker-archive, its "name:tag". */
  tag: string;
  repoTag: string;
  sbom: boolean;
  signer?: Signer;
  lockFile?: string;
}

/** After the outputs are written: SBOM files next to them, then signature and attestations in the layout. */
export async function buildSupplyChain(result: BuildResult, opts: BuildSupplyOptions, io: CliIO): Promise<void> {
  if (!opts.sbom && !opts.signer) return;
  const base = opts.outDir ?? opts.tarball!;
  const name = opts.outDir ? layoutImageName(opts.outDir, opts.tag) : normalizeRepoTag(opts.repoTag);
  const multi = result.images.length > 1;
  const made = await Promise.all(
    result.images.map(async (img) => {
      const model = await buildSbomModel(img, { name });
      return { img, model, spdx: writeSpdx(model), cyclonedx: writeCyclonedx(model) };
    }),
  );
  if (opts.sbom) {
    const files = made.flatMap((m) => {
      const stem = `${path.resolve(base)}${multi ? `.${m.img.arch}` : ''}`;
      return [
        { file: `${stem}.spdx.json`, bytes: m.spdx },
        { file: `${stem}.cdx.json`, bytes: m.cyclonedx },
      ];
    });
    await writeAllOrNothing(files);
    io.stderr.write(`SBOMs: ${files.map((f) => path.relative(process.cwd(), f.file) || f.file).join(', ')}\n`);
  }
  if (opts.signer && opts.outDir) {
    const lockDigest = opts.lockFile ? sha256(await readFile(opts.lockFile)) : undefined;
    const { signAndAttest } = await import('../supply/sbom/attach.js');
    const r = await signAndAttest(
      { dir: opts.outDir },
      made.map((m) => ({
        digest: m.img.image.digest,
        name,
        spdx: m.spdx,
        cyclonedx: m.cyclonedx,
        provenance: buildProvenance(result.config, m.img, { os: m.model.os, ...(lockDigest ? { lockDigest } : {}) }),
      })),
      opts.signer,
    );
    io.stderr.write(
      `signed ${r.digest} (${r.signatureTag}); attested ${r.attached.length} statements (${r.attestationTag})\n`,
    );
  }
}
