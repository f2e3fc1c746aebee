// The shape of one transaction type: its schema, who signs it, and its transition function.
import type { ContractServices } from './keys.js';
import type { JsonSchema } from './schema-parts.js';
import type { Ctx, Outcome, StateView } from './types.js';

export interface TxHandler<B = unknown> {
  /** e.g. 'receipt.issue'. */
  readonly type: string;
  /** One line for --help and OpenAPI. */
  readonly summary: string;
  /** Who must sign, in words (for --help and OpenAPI). */
  readonly signedBy: string;
  /** JSON Schema of `tx.body`; apply only ever sees bodies that passed it. */
  readonly schema: JsonSchema;
  readonly apply: (view: StateView, body: B, ctx: Ctx, services: ContractServices | undefined) => Outcome;
}

/** Erases the body type so handlers of different bodies sit in one table. */
export function defineTx<B>(h: TxHandler<B>): TxHandler {
  return h as unknown as TxHandler;
}
