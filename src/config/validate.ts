/**
 * Validate a parsed YAML document against a Spec, collecting every problem
 * (not just the first) with its position and key path.
 */
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { Spec } from './spec.js';
import { specName } from './spec.js';

export interface Problem {
  key: string; // e.g. contents.packages[2]
  message: string;
  offset: number;
  length: number;
}

function describe(node: Node | null | undefined): string {
  if (node == null) return 'nothing';
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'null';
    if (typeof v === 'number') return Number.isInteger(v) ? `the number ${v}` : `the number ${v}`;
    if (typeof v === 'boolean') return `${v}`;
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a YAML scalar: a string, or a Date/bigint that prints well
    return `the string "${String(v)}"`;
  }
  return 'an unsupported value';
}

function range(node: Node | null | undefined, fallback: number): [number, number] {
  const r = node?.range;
  return r ? [r[0], Math.max(1, r[1] - r[0])] : [fallback, 1];
}

function keyOf(pair: Pair): string {
  const k = pair.key;
  return isScalar(k) ? String(k.value) : String(k);
}

export function validateNode(
  node: Node | null | undefined,
  spec: Spec,
  key: string,
  problems: Problem[],
  at = 0,
): void {
  const [offset, length] = range(node, at);
  const fail = (message: string): void => {
    problems.push({ key, message, offset, length });
  };
  switch (spec.kind) {
    case 'string': {
      if (
        !isScalar(node) ||
        (typeof node.value !== 'string' && typeof node.value !== 'number') ||
        node.value === null
      ) {
        return fail(`expected a string, got ${describe(node)}`);
      }
      const v = String(node.value);
      if (spec.enum && !spec.enum.includes(v)) return fail(`"${v}" is not one of: ${spec.enum.join(', ')}`);
      if (spec.pattern && !new RegExp(spec.pattern).test(v))
        return fail(`"${v}" does not match ${spec.patternHint ?? spec.pattern}`);
      return;
    }
    case 'integer': {
      if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value))
        return fail(`expected an integer, got ${describe(node)}`);
      if (spec.min !== undefined && node.value < spec.min)
        return fail(`${node.value} is below the minimum ${spec.min}`);
      if (spec.max !== undefined && node.value > spec.max)
        return fail(`${node.value} is above the maximum ${spec.max}`);
      return;
    }
    case 'boolean':
      if (!isScalar(node) || typeof node.value !== 'boolean') fail(`expected true or false, got ${describe(node)}`);
      return;
    case 'array': {
      if (!isSeq(node)) return fail(`expected a list, got ${describe(node)}`);
      if (spec.minItems && node.items.length < spec.minItems) return fail(`expected at least ${spec.minItems} item(s)`);
      node.items.forEach((item, i) => validateNode(item as Node, spec.items, `${key}[${i}]`, problems, offset));
      return;
    }
    case 'oneOf': {
      const attempts = spec.options.map((opt) => {
        const p: Problem[] = [];
        validateNode(node, opt, key, p, at);
        return p;
      });
      const ok = attempts.find((p) => p.length === 0);
      if (ok) return;
      // Report the option whose shape matches (same container kind), else a summary.
      const sameShape = spec.options.findIndex(
        (o) =>
          (o.kind === 'object' && isMap(node)) ||
          (o.kind === 'array' && isSeq(node)) ||
          (o.kind !== 'object' && o.kind !== 'array' && isScalar(node)),
      );
      if (sameShape >= 0) problems.push(...attempts[sameShape]!);
      else fail(`expected ${specName(spec)}, got ${describe(node)}`);
      return;
    }
    case 'object': {
      if (!isMap(node)) return fail(`expected a map, got ${describe(node)}`);
      const seen = new Set<string>();
      for (const pair of node.items) {
        const k = keyOf(pair);
        const child = key ? `${key}.${k}` : k;
        const [koff, klen] = range(pair.key as Node, offset);
        if (seen.has(k)) problems.push({ key: child, message: 'duplicate key', offset: koff, length: klen });
        seen.add(k);
        const sub = spec.props[k] ?? spec.values;
        if (!sub) {
          const known = Object.keys(spec.props);
          const near = known.find((n) => n.replace(/[-_]/g, '') === k.replace(/[-_]/g, '').toLowerCase());
          problems.push({
            key: child,
            message: `unknown key "${k}"${near ? ` (did you mean "${near}"?)` : known.length ? `; known keys: ${known.join(', ')}` : ''}`,
            offset: koff,
            length: klen,
          });
          continue;
        }
        validateNode(pair.value as Node, sub, child, problems, koff);
      }
      for (const r of spec.required ?? []) {
        if (!seen.has(r))
          problems.push({
            key: key ? `${key}.${r}` : r,
            message: `missing required key "${r}"`,
            offset,
            length: Math.min(length, 1),
          });
      }
      return;
    }
  }
}
