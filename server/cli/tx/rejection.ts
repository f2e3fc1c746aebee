// A refused transaction as a CLI error: the stable code and the detail on one line, and what to do next.
import { errorInfo } from '../../http/error-catalogue.js';
import { CliError } from '../cli-error.js';

const FIELDS_HINT = (type: string) => `see the body fields with \`ledgerhouse tx ${type} --help\``;

const HINTS: Readonly<Record<string, (type: string) => string>> = {
  SIGNER_MISSING: (type) => `every required party must sign: pass a --key per signer, or collect signatures with --out and tx-sign (\`ledgerhouse tx ${type} --help\` says who signs)`,
  SIGNER_UNKNOWN: () => "a key file's name must be a registered party id; the operator registers parties with party.register",
  SIGNATURE_INVALID: () => "the key file does not hold the party's current key (was it rotated?)",
  SIGNER_REVOKED: () => 'the party was revoked and can no longer sign',
  ROLE_REQUIRED: (type) => `a signer lacks the role this transaction needs (\`ledgerhouse tx ${type} --help\`)`,
  TX_NONCE_REUSED: () => 'leave out --nonce for a fresh random one, or choose another',
  TX_SCHEMA: FIELDS_HINT,
  TX_MALFORMED: () => 'the transaction file or envelope was altered; rebuild it with `ledgerhouse tx … --out`',
  LOG_BUSY: () => 'the ledger is busy; retry in a moment',
  LOG_UNAVAILABLE: () => 'nothing was written; retry, and check the server logs if it persists',
};

/** `code` and `detail` as reported by the ledger (or the server's problem+json); `field` a JSON pointer. */
export function rejection(type: string, code: string, detail: string, field?: string): CliError {
  const title = errorInfo(code)?.title;
  const where = field === undefined || field === '' ? '' : ` (at ${field})`;
  const specific = HINTS[code]?.(type);
  const hint = specific ?? (/_INVALID$|_UNKNOWN$/.test(code) ? `${title ?? code}; ${FIELDS_HINT(type)}` : title);
  return new CliError(`transaction rejected: ${code}: ${detail}${where}`, hint);
}
