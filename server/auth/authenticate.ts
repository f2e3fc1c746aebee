// Bearer-token authentication. A request without a token is anonymous (public endpoints only); a request with a
// bad, expired or revoked token is refused outright rather than silently treated as anonymous.
import type { NextFunction, Request, Response } from 'express';
import type { StateObject } from '../../contracts/types.js';
import type { Clock } from '../../ledger/clock.js';
import type { LedgerStore } from '../../ledger/store/ledger-store.js';
import { HttpProblem } from '../http/problem.js';
import { checkToken, type TokenStore } from './token-store.js';

export interface Principal {
  readonly partyId: string;
  readonly role: string;
  readonly party: StateObject;
  readonly tokenId: string;
}

export function authenticate(tokens: TokenStore, store: LedgerStore, clock: Clock) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.headers.authorization;
    if (header === undefined) return next();
    const match = /^Bearer (\S+)$/.exec(header);
    if (match === null) return next(new HttpProblem('UNAUTHENTICATED', 'Authorization must be "Bearer <token>"'));
    const check = await checkToken(tokens, match[1]!, clock.now());
    if (!check.ok) return next(new HttpProblem('UNAUTHENTICATED', `token is ${check.reason}`));
    const found = await store.getState([{ kind: 'party', id: check.record.party }]);
    const party = found.get(`party:${check.record.party}`)?.object as (StateObject & { role?: string; status?: string }) | undefined;
    if (party === undefined || party.status !== 'active') {
      return next(new HttpProblem('UNAUTHENTICATED', 'the token’s party is not an active party'));
    }
    const principal: Principal = { partyId: party.id, role: String(party.role), party, tokenId: check.record.id };
    res.locals['principal'] = principal;
    next();
  };
}

export function principalOf(res: Response): Principal | undefined {
  return res.locals['principal'] as Principal | undefined;
}

export function requirePrincipal(res: Response): Principal {
  const p = principalOf(res);
  if (p === undefined) throw new HttpProblem('UNAUTHENTICATED', 'this endpoint needs a bearer token');
  return p;
}
