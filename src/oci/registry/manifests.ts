/**
 * Manifest requests on one repository: PUT with the exact media type, GET and
 * HEAD with every manifest type pare understands in `Accept`. Bytes are kept
 * exactly as sent or received (the digest is of those bytes) and verified
 * against a requested digest.
 */
import { MAX_MANIFEST_BYTES } from '../image-json.js';
import { readBody } from './body.js';
import { RegistryError } from '../../errors.js';
import { sha256 } from '../digest.js';
import { MEDIA } from '../media.js';
import type { Transport } from './transport.js';

export const MANIFEST_ACCEPT = [MEDIA.manifest, MEDIA.index, MEDIA.dockerManifest, MEDIA.dockerManifestList].join(', ');

export interface RemoteManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

const pull = (repo: string) => `repository:${repo}:pull`;

/** PUT a manifest under a tag or its digest; returns its digest and the registry's OCI-Subject answer. */
export async function putManifest(
  t: Transport,
  repo: string,
  reference: string,
  bytes: Buffer,
  mediaType: string,
): Promise<{ digest: string; subject: string | null }> {
  const digest = sha256(bytes);
  const op = `push manifest ${reference === digest ? digest : `${reference} (${digest})`}`;
  const res = await t.request({
    method: 'PUT',
    url: `/v2/${repo}/manifests/${reference}`,
    repository: repo,
    op,
    scopes: [`repository:${repo}:pull,push`],
    headers: { 'content-type': mediaType },
    body: bytes,
    ok: [201, 202, 204],
  });
  await res.body?.cancel();
  const got = res.headers.get('docker-content-digest');
  if (got && got !== digest) {
    throw new RegistryError(
      'REGISTRY_HTTP',
      `${op} in ${t.registry}/${repo}: the registry stored it as ${got}, not ${digest}`,
      {
        hint: 'the registry rewrote the manifest; pare pushes exact bytes and cannot use such a registry',
        detail: { registry: t.registry, repository: repo, got, want: digest },
      },
    );
  }
  return { digest, subject: res.headers.get('oci-subject') };
}

/** GET a manifest by tag or digest; undefined when the registry has none (404). */
export async function fetchManifest(
  t: Transport,
  repo: string,
  reference: string,
  accept = MANIFEST_ACCEPT,
): Promise<RemoteManifest | undefined> {
  const op = `get manifest ${reference}`;
  const res = await t.request({
    method: 'GET',
    url: `/v2/${repo}/manifests/${reference}`,
    repository: repo,
    op,
    scopes: [pull(repo)],
    headers: { accept },
    ok: [200, 404],
  });
  if (res.status === 404) {
    await res.body?.cancel();
    return undefined;
  }
  const bytes = await readBody(res, MAX_MANIFEST_BYTES, `${op} in ${t.registry}/${repo}`);
  const digest = sha256(bytes);
  if (reference.startsWith('sha256:') && digest !== reference) {
    throw new RegistryError(
      'REGISTRY_HTTP',
      `${op} in ${t.registry}/${repo}: got content with digest ${digest} (${bytes.length} bytes), want ${reference}`,
      {
        hint: 'the registry served different content than it was asked for; do not trust it',
        detail: { registry: t.registry, repository: repo, got: digest, want: reference },
      },
    );
  }
  const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim() || mediaTypeOf(bytes);
  return { bytes, mediaType, digest };
}

/** HEAD a manifest: its digest and media type, or undefined. */
export async function headManifest(
  t: Transport,
  repo: string,
  reference: string,
): Promise<{ digest: string; mediaType: string; size: number } | undefined> {
  const res = await t.request({
    method: 'HEAD',
    url: `/v2/${repo}/manifests/${reference}`,
    repository: repo,
    op: `check manifest ${reference}`,
    scopes: [pull(repo)],
    headers: { accept: MANIFEST_ACCEPT },
    ok: [200, 404],
  });
  await res.body?.cancel();
  if (res.status === 404) return undefined;
  return {
    digest: res.headers.get('docker-content-digest') ?? (reference.startsWith('sha256:') ? reference : ''),
    mediaType: (res.headers.get('content-type') ?? '').split(';')[0]!.trim(),
    size: Number(res.headers.get('content-length') ?? 0),
  };
}

function mediaTypeOf(bytes: Buffer): string {
  try {
    return (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType ?? '';
  } catch {
    return '';
  }
}
