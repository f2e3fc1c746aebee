// Strict parsing of query parameters: a malformed value is a QUERY_INVALID problem naming the parameter.
import type { Request } from 'express';
import { HttpProblem } from './problem.js';

export function intParam(req: Request, name: string, opts: { required?: boolean; min?: number; max?: number; fallback?: number } = {}): number {
  const value = req.query[name];
  if (value === undefined) {
    if (opts.fallback !== undefined) return opts.fallback;
    throw new HttpProblem('QUERY_INVALID', `query parameter '${name}' is required`, name);
  }
  if (typeof value !== 'string' || !/^\d{1,16}$/.test(value)) {
    throw new HttpProblem('QUERY_INVALID', `query parameter '${name}' must be a non-negative integer`, name);
  }
  const n = Number(value);
  if (!Number.isSafeInteger(n) || (opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
    throw new HttpProblem('QUERY_INVALID', `query parameter '${name}' is out of range`, name);
  }
  return n;
}
