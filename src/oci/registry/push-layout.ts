/**
 * Push an image from an OCI layout together with what is attached to it in
 * the layout: OCI 1.1 referrers (signatures, SBOMs, attestations: manifests
 * whose `subject` is the image) by digest, and cosign's `sha256-<hex>.sig`,
 * `.att` and `.sbom` tags as tags, so `cosign verify` finds them too.
 * The image goes first: no attachment is ever visible before its subject.
 * Blobs of a base image on the same registry (the manifest's
 * org.opencontainers.image.base.name) are mounted from its repository.
 */
import { readLayout } from '../layout.js';
import { LayoutPath } from '../layout-path.js';
import { ANNOTATION } from '../media.js';
import { RegistryClient, type PushResult, type RegistryOptions } from './client.js';
import { parseReference, type Reference } from './ref.js';
import { isImageIndex, type ImageIndex } from '../image-index.js';
import type { Image } from '../manifest.js';

export interface LayoutPushResult extends PushResult {
  /** `REF@digest` of each attachment pushed. */
  attachments: string[];
}

/** Repositories on the target registry that the image names as its base (annotation): blobs are mounted from there. */
function baseRepos(image: Image | ImageIndex, ref: Reference): string[] {
  const out: string[] = [];
  for (const m of isImageIndex(image) ? image.manifests : [image]) {
    const name = m.manifest.annotations?.[ANNOTATION.baseName];
    if (!name) continue;
    try {
      const b = parseReference(name);
      if (b.registry === ref.registry) out.push(b.repository);
    } catch {
      // not a registry reference: nothing to mount from
    }
  }
  return [...new Set(out)];
}

export async function pushLayout(
  dir: string,
  tag: string | undefined,
  ref: Reference,
  opts: RegistryOptions & { client?: RegistryClient } = {},
): Promise<LayoutPushResult> {
  const image = await readLayout(dir, tag);
  const client =
    opts.client ?? new RegistryClient({ ...opts, mountFrom: [...(opts.mountFrom ?? []), ...baseRepos(image, ref)] });
  const result = await client.pushImage(ref, image);
  const hex = result.digest.replace(/^sha256:/, '');
  const index = await new LayoutPath(dir).readIndex();
  const attachments: string[] = [];
  for (const e of index.manifests) {
    const name = e.annotations?.[ANNOTATION.refName];
    if (e.annotations?.[ANNOTATION.referrerSubject] === result.digest) {
      const pushed = await client.pushImage(
        { ...ref, tag: undefined, digest: e.digest },
        await readLayout(dir, e.digest),
      );
      attachments.push(pushed.reference);
    } else if (name && new RegExp(`^sha256-${hex}\\.(sig|att|sbom)$`).test(name)) {
      const pushed = await client.pushImage({ ...ref, tag: name, digest: undefined }, await readLayout(dir, name));
      attachments.push(pushed.reference);
    }
  }
  return { ...result, attachments };
}
