// RFC 9457 problem details. Every error the HTTP API returns goes through `sendProblem`, with a stable `code`.
import type { Request, Response } from 'express';
import { StrictJsonError } from '../../ledger/encoding/strict-json.js';
import { ContractRejection, LedgerError } from '../../ledger/errors.js';
import { errorInfo } from './error-catalogue.js';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail?: string;
  readonly instance?: string;
  readonly field?: string;
  readonly requestId?: string;
}

/** An error raised by route handlers that should become a problem response. */
export class HttpProblem extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HttpProblem';
  }
}

export function problemType(code: string): string {
  return `urn:ledgerhouse:error:${code}`;
}

/** Map anything thrown to (code, detail, field); unknown errors become INTERNAL without leaking details. */
export function classify(err: unknown): { code: string; detail: string; field?: string; retryAfter?: number } {
  if (err instanceof HttpProblem) return { code: err.code, detail: err.message, field: err.field };
  if (err instanceof LedgerError) return { code: err.code, detail: err.message, field: err.field, retryAfter: err.retryAfterSeconds };
  if (err instanceof ContractRejection) return { code: err.error.code, detail: err.error.message, field: err.error.field };
  if (err instanceof StrictJsonError) return { code: err.code, detail: err.message };
  const e = err as { type?: string; status?: number; expose?: boolean };
  if (e?.type === 'entity.too.large') return { code: 'BODY_TOO_LARGE', detail: 'request body exceeds the limit' };
  if (e?.type === 'entity.parse.failed') return { code: 'JSON_MALFORMED', detail: 'request body is not valid JSON' };
  return { code: 'INTERNAL', detail: 'internal error' };
}

export function sendProblem(req: Request, res: Response, err: unknown): void {
  const { code, detail, field, retryAfter } = classify(err);
  const info = errorInfo(code) ?? { status: 500, title: 'Internal error' };
  const requestId = res.getHeader('x-request-id');
  const body: Problem = {
    type: problemType(code),
    title: info.title,
    status: info.status,
    code,
    detail,
    instance: req.originalUrl,
    ...(field === undefined ? {} : { field }),
    ...(typeof requestId === 'string' ? { requestId } : {}),
  };
  if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
  res.status(info.status).type('application/problem+json').send(JSON.stringify(body));
}
