/**
 * The supply-chain part of a report: the signatures and attestations
 * attached to an image in an OCI layout (cosign signatures, Sigstore
 * bundles, in-toto attestations, found as `pare verify` finds them), the
 * SBOMs (attested, or pare build's DIR.spdx.json / DIR.cdx.json beside the
 * layout), and the SLSA provenance's builder and materials. Without a key
 * the attachments are listed as found, unverified; with one, each is marked
 * verified or not by `pare verify`'s and `pare verify-attestation`'s code,
 * and a failure is reported with its code (the report is still written).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { isPareError } from '../errors.js';
import { listArtifacts, resolveSubject, type LayoutRef } from '../oci/attachments.js';
import { verifyAttestations } from '../supply/attest/attest.js';
import { DSSE_MEDIA_TYPE, parseEnvelope } from '../supply/attest/dsse.js';
import { PREDICATE } from '../supply/attest/predicate-types.js';
import type { SlsaProvenanceV1 } from '../supply/attest/slsa.js';
import { parseStatement, type Statement } from '../supply/attest/statement.js';
import { listBundles } from '../supply/bundles.js';
import { bundleEnvelope, COSIGN_SIGN_PREDICATE } from '../supply/sign/bundle.js';
import { verifyImage } from '../supply/sign/image.js';
import { SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE } from '../supply/sign/simple-signing.js';
import type { AttachmentReport, SupplyReport } from './model.js';

const SBOM_PREDICATES: Record<string, string> = {
  [PREDICATE.spdx]: 'SPDX',
  [PREDICATE.cyclonedx]: 'CycloneDX',
};

const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    (s) => s.isFile(),
    () => false,
  );

/** A report for an image that is not in a local OCI layout. */
export function noAttachments(where: string): SupplyReport {
  return { where, keyed: false, signatures: [], attestations: [], sboms: [], problems: [] };
}

function statementOf(bytes: Uint8Array, bundle: boolean): { statement?: Statement; payload: string; sig: string } {
  try {
    const env = bundle ? bundleEnvelope(bytes) : parseEnvelope(bytes);
    const sig = env.signatures[0]?.sig ?? '';
    try {
      return { statement: parseStatement(Buffer.from(env.payload, 'base64')), payload: env.payload, sig };
    } catch {
      return { payload: env.payload, sig };
    }
  } catch {
    return { payload: '', sig: '' };
  }
}

function problem(what: string, e: unknown): { what: string; code: string; message: string } {
  if (!isPareError(e)) throw e;
  return { what, code: e.code, message: e.message };
}

function provenanceOf(statement: Statement | undefined): SupplyReport['provenance'] {
  if (statement?.predicateType !== PREDICATE.slsaProvenanceV1) return undefined;
  const p = statement.predicate as Partial<SlsaProvenanceV1> | undefined;
  const def = p?.buildDefinition;
  return {
    builder: p?.runDetails?.builder?.id ?? '(none)',
    buildType: def?.buildType ?? '(none)',
    externalParameters: def?.externalParameters ?? {},
    materials: (Array.isArray(def?.resolvedDependencies) ? def.resolvedDependencies : []).map((d) => ({
      uri: String(d.uri),
      ...(d.name !== undefined ? { name: String(d.name) } : {}),
      ...(d.digest?.sha256 !== undefined ? { sha256: String(d.digest.sha256) } : {}),
    })),
  };
}

export async function layoutSupply(ref: LayoutRef, publicKeyPem?: string): Promise<SupplyReport> {
  const keyed = publicKeyPem !== undefined;
  const out: SupplyReport = {
    where: `OCI layout ${ref.dir}`,
    keyed,
    signatures: [],
    attestations: [],
    sboms: [],
    problems: [],
  };
  const { digest } = await resolveSubject(ref);
  const sigs = await listArtifacts(ref.dir, digest, SIMPLE_SIGNING_MEDIA_TYPE, SIMPLE_SIGNING_MEDIA_TYPE, 'sig');
  const atts = await listArtifacts(ref.dir, digest, DSSE_MEDIA_TYPE, DSSE_MEDIA_TYPE, 'att');
  const bundles = await listBundles(ref.dir, digest);
  let verifiedSigs = new Set<string>();
  let verifiedAtts = new Set<string>();
  if (keyed) {
    await verifyImage(ref, publicKeyPem).then(
      (v) => (verifiedSigs = new Set(v.map((s) => s.signature))),
      (e: unknown) => out.problems.push(problem('signatures', e)),
    );
    if (atts.length + bundles.length > 0)
      await verifyAttestations(ref, publicKeyPem).then(
        (v) => (verifiedAtts = new Set(v.map((a) => a.envelope.payload))),
        (e: unknown) => out.problems.push(problem('attestations', e)),
      );
  }
  const mark = (ok: boolean): Pick<AttachmentReport, 'verified'> => (keyed ? { verified: ok } : {});
  for (const s of sigs)
    out.signatures.push({
      kind: 'cosign signature',
      ...mark(verifiedSigs.has(s.annotations[SIGNATURE_ANNOTATION] ?? '')),
    });
  const statements: Statement[] = [];
  const attestation = (bytes: Uint8Array, bundle: boolean): void => {
    const { statement, payload } = statementOf(bytes, bundle);
    if (statement) statements.push(statement);
    out.attestations.push({
      kind: statement?.predicateType ?? '(unreadable attestation)',
      ...mark(verifiedAtts.has(payload)),
    });
  };
  for (const a of atts) attestation(a.bytes, false);
  for (const b of bundles) {
    if (b.predicateType === undefined || b.predicateType === COSIGN_SIGN_PREDICATE) {
      const { sig } = statementOf(b.bytes, true);
      out.signatures.push({ kind: 'sigstore bundle', ...mark(sig !== '' && verifiedSigs.has(sig)) });
    } else attestation(b.bytes, true);
  }
  for (const s of statements) {
    const format = SBOM_PREDICATES[s.predicateType];
    if (format) out.sboms.push({ format, where: 'attestation' });
    out.provenance ??= provenanceOf(s);
  }
  const base = path.resolve(ref.dir);
  for (const [ext, format] of [
    ['spdx.json', 'SPDX'],
    ['cdx.json', 'CycloneDX'],
  ] as const)
    if (await exists(`${base}.${ext}`)) out.sboms.push({ format, where: `file ${path.basename(base)}.${ext}` });
  return out;
}
