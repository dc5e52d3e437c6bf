/**
 * OCI 1.1 referrers: what points at a manifest through its `subject` field
 * (signatures, SBOMs, attestations).
 * - API: `GET /v2/NAME/referrers/DIGEST` answers an image index; a 404 means
 *   the registry lacks the API.
 * - Fallback (the spec's "referrers tag schema"): an image index kept under
 *   the tag `sha256-HEX`; a client that pushes a manifest with a subject adds
 *   its descriptor there, unless the registry answered the PUT with
 *   `OCI-Subject` (it maintains the list itself).
 */
import { RegistryError } from '../../errors.js';
import type { Descriptor } from '../manifest.js';
import { MEDIA } from '../media.js';
import { fetchManifest, putManifest } from './manifests.js';
import type { Transport } from './transport.js';

export interface Referrer extends Descriptor {
  artifactType?: string;
}

export interface Referrers {
  manifests: Referrer[];
  /** How the list was found: the registry's API, or the fallback tag. */
  via: 'api' | 'tag';
}

interface IndexJson {
  schemaVersion: 2;
  mediaType: string;
  manifests: Referrer[];
}

/** The fallback tag for a subject digest: `sha256:HEX` → `sha256-HEX` (at most 128 characters). */
export function fallbackTag(digest: string): string {
  return digest.replace(/[^a-zA-Z0-9._-]/g, '-').slice(0, 128);
}

export async function listReferrers(
  t: Transport,
  repo: string,
  digest: string,
  artifactType?: string,
): Promise<Referrers> {
  const q = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
  const res = await t.request({
    method: 'GET',
    url: `/v2/${repo}/referrers/${digest}${q}`,
    repository: repo,
    op: `list referrers of ${digest}`,
    scopes: [`repository:${repo}:pull`],
    headers: { accept: MEDIA.index },
    ok: [200, 404],
  });
  if (res.status === 200 && (res.headers.get('content-type') ?? '').startsWith(MEDIA.index)) {
    const index = parseIndex(Buffer.from(await res.arrayBuffer()), t, repo, digest);
    // A registry that ignores the filter says so in OCI-Filters-Applied; filter here either way.
    return { manifests: index.manifests.filter((m) => !artifactType || m.artifactType === artifactType), via: 'api' };
  }
  await res.body?.cancel();
  const fallback = await fetchManifest(t, repo, fallbackTag(digest), MEDIA.index);
  const manifests = fallback ? parseIndex(fallback.bytes, t, repo, digest).manifests : [];
  return { manifests: manifests.filter((m) => !artifactType || m.artifactType === artifactType), via: 'tag' };
}

/** The descriptor of a referrer manifest as the referrers index lists it. */
export function referrerDescriptor(bytes: Buffer, mediaType: string, digest: string): Referrer {
  const m = JSON.parse(bytes.toString('utf8')) as {
    artifactType?: string;
    config?: { mediaType?: string };
    annotations?: Record<string, string>;
  };
  const d: Referrer = { mediaType, digest, size: bytes.length };
  const artifactType = m.artifactType ?? m.config?.mediaType;
  if (artifactType) d.artifactType = artifactType;
  if (m.annotations && Object.keys(m.annotations).length) d.annotations = m.annotations;
  return d;
}

/** The subject digest a manifest names, if any. */
export function subjectOf(bytes: Buffer): string | undefined {
  try {
    const s = (JSON.parse(bytes.toString('utf8')) as { subject?: { digest?: unknown } }).subject?.digest;
    return typeof s === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Add `referrer` to the fallback index of `subject` (idempotent). Returns the index digest. */
export async function addToFallbackIndex(
  t: Transport,
  repo: string,
  subject: string,
  referrer: Referrer,
): Promise<string> {
  const tag = fallbackTag(subject);
  const current = await fetchManifest(t, repo, tag, MEDIA.index);
  const index: IndexJson = current
    ? parseIndex(current.bytes, t, repo, subject)
    : { schemaVersion: 2, mediaType: MEDIA.index, manifests: [] };
  if (current && index.manifests.some((m) => m.digest === referrer.digest)) return current.digest;
  index.manifests = [...index.manifests, referrer];
  const bytes = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.index, manifests: index.manifests }),
    'utf8',
  );
  return (await putManifest(t, repo, tag, bytes, MEDIA.index)).digest;
}

function parseIndex(bytes: Buffer, t: Transport, repo: string, digest: string): IndexJson {
  try {
    const j = JSON.parse(bytes.toString('utf8')) as IndexJson;
    if (!Array.isArray(j.manifests)) throw new Error('no manifests array');
    return j;
  } catch (e) {
    throw new RegistryError(
      'REGISTRY_HTTP',
      `list referrers of ${digest} in ${t.registry}/${repo}: the referrers index is not valid (${(e as Error).message})`,
      {
        cause: e,
        hint: `remove the tag ${fallbackTag(digest)} if something else wrote it`,
      },
    );
  }
}
