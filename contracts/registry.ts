// Every transaction type, in one table; bodies are validated against each schema compiled once at load.
import type { TxHandler } from './tx-handler.js';
import { ledgerGenesis } from './tx/ledger-genesis.js';
import { partyRegister } from './tx/party-register.js';
import { partyRevoke } from './tx/party-revoke.js';
import { partyRotateKey } from './tx/party-rotate-key.js';
import { compileBody, type BodyCheck } from './validate-body.js';

const HANDLERS: readonly TxHandler[] = [
  ledgerGenesis, partyRegister, partyRotateKey, partyRevoke,
];

export interface RegisteredTx {
  readonly handler: TxHandler;
  readonly check: BodyCheck;
}

export const REGISTRY: ReadonlyMap<string, RegisteredTx> = new Map(
  HANDLERS.map((handler) => [handler.type, { handler, check: compileBody(handler.schema) }]),
);

export const TX_TYPES: readonly string[] = Object.freeze(HANDLERS.map((h) => h.type));
