/**
 * Sigstore bundles attached to an image in an OCI layout, the way cosign v3
 * keeps them: a referrer manifest (artifactType = the bundle media type,
 * config = the empty descriptor, `subject` = the image) whose one layer is
 * the bundle JSON, with cosign's content and predicate-type annotations.
 * pare lists it in index.json like its other referrers (no cosign tag: v3
 * finds bundles by subject). Reading finds bundle referrers listed in
 * index.json and, as cosign does for a `cosign save` layout, manifests among
 * the blobs whose subject is the image. Every blob read is verified.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { attachReferrer } from '../oci/attachments.js';
import { LayoutPath } from '../oci/layout-path.js';
import type { Descriptor } from '../oci/manifest.js';
import { MEDIA } from '../oci/media.js';
import {
  BUNDLE_CONTENT_ANNOTATION,
  BUNDLE_MEDIA_PREFIX,
  BUNDLE_MEDIA_TYPE,
  BUNDLE_PREDICATE_ANNOTATION,
} from './sign/bundle.js';

export interface AttachedBundle {
  bytes: Buffer;
  /** The referrer's (unsigned) predicate-type annotation. */
  predicateType: string | undefined;
}

/** Attach a bundle to `subject` as a referrer; returns the referrer's digest. */
export async function attachBundle(
  dir: string,
  subject: Descriptor,
  bundle: Buffer,
  predicateType: string,
): Promise<string> {
  return attachReferrer(
    dir,
    subject,
    BUNDLE_MEDIA_TYPE,
    [{ mediaType: BUNDLE_MEDIA_TYPE, bytes: bundle, annotations: {} }],
    {
      [BUNDLE_CONTENT_ANNOTATION]: 'dsse-envelope',
      [BUNDLE_PREDICATE_ANNOTATION]: predicateType,
    },
  );
}

interface ReferrerJson {
  subject?: { digest?: string };
  layers?: Descriptor[];
  annotations?: Record<string, string>;
}

/** Manifests that may be referrers: small blobs (index.json's entries are among them). */
const MAX_MANIFEST = 4 << 20;

/** Every bundle attached to `digest` in the layout, each once. */
export async function listBundles(dir: string, digest: string): Promise<AttachedBundle[]> {
  const layout = new LayoutPath(dir);
  const root = layout.root;
  const candidates = new Map<string, Descriptor>();
  for (const m of (await layout.readIndex()).manifests)
    if (m.mediaType === MEDIA.manifest && m.digest !== digest) candidates.set(m.digest, m);
  const blobs = path.join(root, 'blobs', 'sha256');
  for (const name of await readdir(blobs).catch(() => [] as string[])) {
    if (!/^[0-9a-f]{64}$/.test(name) || candidates.has(`sha256:${name}`)) continue;
    const st = await stat(path.join(blobs, name)).catch(() => undefined);
    if (st?.isFile() && st.size <= MAX_MANIFEST)
      candidates.set(`sha256:${name}`, { mediaType: MEDIA.manifest, digest: `sha256:${name}`, size: st.size });
  }
  const out: AttachedBundle[] = [];
  const seen = new Set<string>();
  for (const d of candidates.values()) {
    const bytes = await layout.readBlob(d);
    if (bytes[0] !== 0x7b) continue; // not JSON: a layer
    let m: ReferrerJson;
    try {
      m = JSON.parse(bytes.toString('utf8')) as ReferrerJson;
    } catch {
      continue;
    }
    if (m?.subject?.digest !== digest || !Array.isArray(m.layers)) continue;
    for (const l of m.layers) {
      if (typeof l?.mediaType !== 'string' || !l.mediaType.startsWith(BUNDLE_MEDIA_PREFIX) || seen.has(l.digest))
        continue;
      seen.add(l.digest);
      out.push({ bytes: await layout.readBlob(l), predicateType: m.annotations?.[BUNDLE_PREDICATE_ANNOTATION] });
    }
  }
  return out;
}
