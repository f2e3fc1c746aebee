// One list of stable error codes (ledger + contracts + HTTP), one place that maps them to HTTP (fastify's
// catalogue pattern). The README's error-code table is checked against `allErrorCodes()` by a test.
import { ERRORS as CONTRACT_ERRORS } from '../../contracts/errors.js';
import { LEDGER_ERRORS } from '../../ledger/errors.js';
import { STREAM_ERRORS } from '../stream/stream-errors.js';
import { WEBHOOK_ERRORS } from '../webhooks/webhook-errors.js';

export const HTTP_ERRORS = {
  NOT_FOUND: { status: 404, title: 'No such resource, or not visible to you' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'This method is not supported on this resource' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body must be application/json' },
  BODY_TOO_LARGE: { status: 413, title: 'The request body exceeds the size limit' },
  QUERY_INVALID: { status: 400, title: 'A query parameter is missing, malformed or out of bounds' },
  UNAUTHENTICATED: { status: 401, title: 'A valid bearer token is required' },
  NOT_ANCHORED_YET: { status: 409, title: 'The reading is stored but its batch is not yet anchored in a published checkpoint' },
  INTERNAL: { status: 500, title: 'Internal error; it was logged with the request id' },
} as const;

export interface ErrorInfo {
  readonly status: number;
  readonly title: string;
}

const CATALOGUE: Readonly<Record<string, ErrorInfo>> = {
  ...HTTP_ERRORS,
  ...LEDGER_ERRORS,
  ...WEBHOOK_ERRORS,
  ...STREAM_ERRORS,
  ...(CONTRACT_ERRORS as Readonly<Record<string, ErrorInfo>>),
};

export function errorInfo(code: string): ErrorInfo | undefined {
  return CATALOGUE[code];
}

export function allErrorCodes(): { code: string; status: number; title: string }[] {
  return Object.entries(CATALOGUE)
    .map(([code, info]) => ({ code, status: info.status, title: info.title }))
    .sort((a, b) => a.code.localeCompare(b.code));
}
