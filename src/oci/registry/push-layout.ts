/**
 * Push an image from an OCI layout together with what is attached to it in
 * the layout: OCI 1.1 referrers (signatures, SBOMs, attestations: manifests
 * whose `subject` is the image) by digest, and cosign's `sha256-<hex>.sig`,
 * `.att` and `.sbom` tags as tags, so `cosign verify` finds them too.
 * The image goes first: no attachment is ever visible before its subject.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readLayout } from '../layout.js';
import { ANNOTATION } from '../media.js';
import { RegistryClient, type PushResult, type RegistryOptions } from './client.js';
import type { Reference } from './ref.js';

const SUBJECT = 'dev.pare.referrer.subject';

export interface LayoutPushResult extends PushResult {
  /** `REF@digest` of each attachment pushed. */
  attachments: string[];
}

interface IndexEntry {
  digest: string;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export async function pushLayout(
  dir: string,
  tag: string | undefined,
  ref: Reference,
  opts: RegistryOptions & { client?: RegistryClient } = {},
): Promise<LayoutPushResult> {
  const client = opts.client ?? new RegistryClient(opts);
  const image = await readLayout(dir, tag);
  const result = await client.pushImage(ref, image);
  const hex = result.digest.replace(/^sha256:/, '');
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests?: IndexEntry[] };
  const attachments: string[] = [];
  for (const e of index.manifests ?? []) {
    const name = e.annotations?.[ANNOTATION.refName];
    if (e.annotations?.[SUBJECT] === result.digest) {
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
