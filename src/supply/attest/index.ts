/** supply/attest: in-toto statements in DSSE envelopes, SLSA provenance. */
export {
  DSSE_MEDIA_TYPE,
  IN_TOTO_PAYLOAD_TYPE,
  pae,
  signEnvelope,
  verifyEnvelope,
  parseEnvelope,
  serializeEnvelope,
  type Envelope,
} from './dsse.js';
export {
  STATEMENT_TYPE,
  makeStatement,
  parseStatement,
  statementCovers,
  type Statement,
  type ResourceDescriptor,
} from './statement.js';
export { PREDICATE, predicateTypesFor, isKnownPredicateAlias } from './predicate-types.js';
export { slsaProvenance, PARE_BUILD_TYPE, type ProvenanceInput, type SlsaProvenanceV1 } from './slsa.js';
export {
  attest,
  attachAttestation,
  attestImage,
  verifyAttestations,
  PREDICATE_TYPE_ANNOTATION,
  type AttestInput,
  type AttestSubject,
  type VerifiedAttestation,
} from './attest.js';
