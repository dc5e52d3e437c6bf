/**
 * The OCI image config (application/vnd.oci.image.config.v1+json). Pure.
 * Serialization is deterministic: objects are built in a fixed key order,
 * map-like fields (Labels, ExposedPorts) are sorted by key, Env keeps its
 * order, and JSON.stringify adds no whitespace.
 */
import { UsageError } from '../errors.js';
import { sha256 } from './digest.js';

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
}

export interface ImageConfigOptions {
  /** Debian (amd64, arm64, armhf, i386, ppc64el, ...) or OCI/Go architecture name. */
  architecture: string;
  /** Default 'linux'. */
  os?: string;
  /** Default derived from the architecture (arm64 → v8, armhf → v7, armel → v5). */
  variant?: string;
  /** The image's fixed time, seconds since the epoch (SOURCE_DATE_EPOCH). */
  created: number;
  entrypoint?: string[];
  cmd?: string[];
  /** "K=V" strings or a map (kept in insertion order). PATH is added if absent. */
  env?: string[] | Record<string, string>;
  workingDir?: string;
  user?: string;
  labels?: Record<string, string>;
  /** "8080/tcp", "53/udp", or "8080" (tcp). */
  exposedPorts?: string[];
  stopSignal?: string;
  author?: string;
}

export interface ImageConfig {
  created: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  config: {
    User?: string;
    ExposedPorts?: Record<string, Record<string, never>>;
    Env?: string[];
    Entrypoint?: string[];
    Cmd?: string[];
    WorkingDir?: string;
    Labels?: Record<string, string>;
    StopSignal?: string;
  };
  rootfs: { type: 'layers'; diff_ids: string[] };
  history: { created: string; created_by: string; comment?: string; empty_layer?: boolean }[];
}

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const ARCHES: Record<string, { architecture: string; variant?: string }> = {
  amd64: { architecture: 'amd64' },
  arm64: { architecture: 'arm64', variant: 'v8' },
  armhf: { architecture: 'arm', variant: 'v7' },
  armel: { architecture: 'arm', variant: 'v5' },
  arm: { architecture: 'arm', variant: 'v7' },
  i386: { architecture: '386' },
  '386': { architecture: '386' },
  ppc64el: { architecture: 'ppc64le' },
  ppc64le: { architecture: 'ppc64le' },
  s390x: { architecture: 's390x' },
  riscv64: { architecture: 'riscv64' },
  mips64el: { architecture: 'mips64le' },
  mips64le: { architecture: 'mips64le' },
  loong64: { architecture: 'loong64' },
};

/** The OCI platform for a Debian or OCI architecture name. */
export function platformFor(arch: string, os = 'linux', variant?: string): Platform {
  const a = ARCHES[arch];
  if (!a) {
    throw new UsageError('USAGE', `unknown architecture ${JSON.stringify(arch)}`, {
      hint: `use one of: ${Object.keys(ARCHES).join(', ')}`,
    });
  }
  const v = variant ?? a.variant;
  return v === undefined ? { architecture: a.architecture, os } : { architecture: a.architecture, os, variant: v };
}

/** RFC 3339 UTC with no fraction, e.g. "2024-01-02T03:04:05Z". */
export function rfc3339(epochSeconds: number): string {
  if (!Number.isFinite(epochSeconds)) throw new UsageError('USAGE', `invalid timestamp ${epochSeconds}`);
  return new Date(Math.floor(epochSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function sortedRecord<T>(r: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k]!;
  return out;
}

function envList(env: ImageConfigOptions['env']): string[] {
  const list =
    env === undefined ? [] : Array.isArray(env) ? [...env] : Object.entries(env).map(([k, v]) => `${k}=${v}`);
  for (const e of list) {
    if (!/^[^=]+=/.test(e)) throw new UsageError('USAGE', `environment entry ${JSON.stringify(e)} is not NAME=value`);
  }
  if (!list.some((e) => e.startsWith('PATH='))) list.unshift(`PATH=${DEFAULT_PATH}`);
  return list;
}

function ports(list: string[]): Record<string, Record<string, never>> {
  const out: Record<string, Record<string, never>> = {};
  for (const p of list) {
    const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/.exec(p);
    if (!m || Number(m[1]) > 65535)
      throw new UsageError('USAGE', `exposed port ${JSON.stringify(p)} is not PORT[/tcp|udp|sctp]`);
    out[`${m[1]}/${m[2] ?? 'tcp'}`] = {};
  }
  return sortedRecord(out);
}

export interface LayerHistory {
  diffId: string;
  /** history[].created_by; default "pare: layer N". */
  createdBy?: string;
  comment?: string;
}

/** Build the config object and its canonical bytes + digest. */
export function makeConfig(
  opts: ImageConfigOptions,
  layers: readonly LayerHistory[],
): { config: ImageConfig; bytes: Buffer; digest: string } {
  const platform = platformFor(opts.architecture, opts.os ?? 'linux', opts.variant);
  const created = rfc3339(opts.created);
  const c: ImageConfig['config'] = {};
  if (opts.user !== undefined) c.User = opts.user;
  if (opts.exposedPorts && opts.exposedPorts.length > 0) c.ExposedPorts = ports(opts.exposedPorts);
  c.Env = envList(opts.env);
  if (opts.entrypoint !== undefined) c.Entrypoint = [...opts.entrypoint];
  if (opts.cmd !== undefined) c.Cmd = [...opts.cmd];
  if (opts.workingDir !== undefined) c.WorkingDir = opts.workingDir;
  if (opts.labels && Object.keys(opts.labels).length > 0) c.Labels = sortedRecord(opts.labels);
  if (opts.stopSignal !== undefined) c.StopSignal = opts.stopSignal;

  const config: ImageConfig = { created } as ImageConfig;
  if (opts.author !== undefined) config.author = opts.author;
  config.architecture = platform.architecture;
  config.os = platform.os;
  if (platform.variant !== undefined) config.variant = platform.variant;
  config.config = c;
  config.rootfs = { type: 'layers', diff_ids: layers.map((l) => l.diffId) };
  config.history = layers.map((l, i) => {
    const h: ImageConfig['history'][number] = { created, created_by: l.createdBy ?? `pare: layer ${i + 1}` };
    if (l.comment !== undefined) h.comment = l.comment;
    return h;
  });
  const bytes = Buffer.from(JSON.stringify(config), 'utf8');
  return { config, bytes, digest: sha256(bytes) };
}

/** The platform an image config declares. */
export function configPlatform(c: Pick<ImageConfig, 'architecture' | 'os' | 'variant'>): Platform {
  return c.variant === undefined
    ? { architecture: c.architecture, os: c.os }
    : { architecture: c.architecture, os: c.os, variant: c.variant };
}
