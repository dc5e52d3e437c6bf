/**
 * SLSA provenance v1 predicate from plain inputs (the build passes the config
 * and lock digests and every resolved package). Pure.
 */
import { PREDICATE } from './predicate-types.js';

/** pare has no web home for its build type yet; a URN is a valid TypeURI. */
export const PARE_BUILD_TYPE = 'urn:pare:build-type:v1';

export interface ProvenanceInput {
  /** Who ran the build: a CI workflow URI, or e.g. urn:pare:builder:0.1.0 for a local run. */
  builderId: string;
  buildType?: string;
  /** sha256 hex (or "sha256:<hex>") of the config file that was built. */
  configDigest: string;
  configPath?: string;
  /** sha256 of the lock file, when the build was locked. */
  lockDigest?: string;
  /** Every input artifact: packages (uri, e.g. a purl or pool path) with their sha256. */
  dependencies: { uri: string; sha256: string; name?: string }[];
  invocationId?: string;
  startedOn?: Date;
  finishedOn?: Date;
}

export interface SlsaProvenanceV1 {
  buildDefinition: {
    buildType: string;
    externalParameters: Record<string, unknown>;
    resolvedDependencies: { uri: string; name?: string; digest: { sha256: string } }[];
  };
  runDetails: {
    builder: { id: string };
    metadata?: { invocationId?: string; startedOn?: string; finishedOn?: string };
  };
}

const hex = (d: string): string => d.replace(/^sha256:/, '');

export function slsaProvenance(input: ProvenanceInput): { predicateType: string; predicate: SlsaProvenanceV1 } {
  const config: Record<string, unknown> = { digest: { sha256: hex(input.configDigest) } };
  if (input.configPath !== undefined) config.path = input.configPath;
  const externalParameters: Record<string, unknown> = { config };
  if (input.lockDigest !== undefined) externalParameters.lock = { digest: { sha256: hex(input.lockDigest) } };
  const metadata: NonNullable<SlsaProvenanceV1['runDetails']['metadata']> = {};
  if (input.invocationId !== undefined) metadata.invocationId = input.invocationId;
  if (input.startedOn) metadata.startedOn = input.startedOn.toISOString();
  if (input.finishedOn) metadata.finishedOn = input.finishedOn.toISOString();
  const predicate: SlsaProvenanceV1 = {
    buildDefinition: {
      buildType: input.buildType ?? PARE_BUILD_TYPE,
      externalParameters,
      resolvedDependencies: input.dependencies.map((d) => ({
        uri: d.uri,
        ...(d.name !== undefined ? { name: d.name } : {}),
        digest: { sha256: hex(d.sha256) },
      })),
    },
    runDetails: { builder: { id: input.builderId }, ...(Object.keys(metadata).length ? { metadata } : {}) },
  };
  return { predicateType: PREDICATE.slsaProvenanceV1, predicate };
}
