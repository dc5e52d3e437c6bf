/**
 * cosign's "simple signing" payload and the checks on one signature. Pure.
 *
 * The payload names the manifest digest; the signature (ECDSA P-256, SHA-256,
 * DER, base64 in the layer annotation) is over the payload bytes exactly as
 * stored, so verification never re-serializes JSON.
 */
import type { KeyObject } from 'node:crypto';
import { SupplyError, VerifyError } from '../../errors.js';
import { verifySignature, type Signer } from './keys.js';

export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const SIMPLE_SIGNING_TYPE = 'cosign container image signature';

export interface SimpleSigning {
  critical: {
    identity: { 'docker-reference': string };
    image: { 'docker-manifest-digest': string };
    type: string;
  };
  optional: Record<string, unknown> | null;
}

/** The payload bytes, keys in cosign's order. */
export function simpleSigningPayload(
  digest: string,
  dockerReference: string,
  optional?: Record<string, string>,
): Buffer {
  const p: SimpleSigning = {
    critical: {
      identity: { 'docker-reference': dockerReference },
      image: { 'docker-manifest-digest': digest },
      type: SIMPLE_SIGNING_TYPE,
    },
    optional: optional && Object.keys(optional).length > 0 ? sortKeys(optional) : null,
  };
  return Buffer.from(JSON.stringify(p), 'utf8');
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]!]),
  );
}

export function parseSimpleSigning(bytes: Uint8Array): SimpleSigning {
  let p: SimpleSigning;
  try {
    p = JSON.parse(Buffer.from(bytes).toString('utf8')) as SimpleSigning;
  } catch (e) {
    throw payloadError('the signed payload is not JSON', e);
  }
  const digest = p?.critical?.image?.['docker-manifest-digest'];
  if (typeof digest !== 'string') throw payloadError('the signed payload has no critical.image.docker-manifest-digest');
  if (p.critical.type !== SIMPLE_SIGNING_TYPE)
    throw payloadError(`the signed payload has type ${JSON.stringify(p.critical.type)}, want "${SIMPLE_SIGNING_TYPE}"`);
  return p;
}

function payloadError(message: string, cause?: unknown): SupplyError {
  return new SupplyError('SIG_PAYLOAD', message, {
    cause,
    hint: 'the signature layer does not hold a cosign simple-signing payload; sign the image again',
  });
}

export interface SignedPayload {
  payload: Buffer;
  /** DER signature. */
  signature: Buffer;
}

export async function signDigest(
  digest: string,
  dockerReference: string,
  signer: Signer,
  optional?: Record<string, string>,
): Promise<SignedPayload> {
  const payload = simpleSigningPayload(digest, dockerReference, optional);
  return { payload, signature: Buffer.from(await signer.sign(payload)) };
}

/**
 * Check one signature for `digest`: the signature over the payload first
 * (SIG_BAD), then the payload's claim (SIG_PAYLOAD, SIG_DIGEST_MISMATCH).
 */
export function checkSignature(
  s: { payload: Uint8Array; signatureB64: string },
  key: KeyObject,
  digest: string,
): SimpleSigning {
  const sig = /^[A-Za-z0-9+/]+={0,2}$/.test(s.signatureB64) ? Buffer.from(s.signatureB64, 'base64') : undefined;
  if (!sig || !verifySignature(key, s.payload, sig)) {
    throw new VerifyError('SIG_BAD', `signature for ${digest} does not verify with the given public key`, {
      hint: 'the payload or signature was changed, or it was made with another key; check --key',
    });
  }
  const p = parseSimpleSigning(s.payload);
  const claimed = p.critical.image['docker-manifest-digest'];
  if (claimed !== digest) {
    throw new SupplyError('SIG_DIGEST_MISMATCH', `the signature is for ${claimed}, but the image is ${digest}`, {
      hint: 'the image changed after it was signed, or a signature of another image was attached; sign the image again',
      detail: { claimed, digest },
    });
  }
  return p;
}
