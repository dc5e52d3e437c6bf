/**
 * Sign an image in an OCI layout and attach its attestations — the SPDX and
 * CycloneDX SBOMs and SLSA provenance — as in-toto statements in DSSE
 * envelopes, stored as OCI 1.1 referrers (and under cosign's .sig/.att tags)
 * by the existing supply functions. For a multi-arch layout each statement
 * names both the index and the architecture's image.
 */
import { IN_TOTO_PAYLOAD_TYPE, signEnvelope } from '../attest/dsse.js';
import { attachAttestation } from '../attest/attest.js';
import { PREDICATE } from '../attest/predicate-types.js';
import { makeStatement, type ResourceDescriptor } from '../attest/statement.js';
import { resolveSubject, type LayoutRef } from '../../oci/attachments.js';
import { signImage } from '../sign/image.js';
import type { Signer } from '../sign/keys.js';

export interface ImageAttestations {
  /** The architecture's image digest ("sha256:…"). */
  digest: string;
  /** The image name statements give their subject. */
  name: string;
  spdx: Uint8Array;
  cyclonedx: Uint8Array;
  provenance: { predicateType: string; predicate: unknown };
}

export interface AttachResult {
  digest: string;
  signatureTag: string;
  attestationTag: string;
  /** Predicate types attached, in order. */
  attached: string[];
}

const hex = (d: string): string => d.replace(/^sha256:/, '');

/** Sign the layout's image (or index) and attach every image's attestations to it. */
export async function signAndAttest(
  ref: LayoutRef,
  images: readonly ImageAttestations[],
  signer: Signer,
  opts: { identity?: string } = {},
): Promise<AttachResult> {
  const root = await resolveSubject(ref);
  const signed = await signImage(ref, signer, opts.identity !== undefined ? { identity: opts.identity } : {});
  const attached: string[] = [];
  let attestationTag = '';
  for (const img of images) {
    const subject: ResourceDescriptor[] = [{ name: img.name, digest: { sha256: hex(img.digest) } }];
    if (root.digest !== img.digest) subject.unshift({ name: img.name, digest: { sha256: hex(root.digest) } });
    const inputs = [
      { predicateType: PREDICATE.spdx, predicate: JSON.parse(Buffer.from(img.spdx).toString('utf8')) as unknown },
      {
        predicateType: PREDICATE.cyclonedx,
        predicate: JSON.parse(Buffer.from(img.cyclonedx).toString('utf8')) as unknown,
      },
      img.provenance,
    ];
    for (const input of inputs) {
      const statement = makeStatement(subject, input.predicateType, input.predicate);
      const envelope = await signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(JSON.stringify(statement), 'utf8'), signer);
      attestationTag = (await attachAttestation(ref, envelope)).tag;
      attached.push(input.predicateType);
    }
  }
  return { digest: root.digest, signatureTag: signed.tag, attestationTag, attached };
}
