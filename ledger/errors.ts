// Stable error codes raised by the ledger itself (envelope, signatures, sequencing, reads). Contract rule
// violations have their own catalogue in contracts/errors.ts; server/http/error-catalogue.ts joins both and is the
// one place that maps codes to HTTP.
import type { ContractError } from '../contracts/types.js';

export const LEDGER_ERRORS = {
  JSON_MALFORMED: { status: 400, title: 'The body is not valid JSON' },
  JSON_DUPLICATE_KEY: { status: 400, title: 'A JSON object repeats a key (ambiguous for signed data)' },
  JSON_TOO_DEEP: { status: 400, title: 'The JSON nests deeper than allowed' },
  TX_MALFORMED: { status: 400, title: 'The signed transaction envelope has a missing, extra or mistyped field' },
  TX_TOO_LARGE: { status: 413, title: 'The signed transaction exceeds the size limit' },
  TX_NONCE_REUSED: { status: 409, title: 'Another transaction by this signer already used this nonce' },
  SIGNER_UNKNOWN: { status: 403, title: 'A signature names a party that is not registered' },
  SIGNER_REVOKED: { status: 403, title: 'A signature is by a party that has been revoked' },
  SIGNATURE_INVALID: { status: 403, title: "A signature does not verify against the signer's current key" },
  LOG_BUSY: { status: 503, title: 'The sequencer queue is full; retry after the indicated delay' },
  LOG_UNAVAILABLE: { status: 503, title: 'The log could not commit the batch; nothing was written' },
  LOG_INCONSISTENT: { status: 500, title: 'The log refused to sign a checkpoint inconsistent with the previous one' },
  INDEX_OUT_OF_RANGE: { status: 400, title: 'An index or size is outside the log' },
} as const;

export type LedgerErrorCode = keyof typeof LEDGER_ERRORS;

export class LedgerError extends Error {
  readonly status: number;
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
    readonly field?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'LedgerError';
    this.status = LEDGER_ERRORS[code].status;
  }
}

/** A contract refused the transaction; carries the contract's stable code. */
export class ContractRejection extends Error {
  constructor(readonly error: ContractError) {
    super(error.message);
    this.name = 'ContractRejection';
  }
  get code(): string {
    return this.error.code;
  }
}
