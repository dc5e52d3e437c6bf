/**
 * Predicate type URIs and the short names `--type` accepts (cosign's, with
 * `slsaprovenance` matching either SLSA version since pare writes v1). Pure.
 */
export const PREDICATE = {
  slsaProvenanceV1: 'https://slsa.dev/provenance/v1',
  slsaProvenanceV02: 'https://slsa.dev/provenance/v0.2',
  spdx: 'https://spdx.dev/Document',
  cyclonedx: 'https://cyclonedx.org/bom',
} as const;

const ALIASES: Record<string, string[]> = {
  slsaprovenance: [PREDICATE.slsaProvenanceV1, PREDICATE.slsaProvenanceV02],
  slsaprovenance1: [PREDICATE.slsaProvenanceV1],
  slsaprovenance02: [PREDICATE.slsaProvenanceV02],
  spdx: [PREDICATE.spdx],
  spdxjson: [PREDICATE.spdx],
  cyclonedx: [PREDICATE.cyclonedx],
};

/** The predicate type URIs a `--type` value selects; a URI selects itself. */
export function predicateTypesFor(type: string): string[] {
  return ALIASES[type.toLowerCase()] ?? [type];
}

export function isKnownPredicateAlias(type: string): boolean {
  return type.toLowerCase() in ALIASES || /^[a-z][a-z0-9+.-]*:/i.test(type);
}
