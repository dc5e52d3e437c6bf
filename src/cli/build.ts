import type { MinimizeReport } from '../pipeline/minimize.js';
import { basename, extname } from 'node:path';
import { build, type BuildResult } from '../pipeline/build.js';
import { loadConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import { defaultLockPath, readLockfile } from './lock.js';
import { humanBytes } from '../fetch/index.js';
import { writeDockerArchive, writeLayout } from '../oci/index.js';
import { baseRegistryFrom, baseRegistryOptions, cacheFrom, progressFrom, sourceOptions } from './common.js';
import { limitOptions, limitsFrom } from './limits.js';
import { buildSbomOptions, buildSupplyChain, signerFor } from './sbom.js';
import { EXIT, type CliIO } from './io.js';
import type { Command } from './command.js';

export const buildCommand: Command = {
  name: 'build',
  summary: 'Build an image from a pare.yaml into an OCI layout and/or a docker-archive',
  usage:
    'pare build CONFIG [-o DIR] [--tarball FILE] [--tag TAG] [--locked] [--debug] [--no-sbom] [--sign-key cosign.key]',
  options: {
    output: {
      type: 'string',
      short: 'o',
      description: 'Write an OCI image layout to DIR (default: ./out unless --tarball is given)',
    },
    tarball: { type: 'string', description: 'Write a docker-archive (for `docker load` / `podman load`) to FILE' },
    debug: {
      type: 'boolean',
      description: 'Add a busybox layer under /busybox with /busybox/sh as entrypoint (like distroless :debug)',
    },
    tag: {
      type: 'string',
      short: 't',
      description: 'Tag (default: latest); in a docker-archive as NAME:TAG (default name: pare/CONFIG)',
    },
    locked: {
      type: 'boolean',
      description: 'Install exactly the packages of the lock file (see `pare lock`); fail if the config changed',
    },
    lock: { type: 'string', description: 'Lock file for --locked (default: CONFIG with .lock.json)' },
    ...buildSbomOptions,
    ...limitOptions,
    ...sourceOptions,
    ...baseRegistryOptions,
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1)
      throw new UsageError('USAGE', `expected one config file, got ${positionals.length}`, {
        hint: 'pare build examples/base.yaml -o out',
      });
    const { result } = await runBuild(positionals[0]!, values, io);
    const digest = 'digest' in result.root ? result.root.digest : '';
    io.stdout.write(`${digest}\n`);
    return EXIT.OK;
  },
};

/**
 * The body of `pare build`, shared with `pare publish`: build, write the
 * outputs, then SBOMs and (with --sign-key) signature and attestations.
 */
export async function runBuild(
  file: string,
  values: Record<string, unknown>,
  io: CliIO,
): Promise<{ result: BuildResult; outDir?: string; tag: string }> {
  const config = await loadConfig(file);
  const limits = limitsFrom(values);
  if (values.tarball && config.archs.length > 1) {
    throw new UsageError('USAGE', `--tarball writes one platform, but ${file} builds ${config.archs.join(', ')}`, {
      hint: 'use -o DIR for a multi-architecture image index',
    });
  }
  const lockFile = (values.lock as string | undefined) ?? defaultLockPath(file);
  const lock = values.locked ? { lock: await readLockfile(lockFile), file: lockFile } : undefined;
  const outDir = (values.output as string | undefined) ?? (values.tarball ? undefined : 'out');
  const signer = await signerFor(values, io, outDir);
  const started = performance.now();
  const progress = progressFrom(values, io);
  const result = await build(config, {
    cache: cacheFrom(values, io),
    offline: values.offline as boolean | undefined,
    allowRollback: values['allow-rollback'] === true,
    env: io.env,
    progress,
    lock,
    debug: values.debug === true ? true : undefined,
    limits,
    registry: baseRegistryFrom(values, io),
  });
  const tagArg = (values.tag as string | undefined) ?? 'latest';
  const [name, tag] = tagArg.includes(':')
    ? [tagArg.slice(0, tagArg.lastIndexOf(':')), tagArg.slice(tagArg.lastIndexOf(':') + 1)]
    : [`pare/${basename(file, extname(file))}`, tagArg];
  if (outDir) await writeLayout(outDir, result.root, { tag });
  if (values.tarball)
    await writeDockerArchive(values.tarball as string, result.images[0]!.image, { tag: `${name}:${tag}` });
  await buildSupplyChain(
    result,
    {
      outDir,
      tarball: values.tarball as string | undefined,
      tag,
      repoTag: `${name}:${tag}`,
      sbom: values['no-sbom'] !== true,
      signer,
      lockFile: lock?.file,
    },
    io,
  );
  const ms = Math.round(performance.now() - started);
  for (const img of result.images) {
    const files = img.assembled.tree.entries().length;
    const size = img.image.layers.reduce((n, l) => n + l.size, 0);
    io.stderr.write(
      `${img.arch}: ${img.plan.packages.length} packages, ${files} paths, ${humanBytes(size)} compressed, ${img.image.digest}\n`,
    );
    io.stderr.write(
      `${img.arch}: slicing removed ${img.sliced.files} files, ${humanBytes(img.sliced.bytes)} (${img.sliced.bytes} bytes)\n`,
    );
    if (img.minimized) io.stderr.write(minimizeSummary(img.arch, img.minimized));
    if (img.applications) io.stderr.write(`${img.arch}: ${img.applications.components.length} application packages\n`);
    for (const w of img.applications?.warnings ?? []) io.stderr.write(`warning: ${w}\n`);
  }
  io.stderr.write(
    `built in ${ms} ms${outDir ? ` → ${outDir}` : ''}${values.tarball ? ` → ${values.tarball as string}` : ''}\n`,
  );
  return { result, outDir, tag };
}

/** What minimization removed, in total and per package (partial, or no longer installed). */
export function minimizeSummary(arch: string, m: MinimizeReport): string {
  const removed = m.packages.filter((p) => p.status === 'removed').length;
  const lines = [
    `${arch}: minimization removed ${m.files} files, ${humanBytes(m.bytes)} (${m.bytes} bytes); ${removed} packages no longer installed, ${m.packages.length - removed} partial\n`,
    ...m.packages.map(
      (p) => `  ${p.name}: ${p.status}, kept ${p.kept} of ${p.shipped} files, removed ${humanBytes(p.bytes)}\n`,
    ),
    ...m.unresolved.map((u) => `warning: ${arch}: a library the dynamic loader needs is not in the image: ${u}\n`),
  ];
  return lines.join('');
}
