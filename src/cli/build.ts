import type { MinimizeReport } from '../pipeline/minimize.js';
import { basename, extname, relative } from 'node:path';
import { build, type BuildResult } from '../pipeline/build.js';
import { checkOutputs, writeOutputs, type OutputOptions } from '../pipeline/outputs.js';
import { loadConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import { defaultLockPath, readLockfile } from '../resolve/lock-file.js';
import { humanBytes } from '../fetch/index.js';
import { signerFromKeyFile } from '../supply/sign/key-file.js';
import {
  baseRegistryFrom,
  baseRegistryOptions,
  cacheFrom,
  cacheWarnings,
  progressFrom,
  sourceOptions,
} from './common.js';
import { limitOptions, limitsFrom } from './limits.js';
import { EXIT, type CliIO } from './io.js';
import { command, type Options, type Values } from './command.js';

const buildOptions = {
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
  'no-sbom': { type: 'boolean', description: 'Do not write DIR.spdx.json and DIR.cdx.json next to the output' },
  'sign-key': {
    type: 'string',
    description:
      'Sign the layout and attach SPDX, CycloneDX and SLSA provenance attestations (cosign key; password from $PARE_PASSWORD or $COSIGN_PASSWORD)',
  },
  ...limitOptions,
  ...sourceOptions,
  ...baseRegistryOptions,
} as const satisfies Options;

export const buildCommand = command({
  name: 'build',
  summary: 'Build an image from a pare.yaml into an OCI layout and/or a docker-archive',
  usage:
    'pare build CONFIG [-o DIR] [--tarball FILE] [--tag TAG] [--locked] [--debug] [--no-sbom] [--sign-key cosign.key]',
  options: buildOptions,
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
});

/**
 * The body of `pare build`, shared with `pare publish`: build, write the
 * outputs, then SBOMs and (with --sign-key) signature and attestations.
 */
export async function runBuild(
  file: string,
  values: Values<typeof buildOptions>,
  io: CliIO,
): Promise<{ result: BuildResult; outDir?: string; tag: string }> {
  const config = await loadConfig(file);
  const limits = limitsFrom(values);
  const lockFile = values.lock ?? defaultLockPath(file);
  const lock = values.locked ? { lock: await readLockfile(lockFile), file: lockFile } : undefined;
  const tagArg = values.tag ?? 'latest';
  const [name, tag] = tagArg.includes(':')
    ? [tagArg.slice(0, tagArg.lastIndexOf(':')), tagArg.slice(tagArg.lastIndexOf(':') + 1)]
    : [`pare/${basename(file, extname(file))}`, tagArg];
  const tarball = values.tarball;
  const outDir = values.output ?? (tarball ? undefined : 'out');
  const signKey = values['sign-key'];
  const outputs: OutputOptions = {
    ...(outDir !== undefined ? { layout: outDir } : {}),
    ...(tarball !== undefined ? { tarball } : {}),
    tag,
    repoTag: `${name}:${tag}`,
    sbom: values['no-sbom'] !== true,
    ...(lock ? { lockFile: lock.file } : {}),
  };
  // Fail before building: a multi-arch --tarball, --sign-key without -o, a wrong key or password.
  checkOutputs(config, { ...outputs, sign: signKey !== undefined }, file);
  if (signKey !== undefined) outputs.signer = await signerFromKeyFile(signKey, io.env);
  const started = performance.now();
  const progress = progressFrom(values, io);
  const cache = cacheFrom(values, io);
  const result = await build(config, {
    cache,
    offline: values.offline,
    allowRollback: values['allow-rollback'] === true,
    env: io.env,
    progress,
    lock,
    debug: values.debug === true ? true : undefined,
    limits,
    registry: baseRegistryFrom(values, io),
  });
  io.stderr.write(cacheWarnings(cache));
  const written = await writeOutputs(result, outputs);
  if (written.sboms.length > 0)
    io.stderr.write(`SBOMs: ${written.sboms.map((f) => relative(process.cwd(), f) || f).join(', ')}\n`);
  if (written.signed) {
    const r = written.signed;
    io.stderr.write(
      `signed ${r.digest} (${r.signatureTag}); attested ${r.attestations.length} statements (${r.attestationTag})\n`,
    );
  }
  const ms = Math.round(performance.now() - started);
  for (const img of result.images) {
    const files = img.assembled.tree.entries().length;
    const size = img.image.layers.reduce((n, l) => n + l.size, 0);
    io.stderr.write(
      `${img.arch}: ${img.plan.packages.length} packages, ${files} paths, ${humanBytes(size)} compressed, ${img.image.digest}${img.memoized ? ' (memoized)' : ''}\n`,
    );
    io.stderr.write(
      `${img.arch}: slicing removed ${img.sliced.files} files, ${humanBytes(img.sliced.bytes)} (${img.sliced.bytes} bytes)\n`,
    );
    if (img.minimized) io.stderr.write(minimizeSummary(img.arch, img.minimized));
    if (img.applications) io.stderr.write(`${img.arch}: ${img.applications.components.length} application packages\n`);
    for (const w of img.applications?.warnings ?? []) io.stderr.write(`warning: ${w}\n`);
  }
  io.stderr.write(`built in ${ms} ms${outDir ? ` → ${outDir}` : ''}${tarball ? ` → ${tarball}` : ''}\n`);
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
