// Body validation with ajv (JSON Schema 2020-12), compiled once per transaction type at module load.
// A violation becomes TX_SCHEMA with `field` set to the JSON pointer of the field at fault, or the field's own
// `x-error-code` when the value has the right JSON type but the wrong form (e.g. QUANTITY_INVALID, ID_INVALID).
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { ERRORS, fail, type ErrorCode, type Failure } from './errors.js';
import type { JsonSchema } from './schema-parts.js';

const ajv = new Ajv2020({ strict: true, allErrors: false, verbose: true, coerceTypes: false, useDefaults: false });
ajv.addKeyword({ keyword: 'x-error-code', schemaType: 'string' });

export type BodyCheck = (body: unknown) => Failure | undefined;

function isErrorCode(x: unknown): x is ErrorCode {
  return typeof x === 'string' && Object.hasOwn(ERRORS, x);
}

function toFailure(e: ErrorObject): Failure {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'required') {
    return fail('TX_SCHEMA', `missing field '${String(params['missingProperty'])}'`, `${e.instancePath}/${String(params['missingProperty'])}`);
  }
  if (e.keyword === 'additionalProperties') {
    return fail('TX_SCHEMA', `unexpected field '${String(params['additionalProperty'])}'`, `${e.instancePath}/${String(params['additionalProperty'])}`);
  }
  const parent = e.parentSchema as Record<string, unknown> | undefined;
  const own = parent?.['x-error-code'];
  const code: ErrorCode = e.keyword !== 'type' && isErrorCode(own) ? own : 'TX_SCHEMA';
  return fail(code, `${e.instancePath || 'body'} ${e.message ?? 'is invalid'}`, e.instancePath);
}

/** Compiles `schema`; throws at load time if the schema itself is malformed (a programming error). */
export function compileBody(schema: JsonSchema): BodyCheck {
  const validate = ajv.compile(schema);
  return (body) => {
    if (validate(body)) return undefined;
    const first = validate.errors?.[0];
    return first ? toFailure(first) : fail('TX_SCHEMA', 'body is invalid', '');
  };
}
