// Building blocks for transaction body schemas (JSON Schema 2020-12, as OpenAPI 3.1 uses). Every field gets a
// `description`, which the CLI renders as --help and the server publishes. `x-error-code` names the stable
// code for a value that has the right JSON type but the wrong form (see validate-body.ts).
import { CHOSEN_ID_PATTERN, LOT_REF_PATTERN } from './ids.js';
import { UNIT_NAMES } from './quantity.js';
import { UTC_TIME_PATTERN } from './time.js';
import type { ErrorCode } from './errors.js';

export type JsonSchema = Readonly<Record<string, unknown>>;

export function text(description: string, maxLength = 256, minLength = 1): JsonSchema {
  return { type: 'string', description, minLength, maxLength };
}

export function oneOf(description: string, values: readonly string[], code?: ErrorCode): JsonSchema {
  return { type: 'string', description, enum: [...values], ...(code ? { 'x-error-code': code } : {}) };
}

export function chosenId(description: string): JsonSchema {
  return { type: 'string', description, pattern: CHOSEN_ID_PATTERN, 'x-error-code': 'ID_INVALID' };
}

export const partyRef = (description: string): JsonSchema => text(`${description} (party id)`, 63);
export const objectRef = (description: string): JsonSchema => text(description, 64);

export const lotRef = (description: string): JsonSchema => ({
  type: 'string', description, pattern: LOT_REF_PATTERN, 'x-error-code': 'ID_INVALID',
});

export const publicKey = (description: string): JsonSchema => ({
  type: 'string', description: `${description}: base64 of the 32-byte Ed25519 public key`,
  maxLength: 64, 'x-error-code': 'KEY_INVALID',
});

export const quantity = (description: string): JsonSchema => ({
  type: 'string', description: `${description}: decimal string, at most the unit's decimals, e.g. "12.500"`,
  pattern: '^(0|[1-9][0-9]*)(\\.[0-9]+)?$', 'x-error-code': 'QUANTITY_INVALID',
});

export const amount = (description: string): JsonSchema => ({
  type: 'string', description: `${description}: decimal string, at most the currency's minor-unit decimals`,
  pattern: '^(0|[1-9][0-9]*)(\\.[0-9]+)?$', 'x-error-code': 'AMOUNT_INVALID',
});

export const unit = (description: string): JsonSchema => oneOf(description, UNIT_NAMES, 'UNIT_UNKNOWN');

export const utcTime = (description: string): JsonSchema => ({
  type: 'string', description: `${description}: RFC 3339 UTC, e.g. 2026-11-24T02:14:28.000Z`,
  pattern: UTC_TIME_PATTERN, 'x-error-code': 'TIME_INVALID',
});

export const sha256Hex = (description: string): JsonSchema => ({
  type: 'string', description: `${description}: lowercase hex SHA-256`, pattern: '^[0-9a-f]{64}$',
});

export function integer(description: string, minimum: number, maximum: number): JsonSchema {
  return { type: 'integer', description, minimum, maximum };
}

export function num(description: string, minimum: number, maximum: number): JsonSchema {
  return { type: 'number', description, minimum, maximum };
}

export function list(description: string, items: JsonSchema, minItems: number, maxItems: number): JsonSchema {
  return { type: 'array', description, items, minItems, maxItems, uniqueItems: true };
}

/** A closed object: `required` fields must be present, `optional` ones may be, nothing else is allowed. */
export function object(
  description: string,
  required: Readonly<Record<string, JsonSchema>>,
  optional: Readonly<Record<string, JsonSchema>> = {},
): JsonSchema {
  return {
    type: 'object',
    description,
    properties: { ...required, ...optional },
    required: Object.keys(required),
    additionalProperties: false,
  };
}
