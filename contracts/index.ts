// The contracts' entry point: apply(view, signedTx, ctx, services?) → Outcome. Pure: no I/O, no clock, no
// randomness; everything outside the transaction comes from `view` and `ctx`.
import { fail } from './errors.js';
import type { ContractServices } from './keys.js';
import { read } from './read.js';
import { REGISTRY, TX_TYPES } from './registry.js';
import type { JsonSchema } from './schema-parts.js';
import type { Ctx, Outcome, SignedTx, StateView } from './types.js';

export { ERRORS, type ErrorCode } from './errors.js';
export { RULE_IDS } from './rules.js';
export { canRead, isUnderLien, publicStatus, type PublicStatus } from './access.js';
export type * from './state.js';
export { DEVICE_KINDS, SEVERITIES } from './state.js';
export type * from './types.js';
export { StateMiss } from './types.js';
export type * from './covenants.js';
export { WEEKDAYS } from './covenants.js';
export type { ContractServices } from './keys.js';
export type { JsonSchema } from './schema-parts.js';
export { UNITS, MAX_QUANTITY_UNITS } from './quantity.js';
export { CURRENCIES, MAX_AMOUNT_UNITS } from './money.js';
export { objectId, lotKey } from './ids.js';
export { TX_TYPES };

export const GENESIS_TYPE = 'ledger.genesis';

/** The JSON Schema of `tx.body` for `type` (every field has a description). Throws RangeError for an unknown type. */
export function txBodySchema(type: string): JsonSchema {
  const r = REGISTRY.get(type);
  if (r === undefined) throw new RangeError(`unknown transaction type '${type}'`);
  return r.handler.schema;
}

/** One-line summary and signer description of `type`, for --help and OpenAPI. */
export function txInfo(type: string): { readonly summary: string; readonly signedBy: string } {
  const r = REGISTRY.get(type);
  if (r === undefined) throw new RangeError(`unknown transaction type '${type}'`);
  return { summary: r.handler.summary, signedBy: r.handler.signedBy };
}

/** Applies one signed transaction to the state seen through `view`. Never writes; returns what to write. */
export function apply(view: StateView, signed: SignedTx, ctx: Ctx, services?: ContractServices): Outcome {
  const { tx } = signed;
  const entry = REGISTRY.get(tx.type);
  if (entry === undefined) return fail('TX_UNKNOWN_TYPE', `unknown transaction type '${tx.type}'`);
  if (tx.type !== GENESIS_TYPE && read(view, 'meta', 'genesis') === undefined) {
    return fail('GENESIS_REQUIRED', 'the first entry must be ledger.genesis'); // [GEN-1]
  }
  const invalid = entry.check(tx.body);
  if (invalid) return invalid;
  return entry.handler.apply(view, tx.body, ctx, services);
}
