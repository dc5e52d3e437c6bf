/**
 * What an image built on a base image takes from it: the config (env, user,
 * entrypoint, cmd, work-dir, labels) wherever the pare.yaml does not set its
 * own, the history of the base's layers, and the base's contents record so
 * the new record lists every .deb in the image; the base-image annotations
 * for a registry base. Pure.
 */
import type { Config } from '../config/index.js';
import { ANNOTATION, type ImageConfigOptions } from '../oci/index.js';
import { makeRecord, type ContentsRecord } from '../supply/sbom/record.js';
import type { BaseImage } from './base.js';

/** The image's time in seconds, from an RFC 3339 `created`. */
export function createdSeconds(created: string | undefined): number {
  const ms = created ? Date.parse(created) : NaN;
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
}

function envMap(env: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of env ?? []) {
    const eq = kv.indexOf('=');
    if (eq > 0) out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

/** The new image's config options: the build's own where the config sets them, else the base's. */
export function inherit(
  base: BaseImage | undefined,
  config: Config,
  own: ImageConfigOptions & { env: Record<string, string> },
): ImageConfigOptions {
  if (!base) return own;
  const b = base.config.config ?? {};
  return {
    ...own,
    entrypoint: config.entrypoint ?? own.entrypoint ?? b.Entrypoint,
    cmd: config.entrypoint || config.cmd ? own.cmd : b.Cmd,
    env: { ...envMap(b.Env), ...own.env },
    workingDir: config.workDir ?? b.WorkingDir,
    user: config.accounts.runAs !== undefined || config.accounts.users.length > 0 ? own.user : (b.User ?? own.user),
    labels: { ...(b.Labels ?? {}), ...(own.labels ?? {}) },
  };
}

/** created_by for each of the base's layers (its non-empty history entries when they line up). */
export function baseHistory(base: BaseImage | undefined): string[] {
  if (!base) return [];
  const real = (base.config.history ?? []).filter((h) => !h.empty_layer);
  const ref = base.digest ? `${base.ref}@${base.digest}` : base.ref;
  return base.layers.map((_, i) =>
    real.length === base.layers.length && real[i]!.created_by ? real[i]!.created_by : `base ${ref}: layer ${i + 1}`,
  );
}

/** The build's record with the base's .deb digests and added files. */
export function withBaseRecord(own: ContentsRecord, base: BaseImage | undefined): ContentsRecord {
  if (!base?.record) return own;
  const mine = new Set(own.packages.map((p) => p.name));
  return makeRecord(
    [...base.record.packages.filter((p) => !mine.has(p.name)), ...own.packages],
    [...base.record.files, ...own.files],
    own.minimized || base.record.minimized
      ? [...(base.record.minimized ?? []).filter((p) => !mine.has(p.name)), ...(own.minimized ?? [])]
      : undefined,
  );
}

/**
 * The OCI base-image annotations for a registry base (name and the digest it
 * resolved to): `pare push` to the same registry mounts the base's blobs from
 * that repository instead of uploading them.
 */
export function baseAnnotations(base: BaseImage | undefined): Record<string, string> {
  if (!base || /^(oci|docker-archive):/.test(base.ref)) return {};
  return { [ANNOTATION.baseName]: base.ref, [ANNOTATION.baseDigest]: base.pin };
}
