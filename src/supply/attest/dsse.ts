/**
 * DSSE envelopes (Dead Simple Signing Envelope v1). Pure. The signature is
 * over PAE(payloadType, payload) = "DSSEv1 <len> <type> <len> <payload>",
 * lengths in ASCII decimal bytes, so nothing is ever re-serialized.
 */
import type { KeyObject } from 'node:crypto';
import { SupplyError, VerifyError } from '../../errors.js';
import { verifySignature, type Signer } from '../sign/keys.js';

export const DSSE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface Envelope {
  payloadType: string;
  /** base64 */
  payload: string;
  signatures: { keyid: string; sig: string }[];
}

/** Pre-authentication encoding. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

export async function signEnvelope(
  payloadType: string,
  payload: Uint8Array,
  signer: Signer,
  keyid = '',
): Promise<Envelope> {
  const sig = await signer.sign(pae(payloadType, payload));
  return {
    payloadType,
    payload: Buffer.from(payload).toString('base64'),
    signatures: [{ keyid, sig: Buffer.from(sig).toString('base64') }],
  };
}

export function serializeEnvelope(e: Envelope): Buffer {
  return Buffer.from(
    JSON.stringify({
      payloadType: e.payloadType,
      payload: e.payload,
      signatures: e.signatures.map((s) => ({ keyid: s.keyid, sig: s.sig })),
    }),
    'utf8',
  );
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function parseEnvelope(bytes: Uint8Array): Envelope {
  let e: Envelope;
  try {
    e = JSON.parse(Buffer.from(bytes).toString('utf8')) as Envelope;
  } catch (err) {
    throw envelopeError('the attestation is not a JSON DSSE envelope', err);
  }
  if (
    typeof e?.payloadType !== 'string' ||
    typeof e.payload !== 'string' ||
    !B64.test(e.payload) ||
    !Array.isArray(e.signatures)
  ) {
    throw envelopeError('the attestation is not a DSSE envelope (payloadType, payload, signatures)');
  }
  return e;
}

function envelopeError(message: string, cause?: unknown): SupplyError {
  return new SupplyError('SIG_PAYLOAD', message, { cause, hint: 'attest the image again' });
}

/** The payload bytes when some signature verifies with `key`; SIG_BAD otherwise. */
export function verifyEnvelope(e: Envelope, key: KeyObject): Buffer {
  const payload = Buffer.from(e.payload, 'base64');
  const data = pae(e.payloadType, payload);
  const ok = e.signatures.some(
    (s) => typeof s?.sig === 'string' && B64.test(s.sig) && verifySignature(key, data, Buffer.from(s.sig, 'base64')),
  );
  if (!ok) {
    throw new VerifyError('SIG_BAD', "the attestation's DSSE signature does not verify with the given public key", {
      hint: 'the statement or signature was changed, or it was made with another key; check --key',
    });
  }
  return payload;
}
