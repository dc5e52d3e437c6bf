/**
 * Sign an image in an OCI layout and verify its signatures: the simple-signing
 * payload as a referrer layer (and under cosign's sha256-<hex>.sig tag).
 */
import type { KeyObject } from 'node:crypto';
import { SupplyError, VerifyError, type PareError } from '../../errors.js';
import { IN_TOTO_PAYLOAD_TYPE, signEnvelope, verifyEnvelope } from '../attest/dsse.js';
import { makeStatement, parseStatement, statementCovers } from '../attest/statement.js';
import { attachBundle, listBundles } from '../bundles.js';
import { attachArtifact, listArtifacts, resolveSubject, type LayoutRef } from '../../oci/attachments.js';
import { bundleEnvelope, COSIGN_SIGN_PREDICATE, makeBundle } from './bundle.js';
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

/**
 * Sign as cosign v3 does by default: an in-toto statement of cosign's sign
 * predicate about the digest, in a DSSE envelope inside a Sigstore bundle,
 * attached as a referrer (`cosign verify` v3 finds it by subject).
 */
export async function signImageBundle(
  ref: LayoutRef,
  signer: Signer,
  opts: SignImageOptions = {},
): Promise<{ digest: string; referrer: string }> {
  const subject = await resolveSubject(ref);
  const statement = makeStatement(
    [
      {
        digest: { sha256: subject.digest.replace(/^sha256:/, '') },
        ...(opts.annotations ? { annotations: opts.annotations } : {}),
      },
    ],
    COSIGN_SIGN_PREDICATE,
    {},
  );
  const envelope = await signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(JSON.stringify(statement), 'utf8'), signer);
  const bundle = makeBundle(envelope, signer.publicKeyPem());
  return { digest: subject.digest, referrer: await attachBundle(ref.dir, subject, bundle, COSIGN_SIGN_PREDICATE) };
}

export interface VerifiedSignature {
  digest: string;
  payload: Buffer;
  /** The simple-signing claims; absent for a bundle (its payload is an in-toto statement). */
  claims?: SimpleSigning;
  signature: string;
  /** True for a cosign v3 Sigstore bundle. */
  bundle?: boolean;
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
  // cosign v3: Sigstore bundles whose statement is a cosign signature (attestations are not signatures).
  const bundles = (await listBundles(ref.dir, subject.digest)).filter(
    (b) => b.predicateType === undefined || b.predicateType === COSIGN_SIGN_PREDICATE,
  );
  if (layers.length === 0 && bundles.length === 0) {
    throw new SupplyError('SIGNATURE_MISSING', `no signatures for ${subject.digest} in ${ref.dir}`, {
      hint: 'sign it with `pare sign DIR:TAG --key cosign.key`; a rebuilt image has a new digest and needs a new signature',
    });
  }
  const items = [...layers.map((l) => ({ layer: l })), ...bundles.map((b) => ({ bundle: b.bytes }))];
  return collect(items, (it): VerifiedSignature => {
    if ('bundle' in it) return verifyBundleSignature(it.bundle, key, subject.digest);
    const l = it.layer;
    const signature = l.annotations[SIGNATURE_ANNOTATION] ?? '';
    const claims = checkSignature({ payload: l.bytes, signatureB64: signature }, key, subject.digest);
    return { digest: subject.digest, payload: l.bytes, claims, signature };
  });
}

/** A cosign v3 signature: a bundle's DSSE statement of type cosign sign v1 about the digest. */
function verifyBundleSignature(bytes: Buffer, key: KeyObject, digest: string): VerifiedSignature {
  const envelope = bundleEnvelope(bytes);
  const payload = verifyEnvelope(envelope, key);
  const statement = parseStatement(payload);
  if (statement.predicateType !== COSIGN_SIGN_PREDICATE)
    throw new SupplyError('SIG_PAYLOAD', `the bundle's statement is a ${statement.predicateType}, not a signature`);
  if (!statementCovers(statement, digest)) {
    throw new SupplyError('SIG_DIGEST_MISMATCH', `the signed statement is not about ${digest}`, {
      hint: 'the image changed after it was signed; sign it again',
    });
  }
  return { digest, payload, signature: envelope.signatures[0]?.sig ?? '', bundle: true };
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
