/**
 * in-toto Statement v1: what an attestation says, about which digests. Pure.
 * pare writes v1; it reads v1 and v0.1 (same fields; `cosign attest` v2 and
 * v3 still write v0.1).
 */
import { SupplyError } from '../../errors.js';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
/** The _type values pare reads. */
export const STATEMENT_TYPES_READ: readonly string[] = [STATEMENT_TYPE, 'https://in-toto.io/Statement/v0.1'];

export interface ResourceDescriptor {
  name?: string;
  uri?: string;
  digest: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface Statement<P = unknown> {
  _type: string;
  subject: ResourceDescriptor[];
  predicateType: string;
  predicate: P;
}

export function makeStatement<P>(subject: ResourceDescriptor[], predicateType: string, predicate: P): Statement<P> {
  return { _type: STATEMENT_TYPE, subject, predicateType, predicate };
}

export function parseStatement(bytes: Uint8Array): Statement {
  let s: Statement;
  try {
    s = JSON.parse(Buffer.from(bytes).toString('utf8')) as Statement;
  } catch (e) {
    throw statementError('the attestation payload is not JSON', e);
  }
  if (!STATEMENT_TYPES_READ.includes(s?._type))
    throw statementError(
      `the attestation payload has _type ${JSON.stringify(s?._type)}, want ${STATEMENT_TYPES_READ.join(' or ')}`,
    );
  if (!Array.isArray(s.subject) || typeof s.predicateType !== 'string')
    throw statementError('the in-toto statement has no subject list or predicateType');
  return s;
}

function statementError(message: string, cause?: unknown): SupplyError {
  return new SupplyError('SIG_PAYLOAD', message, { cause, hint: 'attest the image again' });
}

/** Does any subject name this sha256 digest ("sha256:<hex>")? */
export function statementCovers(s: Statement, digest: string): boolean {
  const hex = digest.replace(/^sha256:/, '');
  return s.subject.some((d) => d?.digest?.sha256 === hex);
}
