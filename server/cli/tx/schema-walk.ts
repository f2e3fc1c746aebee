// Reading the transaction body schemas (JSON Schema 2020-12 as written by contracts/schema-parts.ts) for the CLI:
// which schema sits at a dotted path, and what JSON type a field has. Only the keywords those schemas use.
import type { JsonSchema } from '../../../contracts/index.js';

export type Schema = JsonSchema;

export const asSchema = (x: unknown): Schema | undefined =>
  typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Schema) : undefined;

export function properties(s: Schema): [string, Schema][] {
  const props = asSchema(s['properties']);
  if (props === undefined) return [];
  return Object.entries(props).flatMap(([name, sub]) => {
    const child = asSchema(sub);
    return child === undefined ? [] : [[name, child] as [string, Schema]];
  });
}

export function requiredNames(s: Schema): Set<string> {
  const req = s['required'];
  return new Set(Array.isArray(req) ? req.filter((r): r is string => typeof r === 'string') : []);
}

export function alternatives(s: Schema): Schema[] {
  const alts = s['oneOf'] ?? s['anyOf'];
  if (!Array.isArray(alts)) return [];
  return alts.flatMap((a: unknown): Schema[] => {
    const alt = asSchema(a);
    return alt === undefined ? [] : [alt];
  });
}

/** The JSON type a schema declares, or, for a oneOf of objects, 'object'; undefined when it says nothing. */
export function typeOf(s: Schema): string | undefined {
  if (typeof s['type'] === 'string') return s['type'];
  const alts = alternatives(s).map(typeOf);
  const first = alts[0];
  return first !== undefined && alts.every((t) => t === first) ? first : undefined;
}

const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

export const isArrayIndex = (segment: string): boolean => ARRAY_INDEX.test(segment);

/** The schema of member `segment` of a value described by `s` (property, array item, or any oneOf branch's). */
export function childSchema(s: Schema | undefined, segment: string): Schema | undefined {
  if (s === undefined) return undefined;
  if (typeOf(s) === 'array') return isArrayIndex(segment) ? asSchema(s['items']) : undefined;
  const own = properties(s).find(([name]) => name === segment)?.[1];
  if (own !== undefined) return own;
  for (const alt of alternatives(s)) {
    const found = childSchema(alt, segment);
    if (found !== undefined) return found;
  }
  return undefined;
}
