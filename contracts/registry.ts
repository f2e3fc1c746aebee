// Every transaction type, in one table; bodies are validated against each schema compiled once at load.
import type { TxHandler } from './tx-handler.js';
import { alertRaise } from './tx/alert-raise.js';
import { alertResolve } from './tx/alert-resolve.js';
import { deviceRegister } from './tx/device-register.js';
import { deviceRevoke } from './tx/device-revoke.js';
import { lotDeposit } from './tx/lot-deposit.js';
import { pledgeCreate } from './tx/pledge-create.js';
import { pledgeEnforce } from './tx/pledge-enforce.js';
import { pledgePartialRelease } from './tx/pledge-partial-release.js';
import { pledgeRelease } from './tx/pledge-release.js';
import { receiptFromPaper } from './tx/receipt-from-paper.js';
import { receiptIssue } from './tx/receipt-issue.js';
import { receiptMerge } from './tx/receipt-merge.js';
import { receiptRedeem } from './tx/receipt-redeem.js';
import { receiptSplit } from './tx/receipt-split.js';
import { receiptToPaper } from './tx/receipt-to-paper.js';
import { receiptTransfer } from './tx/receipt-transfer.js';
import { telemetryAnchor } from './tx/telemetry-anchor.js';
import { ledgerGenesis } from './tx/ledger-genesis.js';
import { partyRegister } from './tx/party-register.js';
import { partyRevoke } from './tx/party-revoke.js';
import { partyRotateKey } from './tx/party-rotate-key.js';
import { compileBody, type BodyCheck } from './validate-body.js';

const HANDLERS: readonly TxHandler[] = [
  ledgerGenesis, partyRegister, partyRotateKey, partyRevoke, deviceRegister, deviceRevoke, lotDeposit,
  receiptIssue, receiptTransfer, receiptSplit, receiptMerge, receiptRedeem, receiptToPaper, receiptFromPaper,
  pledgeCreate, pledgeRelease, pledgePartialRelease, pledgeEnforce, alertRaise, alertResolve, telemetryAnchor,
];

export interface RegisteredTx {
  readonly handler: TxHandler;
  readonly check: BodyCheck;
}

export const REGISTRY: ReadonlyMap<string, RegisteredTx> = new Map(
  HANDLERS.map((handler) => [handler.type, { handler, check: compileBody(handler.schema) }]),
);

export const TX_TYPES: readonly string[] = Object.freeze(HANDLERS.map((h) => h.type));
