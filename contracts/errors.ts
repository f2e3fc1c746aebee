// The one catalogue of contract rejection codes. `status` is the HTTP status the server answers with
// (400 bad input, 403 signer or authority, 404 unknown object, 409 state conflict); `title` is the RFC 9457
// problem title. Codes are stable: add new ones, never rename or reuse one.
import type { ContractError, Outcome } from './types.js';

export const ERRORS = {
  // envelope and schema
  TX_UNKNOWN_TYPE: { status: 400, title: 'Unknown transaction type' },
  TX_SCHEMA: { status: 400, title: 'Transaction body is missing a field, has an extra one, or one of the wrong type' },
  // genesis
  GENESIS_REQUIRED: { status: 409, title: 'The ledger has no genesis entry yet' },
  GENESIS_DONE: { status: 409, title: 'The ledger already has its genesis entry' },
  GENESIS_NOT_FIRST: { status: 409, title: 'Genesis must be the entry at index 0' },
  // signers and parties
  SIGNER_MISSING: { status: 403, title: 'A required party has not signed (or its key is no longer valid)' },
  ROLE_REQUIRED: { status: 403, title: 'The party does not have the role this transaction requires' },
  PARTY_NOT_FOUND: { status: 404, title: 'No such party' },
  PARTY_EXISTS: { status: 409, title: 'A party with this id is already registered' },
  PARTY_REVOKED: { status: 409, title: 'The party has been revoked' },
  PARTY_REVOKE_FORBIDDEN: { status: 409, title: 'The operator cannot be revoked' },
  ID_INVALID: { status: 400, title: 'Id must match [a-z0-9][a-z0-9-]{1,62}' },
  KEY_INVALID: { status: 400, title: 'Public key is not an acceptable base64 32-byte Ed25519 key' },
  KEY_REUSED: { status: 409, title: 'The party has held this key before' },
  // devices
  DEVICE_NOT_FOUND: { status: 404, title: 'No such device' },
  DEVICE_EXISTS: { status: 409, title: 'A device with this id is already registered' },
  DEVICE_REVOKED: { status: 409, title: 'The device has been revoked' },
  DEVICE_NOT_OWNER: { status: 403, title: 'The device belongs to another warehouse' },
  // lots and quantities
  LOT_NOT_FOUND: { status: 404, title: 'No such lot at this warehouse' },
  LOT_EXISTS: { status: 409, title: 'The lot has already been deposited' },
  LOT_MISMATCH: { status: 409, title: 'Goods identity does not match the deposited lot' },
  LOT_OVER_DEPOSITED: { status: 409, title: 'Receipts would exceed the quantity deposited in the lot' },
  UNIT_UNKNOWN: { status: 400, title: 'Unknown unit of quantity' },
  QUANTITY_INVALID: { status: 400, title: 'Quantity is not a positive decimal with the unit\'s decimals' },
  QUANTITY_OVERFLOW: { status: 400, title: 'Quantity exceeds the largest quantity the ledger accepts' },
  QUANTITY_NOT_CONSERVED: { status: 400, title: 'Quantities do not add up to the receipt\'s quantity' },
  CURRENCY_UNKNOWN: { status: 400, title: 'Unknown ISO 4217 currency code' },
  AMOUNT_INVALID: { status: 400, title: 'Amount is not a positive decimal with the currency\'s decimals' },
  AMOUNT_OVERFLOW: { status: 400, title: 'Amount exceeds the largest amount the ledger accepts' },
  TIME_INVALID: { status: 400, title: 'Time is not valid RFC 3339 UTC, or times are out of order' },
  // receipts
  RECEIPT_NOT_FOUND: { status: 404, title: 'No such receipt' },
  RECEIPT_NOT_HOLDER: { status: 403, title: 'Only the holder may do this' },
  RECEIPT_NOT_WAREHOUSE: { status: 403, title: 'Only the issuing warehouse may do this' },
  RECEIPT_PLEDGED: { status: 409, title: 'The receipt is under a lien' },
  RECEIPT_FROZEN: { status: 409, title: 'The receipt is frozen by an open critical alert' },
  RECEIPT_REDEEMED: { status: 409, title: 'The receipt has been redeemed' },
  RECEIPT_INOPERATIVE: { status: 409, title: 'The receipt is inoperative (split, merged, or on paper)' },
  RECEIPT_EXPIRED: { status: 409, title: 'The perishable goods have passed their expiry' },
  RECEIPT_NOT_PAPER: { status: 409, title: 'The receipt was not converted to paper' },
  PAPER_SERIAL_MISMATCH: { status: 409, title: 'The paper serial does not match the converted receipt' },
  PAPER_ALREADY_SURRENDERED: { status: 409, title: 'This paper receipt was already re-issued electronically' },
  TRANSFER_TO_SELF: { status: 400, title: 'The receipt already belongs to this party' },
  MERGE_DUPLICATE: { status: 400, title: 'A receipt appears twice in the merge' },
  MERGE_MISMATCH: { status: 409, title: 'Only receipts of the same lot, commodity, grade, unit and holder merge' },
  // pledges
  PLEDGE_NOT_FOUND: { status: 404, title: 'No such pledge' },
  PLEDGE_ALREADY_ACTIVE: { status: 409, title: 'The receipt already has an active pledge' },
  PLEDGE_NOT_ACTIVE: { status: 409, title: 'The pledge is no longer active' },
  PLEDGE_NOT_LIENHOLDER: { status: 403, title: 'Only the lienholder may do this' },
  PLEDGE_SELF: { status: 400, title: 'A holder cannot pledge to itself' },
  PLEDGE_MATURITY_PAST: { status: 400, title: 'Maturity must lie after the pledge is created' },
  COVENANT_INVALID: { status: 400, title: 'A covenant is malformed or impossible to meet' },
  // alerts
  ALERT_NOT_FOUND: { status: 404, title: 'No such alert' },
  ALERT_NOT_OPEN: { status: 409, title: 'The alert is already resolved' },
  ALERT_NOT_RESOLVER: { status: 403, title: 'Only the pledge\'s bank or the receipt\'s warehouse resolves this alert' },
  ALERT_PLEDGE_MISMATCH: { status: 409, title: 'The pledge does not cover this receipt' },
} as const satisfies Record<string, { readonly status: 400 | 403 | 404 | 409; readonly title: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** A failed outcome. */
export type Failure = Extract<Outcome, { ok: false }>;

/** A rejection with a stable code, a message naming what is wrong, and the body field at fault when known. */
export function fail(code: ErrorCode, message: string, field?: string): Failure {
  const error: ContractError = field === undefined ? { code, message } : { code, message, field };
  return { ok: false, error };
}

/** Either a value or a rejection; loaders and parsers return this so a caller can `if (!r.ok) return r`. */
export type Checked<T> = { readonly ok: true; readonly value: T } | Failure;

export function okValue<T>(value: T): Checked<T> {
  return { ok: true, value };
}
