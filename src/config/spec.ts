/**
 * A tiny schema language. One description drives three things: validation of
 * the YAML document (with positions), the JSON Schema that `pare schema`
 * prints for editors, and the documentation of each key.
 */
export type Spec =
  | { kind: 'string'; description?: string; enum?: readonly string[]; pattern?: string; patternHint?: string }
  | { kind: 'integer'; description?: string; min?: number; max?: number }
  | { kind: 'boolean'; description?: string }
  | { kind: 'array'; description?: string; items: Spec; minItems?: number }
  | { kind: 'object'; description?: string; props: Record<string, Spec>; required?: readonly string[]; values?: Spec }
  | { kind: 'oneOf'; description?: string; options: readonly Spec[] };

export const str = (description?: string, extra: Partial<Extract<Spec, { kind: 'string' }>> = {}): Spec => ({
  kind: 'string',
  description,
  ...extra,
});
export const int = (description?: string, min?: number, max?: number): Spec => ({
  kind: 'integer',
  description,
  min,
  max,
});
export const bool = (description?: string): Spec => ({ kind: 'boolean', description });
export const arr = (items: Spec, description?: string, minItems?: number): Spec => ({
  kind: 'array',
  items,
  description,
  minItems,
});
export const obj = (props: Record<string, Spec>, description?: string, required?: readonly string[]): Spec => ({
  kind: 'object',
  props,
  description,
  required,
});
export const map = (values: Spec, description?: string): Spec => ({ kind: 'object', props: {}, values, description });
export const oneOf = (options: readonly Spec[], description?: string): Spec => ({
  kind: 'oneOf',
  options,
  description,
});

export function specName(s: Spec): string {
  switch (s.kind) {
    case 'object':
      return s.values ? 'a map' : 'a map';
    case 'array':
      return 'a list';
    case 'oneOf':
      return s.options
        .map(specName)
        .filter((v, i, a) => a.indexOf(v) === i)
        .join(' or ');
    case 'integer':
      return 'an integer';
    case 'boolean':
      return 'true or false';
    default:
      return 'a string';
  }
}

/** JSON Schema (draft 2020-12) for editors. */
export function toJsonSchema(s: Spec): Record<string, unknown> {
  const base: Record<string, unknown> = s.description ? { description: s.description } : {};
  switch (s.kind) {
    case 'string':
      return {
        ...base,
        type: 'string',
        ...(s.enum ? { enum: [...s.enum] } : {}),
        ...(s.pattern ? { pattern: s.pattern } : {}),
      };
    case 'integer':
      return {
        ...base,
        type: 'integer',
        ...(s.min !== undefined ? { minimum: s.min } : {}),
        ...(s.max !== undefined ? { maximum: s.max } : {}),
      };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'array':
      return { ...base, type: 'array', items: toJsonSchema(s.items), ...(s.minItems ? { minItems: s.minItems } : {}) };
    case 'oneOf':
      return { ...base, oneOf: s.options.map(toJsonSchema) };
    case 'object': {
      const props = Object.fromEntries(Object.entries(s.props).map(([k, v]) => [k, toJsonSchema(v)]));
      return {
        ...base,
        type: 'object',
        ...(Object.keys(props).length ? { properties: props } : {}),
        ...(s.required?.length ? { required: [...s.required] } : {}),
        additionalProperties: s.values ? toJsonSchema(s.values) : false,
      };
    }
  }
}
