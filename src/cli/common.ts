/** Options and arguments shared by several commands. */
import { OutputError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import { BlobCache, defaultCacheDir, ttyProgress, silentProgress, type Progress } from '../fetch/index.js';
import { RegistryStore } from '../oci/registry/cache-store.js';
import { parseLayoutRef, type LayoutRef } from '../oci/attachments.js';
import { readKeyFile } from '../supply/sign/key-file.js';
import type { Values } from './command.js';
import type { CliIO } from './io.js';

export const sourceOptions = {
  'cache-dir': {
    type: 'string',
    description: 'Cache directory (default: $PARE_CACHE_DIR, $XDG_CACHE_HOME/pare or ~/.cache/pare)',
  },
  offline: { type: 'boolean', description: 'Use only cached repository metadata and packages' },
  quiet: { type: 'boolean', short: 'q', description: 'No progress display' },
  'cache-registry': {
    type: 'string',
    description:
      'Share memoized work (resolutions, unpacked packages, layers, images) through this registry repository, HOST[:PORT]/REPO[:PREFIX] (default $PARE_CACHE_REGISTRY; plain http with --insecure or $PARE_CACHE_REGISTRY_INSECURE=1)',
  },
  'allow-rollback': {
    type: 'boolean',
    description: 'Accept a signed Release older than one seen before (for snapshot mirrors; off by default)',
  },
} as const;

type SourceValues = Values<typeof sourceOptions>;

export function cacheFrom(values: SourceValues & { insecure?: boolean }, io: CliIO): BlobCache {
  const cache = new BlobCache(values['cache-dir'] ?? defaultCacheDir(io.env));
  const registry = values['cache-registry'] ?? io.env.PARE_CACHE_REGISTRY;
  if (registry)
    cache.remote = new RegistryStore(registry, {
      insecure: values.insecure === true || io.env.PARE_CACHE_REGISTRY_INSECURE === '1',
      auth: { env: io.env },
    });
  return cache;
}

/** Warnings about the cache registry (unreachable, refused pushes, tampered blobs): the build went on without it. */
export function cacheWarnings(cache: BlobCache): string {
  const problems = cache.remote instanceof RegistryStore ? cache.remote.problems : [];
  return problems.map((p) => `warning: cache registry: ${p}\n`).join('');
}

/** A progress display on a TTY; nothing in CI or when piped. */
export function progressFrom(values: SourceValues, io: CliIO): Progress {
  const tty = (io.stderr as NodeJS.WriteStream).isTTY === true;
  if (values.quiet || !tty || io.env.CI) return silentProgress;
  return ttyProgress(io.stderr as NodeJS.WriteStream);
}

/** `--insecure` for commands that may read a registry `base:` image. */
export const baseRegistryOptions = {
  insecure: {
    type: 'boolean',
    description: 'Speak plain http to registries (a registry base: image; also needed for localhost)',
  },
} as const;

/** Registry options for a `base:` pulled from a registry: plain http when asked, credentials as `pare push`. */
export function baseRegistryFrom(
  values: Values<typeof baseRegistryOptions>,
  io: CliIO,
): { insecure: boolean; auth: { env: NodeJS.ProcessEnv } } {
  return { insecure: values.insecure === true, auth: { env: io.env } };
}

/** The one image argument of sign, verify and verify-attestation: an OCI layout DIR[:TAG]. */
export async function imageArg(positionals: string[], usage: string): Promise<LayoutRef> {
  if (positionals.length !== 1)
    throw new UsageError('USAGE', `expected one image (an OCI layout DIR[:TAG]), got ${positionals.length}`, {
      hint: usage,
    });
  return parseLayoutRef(positionals[0]!);
}

/** The --key file, required, and its text (KEY_READ naming it when unreadable). */
export async function keyArg(file: string | undefined, usage: string): Promise<{ file: string; text: string }> {
  if (!file) throw new UsageError('USAGE', '--key is required', { hint: usage });
  return { file, text: await readKeyFile(file) };
}

/** Write a command's output file atomically (OUTPUT_WRITE naming it on failure, nothing partial left). */
export async function writeOutputFile(file: string, bytes: Uint8Array | string): Promise<void> {
  await writeFileAtomic(file, bytes).catch((e: unknown) => {
    throw new OutputError('OUTPUT_WRITE', `cannot write ${file}: ${(e as Error).message}`, {
      cause: e,
      hint: 'check that the output directory is writable',
    });
  });
}
