/**
 * `base:` — an existing image a build goes on top of. The image is read
 * (oci:DIR[:TAG], docker-archive:FILE, or HOST/REPO[:TAG][@DIGEST] pulled
 * into the cache by pare's registry client; every layer verified against its
 * digest and diff_id), checked against the lock's pin, checked for the build's architecture, and what it has
 * installed is taken from its package metadata: status.d paragraphs, else
 * /var/lib/dpkg/status, else pare's contents.json. Its files enter the tree
 * first, owned by "base image SOURCE", so a package file that collides with
 * one is a FILE_CONFLICT naming both; its layers are reused byte for byte;
 * its config (env, user, entrypoint, cmd, work-dir, labels) is inherited
 * unless the config sets them.
 */
import { join } from 'node:path';
import { FetchError, OutputError, ResolveError } from '../errors.js';
import type { BlobCache } from '../fetch/index.js';
import { pullImage, RegistryClient, type RegistryOptions } from '../oci/registry/index.js';
import { readImageFiles } from '../oci/read-image.js';
import type { ImageConfig, Layer } from '../oci/index.js';
import type { InstalledRef } from '../resolve/solver.js';
import { parseDeb822 } from '../sources/debian/deb822.js';
import { parseProvides } from '../sources/debian/relations.js';
import { fileBytes } from '../tree/body.js';
import { BASE_OWNER, type TreeEntry } from '../tree/types.js';
import { parseRecord, RECORD_PATH, type ContentsRecord } from '../supply/sbom/record.js';

export interface BaseImage {
  /** The config's reference, e.g. "oci:/work/out:latest". */
  ref: string;
  /** The manifest digest, when the source records it. */
  digest?: string;
  /** What the lock pins: the manifest digest, or for an archive without one the config digest. */
  pin: string;
  config: ImageConfig;
  layers: Layer[];
  /** The merged root filesystem, each entry owned by "base image REF". */
  entries: TreeEntry[];
  installed: InstalledRef[];
  /** pare's record in the base, if it has one (its .deb digests go into the new record). */
  record?: ContentsRecord;
}

const ARCH_NAMES: Record<string, string> = { armhf: 'arm', i386: '386', ppc64el: 'ppc64le' };

function baseError(ref: string, message: string, hint: string, cause?: unknown): OutputError {
  return new OutputError('IMAGE_READ', `base ${ref}: ${message}`, { hint, cause, detail: { base: ref } });
}

const dec = new TextDecoder();

/** Installed packages from dpkg status text (one or many paragraphs). */
function fromStatus(text: string, file: string): InstalledRef[] {
  const out: InstalledRef[] = [];
  for (const p of parseDeb822(text, file)) {
    const f = (k: string): string | undefined => p.fields.get(k);
    const name = f('package');
    const version = f('version');
    const status = f('status');
    if (!name || !version || (status !== undefined && !/\binstalled$/.test(status.trim()))) continue;
    const provides = parseProvides(f('provides') ?? '', { file }).map((r) =>
      r.version === undefined ? { name: r.name } : { name: r.name, version: r.version },
    );
    out.push({ name, version, provides });
  }
  return out;
}

/** What the base has installed, from the first metadata source it has. */
export function installedIn(entries: readonly TreeEntry[]): { installed: InstalledRef[]; record?: ContentsRecord } {
  const files = new Map(entries.filter((e) => e.type === 'file').map((e) => [e.path, e]));
  const text = (p: string): string | undefined => {
    const e = files.get(p);
    return e ? dec.decode(fileBytes(e)) : undefined;
  };
  const record = parseRecord(files.has(RECORD_PATH) ? fileBytes(files.get(RECORD_PATH)!) : undefined);
  const statusD = [...files.keys()].filter(
    (p) => /^var\/lib\/dpkg\/status\.d\/[^/]+$/.test(p) && !p.endsWith('.md5sums'),
  );
  let installed = statusD.sort().flatMap((p) => fromStatus(text(p)!, `/${p}`));
  if (installed.length === 0 && files.has('var/lib/dpkg/status'))
    installed = fromStatus(text('var/lib/dpkg/status')!, '/var/lib/dpkg/status');
  if (installed.length === 0 && record)
    installed = record.packages.map((p) => ({ name: p.name, version: p.version, provides: [] }));
  const byName = new Map(installed.map((p) => [p.name, p]));
  return { installed: [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1)), ...(record ? { record } : {}) };
}

function localPath(ref: string): string | undefined {
  const m = /^oci:(.+)$/.exec(ref) ?? /^docker-archive:(.+)$/.exec(ref);
  return m?.[1];
}

export interface BaseOptions {
  cache: BlobCache;
  /** For a registry reference: plain http, credentials (as `pare push`). */
  registry?: RegistryOptions;
  offline?: boolean;
  /** The lock's pin for this architecture: a base that is now another image is LOCK_MISMATCH. */
  expect?: string;
}

/** A registry base pulled into the cache (or, offline, the one pulled last for this reference). */
async function pulled(ref: string, arch: string, opts: BaseOptions): Promise<{ layout: string; digest: string }> {
  const key = `base:${ref}:${arch}`;
  if (opts.offline) {
    const last = (await opts.cache.getMeta(key))?.toString();
    if (last === undefined || (opts.expect !== undefined && last !== opts.expect))
      throw new FetchError('FETCH_NETWORK', `base ${ref} (${arch}) is not in the cache and --offline is set`, {
        hint: 'build once without --offline to pull it into the cache',
      });
    return { layout: join(opts.cache.dir, 'images', last.replace(/^sha256:/, '')), digest: last };
  }
  const p = await pullImage(new RegistryClient(opts.registry ?? {}), ref, arch, opts.cache, opts.expect);
  await opts.cache.putMeta(key, Buffer.from(p.manifestDigest));
  return { layout: p.layout, digest: p.manifestDigest };
}

export async function loadBase(ref: string, arch: string, opts: BaseOptions): Promise<BaseImage> {
  const want = ARCH_NAMES[arch] ?? arch;
  const local = localPath(ref);
  const remote = local === undefined ? await pulled(ref, want, opts) : undefined;
  let files;
  try {
    files = await readImageFiles(local ?? remote!.layout, { arch: want });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw baseError(
      ref,
      `cannot be read as an image: ${msg}`,
      'point base: at an OCI layout (oci:DIR[:TAG]), a docker-archive (docker-archive:FILE) or a registry image (HOST/REPO[:TAG])',
      e,
    );
  }
  if (files.config.architecture !== want) {
    throw baseError(
      ref,
      `is an image for ${files.config.architecture}, not ${arch}`,
      'use a base image built for the architectures in archs:',
    );
  }
  const pin = remote?.digest ?? files.digest ?? files.configDigest;
  if (opts.expect !== undefined && pin !== opts.expect) {
    throw new ResolveError('LOCK_MISMATCH', `base ${ref} (${arch}) is now ${pin}, the lock pins ${opts.expect}`, {
      hint: 'the base image changed since the lock was made: run `pare lock` again if that is expected',
    });
  }
  const owner = `${BASE_OWNER} ${ref}`;
  const entries = files.entries.map((e) => ({ ...e, owner }));
  const { installed, record } = installedIn(entries);
  if (installed.length === 0) {
    throw baseError(
      ref,
      'has no package metadata (no /var/lib/dpkg/status.d, /var/lib/dpkg/status or pare contents.json)',
      'pare must know what the base has installed to add only what is missing: use a Debian-based image with dpkg metadata (distroless and pare images have status.d)',
    );
  }
  return {
    ref,
    pin,
    ...(files.digest ? { digest: files.digest } : {}),
    config: files.config,
    layers: files.blobs,
    entries,
    installed,
    ...(record ? { record } : {}),
  };
}
