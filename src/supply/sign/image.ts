/**
 * Sign an image in an OCI layout and verify its signatures: the simple-signing
 * payload as a referrer layer (and under cosign's sha256-<hex>.sig tag).
 */
import { type PareError, SupplyError, VerifyError } from '../../errors.js';
import { attachArtifact, listArtifacts, resolveSubject, type LayoutRef } from '../referrers.js';
import { parsePublicKey, type Signer } from './keys.js';
import {
  checkSignature,
  signDigest,
  SIGNATURE_ANNOTATION,
  SIMPLE_SIGNING_MEDIA_TYPE,
  type SimpleSigning,
} from './simple-signing.js';

export interface SignImageOptions {
  /** critical.identity.docker-reference (default: defaultIdentity(ref)). */
  identity?: string;
  /** Signed key/values in the payload's `optional` (cosign -a). */
  annotations?: Record<string, string>;
}

export interface SignImageResult {
  digest: string;
  identity: string;
  payload: Buffer;
  /** Base64 DER, as stored in the annotation. */
  signature: string;
  /** Digest of the referrer manifest. */
  referrer: string;
  /** cosign's tag for it: sha256-<hex>.sig */
  tag: string;
}

/**
 * The name a signature claims for a layout image, which has no repository:
 * the tag when it names a repository ("repo/name:1.0" → "repo/name"), else
 * the layout directory's name. Informational: verification checks the digest.
 */
export function defaultIdentity(ref: LayoutRef): string {
  const t = ref.tag;
  if (t && t.includes('/')) return t.lastIndexOf(':') > t.lastIndexOf('/') ? t.slice(0, t.lastIndexOf(':')) : t;
  return ref.dir.replace(/\/+$/, '').split('/').pop() || 'image';
}

export async function signImage(ref: LayoutRef, signer: Signer, opts: SignImageOptions = {}): Promise<SignImageResult> {
  const subject = await resolveSubject(ref);
  const identity = opts.identity ?? defaultIdentity(ref);
  const { payload, signature } = await signDigest(subject.digest, identity, signer, opts.annotations);
  const b64 = signature.toString('base64');
  const att = await attachArtifact(
    ref.dir,
    subject,
    SIMPLE_SIGNING_MEDIA_TYPE,
    { mediaType: SIMPLE_SIGNING_MEDIA_TYPE, bytes: payload, annotations: { [SIGNATURE_ANNOTATION]: b64 } },
    'sig',
  );
  return { digest: subject.digest, identity, payload, signature: b64, referrer: att.referrer, tag: att.tag };
}

export interface VerifiedSignature {
  digest: string;
  payload: Buffer;
  claims: SimpleSigning;
  signature: string;
}

/** Failures ranked most specific first: the one reported when no signature verifies. */
const RANK = ['SIG_DIGEST_MISMATCH', 'SIG_PAYLOAD', 'SIG_BAD'];

/**
 * Verify the signatures attached to the image with a public key. Succeeds
 * when at least one verifies (as cosign does); otherwise throws
 * SIGNATURE_MISSING, or the most specific failure among them.
 */
export async function verifyImage(ref: LayoutRef, publicKeyPem: string): Promise<VerifiedSignature[]> {
  const key = parsePublicKey(publicKeyPem);
  const subject = await resolveSubject(ref);
  const layers = await listArtifacts(
    ref.dir,
    subject.digest,
    SIMPLE_SIGNING_MEDIA_TYPE,
    SIMPLE_SIGNING_MEDIA_TYPE,
    'sig',
  );
  if (layers.length === 0) {
    throw new SupplyError('SIGNATURE_MISSING', `no signatures for ${subject.digest} in ${ref.dir}`, {
      hint: 'sign it with `pare sign DIR:TAG --key cosign.key`; a rebuilt image has a new digest and needs a new signature',
    });
  }
  return collect(layers, (l) => {
    const signature = l.annotations[SIGNATURE_ANNOTATION] ?? '';
    const claims = checkSignature({ payload: l.bytes, signatureB64: signature }, key, subject.digest);
    return { digest: subject.digest, payload: l.bytes, claims, signature };
  });
}

/** Run `check` on each item; the passing results, or the best-ranked failure when none passes. */
export function collect<T, R>(items: T[], check: (t: T) => R, rank: string[] = RANK): R[] {
  const ok: R[] = [];
  const failed: PareError[] = [];
  for (const it of items) {
    try {
      ok.push(check(it));
    } catch (e) {
      if (!(e instanceof SupplyError || e instanceof VerifyError)) throw e;
      failed.push(e);
    }
  }
  if (ok.length > 0) return ok;
  failed.sort((a, b) => idx(rank, a.code) - idx(rank, b.code));
  const first = failed[0]!;
  if (failed.length > 1) first.message = `${first.message} (none of ${failed.length} signatures verifies)`;
  throw first;
}

const idx = (rank: string[], code: string): number => (rank.includes(code) ? rank.indexOf(code) : rank.length);
