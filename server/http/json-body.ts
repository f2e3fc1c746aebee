// Request bodies for signed data: read raw bytes (bounded), insist on application/json, and parse strictly
// (duplicate keys rejected: JSON.parse — and so express.json — silently keeps the last one).
import express, { type NextFunction, type Request, type Response } from 'express';
import { parseStrictJson } from '../../ledger/encoding/strict-json.js';
import { HttpProblem } from './problem.js';

export function strictJsonBody(limitBytes: number) {
  const raw = express.raw({ type: () => true, limit: limitBytes });
  return [
    (req: Request, _res: Response, next: NextFunction) => {
      if (!req.is('application/json')) {
        next(new HttpProblem('UNSUPPORTED_MEDIA_TYPE', `expected Content-Type application/json, got ${req.headers['content-type'] ?? 'none'}`));
        return;
      }
      next();
    },
    raw,
    (req: Request, _res: Response, next: NextFunction) => {
      try {
        const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        req.body = parseStrictJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
        next();
      } catch (e) {
        next(e instanceof TypeError ? new HttpProblem('JSON_MALFORMED', 'request body is not valid UTF-8') : e);
      }
    },
  ];
}
