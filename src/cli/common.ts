/** Options shared by commands that read repositories. */
import { BlobCache, defaultCacheDir, ttyProgress, silentProgress, type Progress } from '../fetch/index.js';
import type { CliIO } from './io.js';

export const sourceOptions = {
  'cache-dir': {
    type: 'string',
    description: 'Cache directory (default: $PARE_CACHE_DIR, $XDG_CACHE_HOME/pare or ~/.cache/pare)',
  },
  offline: { type: 'boolean', description: 'Use only cached repository metadata and packages' },
  quiet: { type: 'boolean', short: 'q', description: 'No progress display' },
  'allow-rollback': {
    type: 'boolean',
    description: 'Accept a signed Release older than one seen before (for snapshot mirrors; off by default)',
  },
} as const;

export function cacheFrom(values: Record<string, unknown>, io: CliIO): BlobCache {
  return new BlobCache((values['cache-dir'] as string | undefined) ?? defaultCacheDir(io.env));
}

/** A progress display on a TTY; nothing in CI or when piped. */
export function progressFrom(values: Record<string, unknown>, io: CliIO): Progress {
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
  values: Record<string, unknown>,
  io: CliIO,
): { insecure: boolean; auth: { env: NodeJS.ProcessEnv } } {
  return { insecure: values.insecure === true, auth: { env: io.env } };
}
