/**
 * Sigstore bundles (v0.3) with DSSE content, as cosign v3 stores signatures
 * and attestations: an OCI referrer of artifactType BUNDLE_MEDIA_TYPE whose
 * one layer is the bundle JSON. A signature is an in-toto statement of
 * predicate type COSIGN_SIGN_PREDICATE about the image digest; an attestation
 * is the statement it attests. Key-based, no transparency log: the
 * verification material is the public key's hint. Pure.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { SupplyError } from '../../errors.js';
import type { Envelope } from '../attest/dsse.js';

export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
/** Any bundle version: what cosign accepts as a bundle layer. */
export const BUNDLE_MEDIA_PREFIX = 'application/vnd.dev.sigstore.bundle';
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
/** Referrer manifest annotations cosign writes with a bundle. */
export const BUNDLE_CONTENT_ANNOTATION = 'dev.sigstore.bundle.content';
export const BUNDLE_PREDICATE_ANNOTATION = 'dev.sigstore.bundle.predicateType';

interface BundleJson {
  mediaType?: string;
  verificationMaterial?: { publicKey?: { hint?: string } };
  dsseEnvelope?: { payload?: string; payloadType?: string; signatures?: { sig?: string; keyid?: string }[] };
}

/** The hint naming a public key: base64 of the SHA-256 of its SPKI DER (as sigstore-go computes it). */
export function publicKeyHint(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

/** The bundle JSON for a signed envelope, in protobuf-JSON field order as cosign writes it. */
export function makeBundle(envelope: Envelope, publicKeyPem: string): Buffer {
  const bundle = {
    mediaType: BUNDLE_MEDIA_TYPE,
    verificationMaterial: { publicKey: { hint: publicKeyHint(publicKeyPem) } },
    dsseEnvelope: {
      payload: envelope.payload,
      payloadType: envelope.payloadType,
      signatures: envelope.signatures.map((s) => ({ sig: s.sig, ...(s.keyid ? { keyid: s.keyid } : {}) })),
    },
  };
  return Buffer.from(JSON.stringify(bundle), 'utf8');
}

/** The DSSE envelope inside a bundle; SIG_PAYLOAD when it is no bundle or holds no envelope. */
export function bundleEnvelope(bytes: Uint8Array): Envelope {
  let b: BundleJson;
  try {
    b = JSON.parse(Buffer.from(bytes).toString('utf8')) as BundleJson;
  } catch (e) {
    throw bundleError('the Sigstore bundle is not JSON', e);
  }
  if (typeof b?.mediaType !== 'string' || !b.mediaType.startsWith(BUNDLE_MEDIA_PREFIX))
    throw bundleError(`not a Sigstore bundle (mediaType ${JSON.stringify(b?.mediaType)})`);
  const d = b.dsseEnvelope;
  if (!d || typeof d.payload !== 'string' || typeof d.payloadType !== 'string' || !Array.isArray(d.signatures))
    throw bundleError('the Sigstore bundle holds no DSSE envelope (a message signature is not supported)');
  return {
    payloadType: d.payloadType,
    payload: d.payload,
    signatures: d.signatures.map((s) => ({ keyid: s?.keyid ?? '', sig: s?.sig ?? '' })),
  };
}

function bundleError(message: string, cause?: unknown): SupplyError {
  return new SupplyError('SIG_PAYLOAD', message, { cause, hint: 'sign or attest the image again' });
}
