/**
 * Attestations: an in-toto Statement about the image, in a DSSE envelope
 * signed with the same key as signatures, attached to the image in an OCI
 * layout as a referrer (and under cosign's sha256-<hex>.att tag).
 */
import { SupplyError, VerifyError } from '../../errors.js';
import type { ImageIndex } from '../../oci/image-index.js';
import type { Image } from '../../oci/manifest.js';
import { attachArtifact, listArtifacts, resolveSubject, type LayoutRef } from '../../oci/attachments.js';
import { listBundles } from '../bundles.js';
import { bundleEnvelope, COSIGN_SIGN_PREDICATE } from '../sign/bundle.js';
import { collect, defaultIdentity } from '../sign/image.js';
import { parsePublicKey, type Signer } from '../sign/keys.js';
import {
  DSSE_MEDIA_TYPE,
  IN_TOTO_PAYLOAD_TYPE,
  parseEnvelope,
  serializeEnvelope,
  signEnvelope,
  verifyEnvelope,
  type Envelope,
} from './dsse.js';
import { predicateTypesFor } from './predicate-types.js';
import { makeStatement, parseStatement, statementCovers, type Statement } from './statement.js';

/** cosign's layer annotation naming the predicate type (unsigned: a hint for filtering). */
export const PREDICATE_TYPE_ANNOTATION = 'predicateType';
const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';

export interface AttestInput<P = unknown> {
  predicateType: string;
  predicate: P;
}

/** What an attestation is about: an image value, or a digest with a name. */
export type AttestSubject = Image | ImageIndex | { digest: string; name?: string };

/** Make and sign the statement: pure apart from the signer. */
export async function attest<P>(
  image: AttestSubject,
  input: AttestInput<P>,
  signer: Signer,
  opts: { name?: string } = {},
): Promise<Envelope> {
  const name = opts.name ?? ('name' in image && typeof image.name === 'string' ? image.name : 'image');
  const statement = makeStatement(
    [{ name, digest: { sha256: image.digest.replace(/^sha256:/, '') } }],
    input.predicateType,
    input.predicate,
  );
  return signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(JSON.stringify(statement), 'utf8'), signer);
}

/** Store a signed envelope as an attestation of the image `ref` names. */
export async function attachAttestation(
  ref: LayoutRef,
  envelope: Envelope,
): Promise<{ digest: string; referrer: string; tag: string }> {
  const subject = await resolveSubject(ref);
  const statement = parseStatement(Buffer.from(envelope.payload, 'base64'));
  if (!statementCovers(statement, subject.digest)) {
    throw new SupplyError('ATTESTATION_SUBJECT_MISMATCH', `the statement is not about ${subject.digest}`, {
      hint: 'attest the image the layout holds',
    });
  }
  const r = await attachArtifact(
    ref.dir,
    subject,
    DSSE_MEDIA_TYPE,
    {
      mediaType: DSSE_MEDIA_TYPE,
      bytes: serializeEnvelope(envelope),
      annotations: { [PREDICATE_TYPE_ANNOTATION]: statement.predicateType, [SIGNATURE_ANNOTATION]: '' },
    },
    'att',
  );
  return { digest: subject.digest, referrer: r.referrer, tag: r.tag };
}

/** attest + attachAttestation for the image in a layout. */
export async function attestImage<P>(
  ref: LayoutRef,
  input: AttestInput<P>,
  signer: Signer,
  opts: { name?: string } = {},
): Promise<{ digest: string; envelope: Envelope; tag: string }> {
  const subject = await resolveSubject(ref);
  const envelope = await attest({ digest: subject.digest }, input, signer, { name: opts.name ?? defaultIdentity(ref) });
  const r = await attachAttestation(ref, envelope);
  return { digest: subject.digest, envelope, tag: r.tag };
}

export interface VerifiedAttestation {
  digest: string;
  envelope: Envelope;
  statement: Statement;
}

const RANK = ['ATTESTATION_SUBJECT_MISMATCH', 'SIG_PAYLOAD', 'SIG_BAD'];

/**
 * Verify the attestations of the image (of `type`: a cosign short name or a
 * predicate type URI). Succeeds when at least one verifies and names the
 * image; throws ATTESTATION_MISSING or the most specific failure otherwise.
 */
export async function verifyAttestations(
  ref: LayoutRef,
  publicKeyPem: string,
  opts: { type?: string } = {},
): Promise<VerifiedAttestation[]> {
  const key = parsePublicKey(publicKeyPem);
  const subject = await resolveSubject(ref);
  const wanted = opts.type === undefined ? undefined : predicateTypesFor(opts.type);
  const layers = await listArtifacts(ref.dir, subject.digest, DSSE_MEDIA_TYPE, DSSE_MEDIA_TYPE, 'att');
  // cosign v3: Sigstore bundles, except its signatures (statements of cosign's sign predicate).
  for (const b of await listBundles(ref.dir, subject.digest)) {
    if (b.predicateType === COSIGN_SIGN_PREDICATE) continue;
    let bytes: Buffer;
    try {
      bytes = serializeEnvelope(bundleEnvelope(b.bytes));
    } catch (e) {
      if (!(e instanceof SupplyError)) throw e;
      bytes = b.bytes; // reported as an unreadable envelope below
    }
    layers.push({
      mediaType: DSSE_MEDIA_TYPE,
      bytes,
      annotations: { [PREDICATE_TYPE_ANNOTATION]: b.predicateType ?? '' },
    });
  }
  type Checked = { ok: VerifiedAttestation } | { err: SupplyError | VerifyError; hint: string | undefined };
  const checked: Checked[] = layers.map((l) => {
    try {
      const envelope = parseEnvelope(l.bytes);
      if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
        throw new SupplyError(
          'SIG_PAYLOAD',
          `the attestation's payloadType is ${envelope.payloadType}, want ${IN_TOTO_PAYLOAD_TYPE}`,
        );
      }
      const statement = parseStatement(verifyEnvelope(envelope, key));
      if (!statementCovers(statement, subject.digest)) {
        const got = statement.subject.map((s) => `sha256:${s?.digest?.sha256}`).join(', ');
        throw new SupplyError(
          'ATTESTATION_SUBJECT_MISMATCH',
          `the attestation is about ${got}, but the image is ${subject.digest}`,
          {
            hint: "the image changed after it was attested, or another image's attestation was attached; attest it again",
            detail: { subject: got, digest: subject.digest },
          },
        );
      }
      return { ok: { digest: subject.digest, envelope, statement } };
    } catch (e) {
      if (!(e instanceof SupplyError || e instanceof VerifyError)) throw e;
      return { err: e, hint: l.annotations[PREDICATE_TYPE_ANNOTATION] };
    }
  });
  // Filter on the signed predicateType when verified, on the (unsigned) annotation otherwise.
  const matching = checked.filter(
    (c) => !wanted || wanted.includes('ok' in c ? c.ok.statement.predicateType : (c.hint ?? '')),
  );
  if (matching.length === 0) {
    throw new SupplyError(
      'ATTESTATION_MISSING',
      `no attestations${wanted ? ` of type ${wanted.join(' or ')}` : ''} for ${subject.digest} in ${ref.dir}`,
      {
        hint: 'attest the image first; a rebuilt image has a new digest and needs new attestations',
      },
    );
  }
  return collect(
    matching,
    (c) => {
      if ('err' in c) throw c.err;
      return c.ok;
    },
    RANK,
  );
}
