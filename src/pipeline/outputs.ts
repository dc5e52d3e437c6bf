/**
 * The last pipeline step, what `pare build` writes, as a library function:
 * the OCI layout and/or docker-archive, the SBOM files next to them
 * (OUT.spdx.json and OUT.cdx.json; OUT.ARCH.* for a multi-arch build; all
 * or nothing), and with a signer the layout's signature plus SPDX,
 * CycloneDX and SLSA provenance attestations. It returns what it wrote; the
 * caller prints. checkOutputs refuses impossible combinations before a
 * build starts, so nothing is built (or written) in vain.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/index.js';
import { OutputError, UsageError } from '../errors.js';
import { normalizeRepoTag, writeDockerArchive } from '../oci/docker-archive.js';
import { sha256 } from '../oci/digest.js';
import { writeLayout } from '../oci/layout.js';
import { writeCyclonedx } from '../supply/sbom/cyclonedx.js';
import { layoutImageName } from '../supply/sbom/from-files.js';
import { writeSpdx } from '../supply/sbom/spdx.js';
import type { Signer } from '../supply/sign/keys.js';
import { writeFilesAtomic } from '../util/atomic.js';
import type { BuildResult } from './build.js';
import { buildProvenance, buildSbomModel } from './sbom.js';

export interface OutputOptions {
  /** Write an OCI image layout to this directory (replacing a layout there). */
  layout?: string;
  /** Write a docker-archive to this file (one platform only). */
  tarball?: string;
  /** The layout's tag (org.opencontainers.image.ref.name). Default: latest. */
  tag?: string;
  /** The docker-archive's NAME:TAG. Default: pare/image:TAG. */
  repoTag?: string;
  /** Write SBOM files next to the outputs. Default: true. */
  sbom?: boolean;
  /** Sign the layout and attach SBOM and provenance attestations (needs `layout`). */
  signer?: Signer;
  /** The lock file the build installed: its sha256 goes into the provenance. */
  lockFile?: string;
}

export interface WrittenOutputs {
  /** The manifest (or index) digest of what was written. */
  digest: string;
  layout?: string;
  tarball?: string;
  /** SBOM files written, absolute paths. */
  sboms: string[];
  signed?: { digest: string; signatureTag: string; attestationTag: string; attestations: string[] };
}

/** What checkOutputs looks at: where the image goes, and whether it will be signed. */
export type OutputPlan = Pick<OutputOptions, 'layout' | 'tarball'> & { sign?: boolean };

/** Refuse what cannot be written, before building: a multi-arch tarball, signing without a layout, no output. */
export function checkOutputs(config: Pick<Config, 'archs'>, opts: OutputPlan, name = 'the config'): void {
  if (opts.layout === undefined && opts.tarball === undefined)
    throw new UsageError('USAGE', 'no output: neither an OCI layout directory nor a docker-archive file is given', {
      hint: 'pare build CONFIG -o DIR, or --tarball FILE',
    });
  if (opts.tarball !== undefined && config.archs.length > 1)
    throw new UsageError('USAGE', `--tarball writes one platform, but ${name} builds ${config.archs.join(', ')}`, {
      hint: 'use -o DIR for a multi-architecture image index',
    });
  if (opts.sign === true && opts.layout === undefined)
    throw new UsageError('USAGE', '--sign-key attaches attestations to an OCI layout, but no -o DIR is written', {
      hint: 'pare build CONFIG -o DIR --sign-key cosign.key',
    });
}

/** Write a build's outputs: image, SBOM files, signature and attestations (see the file comment). */
export async function writeOutputs(result: BuildResult, opts: OutputOptions): Promise<WrittenOutputs> {
  checkOutputs({ archs: result.images.map((i) => i.arch) }, { ...opts, sign: opts.signer !== undefined }, 'this build');
  const tag = opts.tag ?? 'latest';
  const repoTag = opts.repoTag ?? `pare/image:${tag}`;
  const out: WrittenOutputs = { digest: result.root.digest, sboms: [] };
  if (opts.layout !== undefined) {
    await writeLayout(opts.layout, result.root, { tag });
    out.layout = path.resolve(opts.layout);
  }
  if (opts.tarball !== undefined) {
    await writeDockerArchive(opts.tarball, result.images[0]!.image, { tag: repoTag });
    out.tarball = path.resolve(opts.tarball);
  }
  const sbom = opts.sbom ?? true;
  if (!sbom && !opts.signer) return out;

  const name = opts.layout !== undefined ? layoutImageName(opts.layout, tag) : normalizeRepoTag(repoTag);
  const made = await Promise.all(
    result.images.map(async (img) => {
      const model = await buildSbomModel(img, { name });
      return { img, model, spdx: writeSpdx(model), cyclonedx: writeCyclonedx(model) };
    }),
  );
  if (sbom) {
    const base = path.resolve(opts.layout ?? opts.tarball!);
    const multi = result.images.length > 1;
    const files = made.flatMap((m) => {
      const stem = `${base}${multi ? `.${m.img.arch}` : ''}`;
      return [
        { file: `${stem}.spdx.json`, bytes: m.spdx },
        { file: `${stem}.cdx.json`, bytes: m.cyclonedx },
      ];
    });
    await writeFilesAtomic(files).catch((e: unknown) => {
      throw new OutputError(
        'OUTPUT_WRITE',
        `cannot write ${files.map((f) => f.file).join(', ')}: ${(e as Error).message}`,
        { cause: e, hint: 'check that the output directory is writable' },
      );
    });
    out.sboms = files.map((f) => f.file);
  }
  if (opts.signer && opts.layout !== undefined) {
    const lockDigest = opts.lockFile ? sha256(await readFile(opts.lockFile)) : undefined;
    const { signAndAttest } = await import('../supply/sbom/attach.js');
    const r = await signAndAttest(
      { dir: opts.layout, tag },
      made.map((m) => ({
        digest: m.img.image.digest,
        name,
        spdx: m.spdx,
        cyclonedx: m.cyclonedx,
        provenance: buildProvenance(result.config, m.img, { os: m.model.os, ...(lockDigest ? { lockDigest } : {}) }),
      })),
      opts.signer,
    );
    out.signed = {
      digest: r.digest,
      signatureTag: r.signatureTag,
      attestationTag: r.attestationTag,
      attestations: r.attached,
    };
  }
  return out;
}
