// Bearer-token authentication. A request without a token is anonymous (public endpoints only); a request with a
// bad, expired or revoked token is refused outright rather than silently treated as anonymous.
//
// A token that authenticated is remembered for `cacheMs` (LH_TOKEN_CACHE_MS, 1 s by default): within that time its
// next requests skip the token lookup and the party read, two SQLite reads that the telemetry writer's commits
// make expensive (each commit by another connection drops this connection's page cache). Expiry is still checked on
// every request; a revocation (`ledgerhouse token revoke`, another process) or a party that stops being active
// takes effect within `cacheMs`. Refusals are never remembered, so guessing tokens costs a lookup each time.
import type { NextFunction, Request, Response } from 'express';
import type { StateObject } from '../../contracts/types.js';
import type { Clock } from '../../ledger/clock.js';
import type { LedgerStore } from '../../ledger/store/ledger-store.js';
import { HttpProblem } from '../http/problem.js';
import { checkToken, hashToken, TOKEN_FORMAT, type TokenRecord, type TokenStore } from './token-store.js';

export interface Principal {
  readonly partyId: string;
  readonly role: string;
  readonly party: StateObject;
  readonly tokenId: string;
}

/** Most tokens remembered at once; the oldest is forgotten first. */
const CACHE_MAX = 10_000;

interface Remembered {
  readonly principal: Principal;
  readonly expiresAtMs: number;
  /** Clock time after which the token and party are read again. */
  readonly until: number;
}

export function authenticate(tokens: TokenStore, store: LedgerStore, clock: Clock, opts: { readonly cacheMs?: number } = {}) {
  const cacheMs = opts.cacheMs ?? 0;
  const remembered = new Map<string, Remembered>();
  const lookUp = async (token: string, key: string | undefined, now: number): Promise<Principal> => {
    if (key !== undefined) remembered.delete(key); // read again: forgotten whatever the answer, kept again only if accepted
    const check = await checkToken(tokens, token, now);
    if (!check.ok) throw new HttpProblem('UNAUTHENTICATED', `token is ${check.reason}`);
    const principal = await principalFor(store, check.record);
    if (key !== undefined) {
      if (remembered.size >= CACHE_MAX) remembered.delete(remembered.keys().next().value!);
      remembered.set(key, { principal, expiresAtMs: Date.parse(check.record.expiresAt), until: now + cacheMs });
    }
    return principal;
  };
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.headers.authorization;
    if (header === undefined) return next();
    const match = /^Bearer (\S+)$/.exec(header);
    if (match === null) return next(new HttpProblem('UNAUTHENTICATED', 'Authorization must be "Bearer <token>"'));
    const token = match[1]!;
    const now = clock.now();
    let principal: Principal;
    try {
      const key = cacheMs > 0 && TOKEN_FORMAT.test(token) ? hashToken(token) : undefined;
      const known = key === undefined ? undefined : remembered.get(key);
      if (known !== undefined && now < known.until) {
        if (known.expiresAtMs <= now) throw new HttpProblem('UNAUTHENTICATED', 'token is expired');
        principal = known.principal;
      } else {
        principal = await lookUp(token, key, now);
      }
    } catch (e) {
      return next(e);
    }
    res.locals['principal'] = principal;
    next();
  };
}

async function principalFor(store: LedgerStore, record: TokenRecord): Promise<Principal> {
  const found = await store.getState([{ kind: 'party', id: record.party }]);
  const party = found.get(`party:${record.party}`)?.object as (StateObject & { role?: string; status?: string }) | undefined;
  if (party === undefined || party.status !== 'active') throw new HttpProblem('UNAUTHENTICATED', 'the token’s party is not an active party');
  return { partyId: party.id, role: String(party.role), party, tokenId: record.id };
}

export function principalOf(res: Response): Principal | undefined {
  return res.locals['principal'] as Principal | undefined;
}

export function requirePrincipal(res: Response): Principal {
  const p = principalOf(res);
  if (p === undefined) throw new HttpProblem('UNAUTHENTICATED', 'this endpoint needs a bearer token');
  return p;
}
