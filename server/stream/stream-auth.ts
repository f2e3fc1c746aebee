// Authentication at the WebSocket upgrade: the same bearer tokens as the REST API, taken from the Authorization
// header or, for browsers (which cannot set headers on a WebSocket), from `?token=`. Checked before the handshake
// completes, so a bad token gets an HTTP 401 and never a socket.
import type { IncomingMessage } from 'node:http';
import type { StateObject } from '../../contracts/types.js';
import type { LedgerStore } from '../../ledger/store/ledger-store.js';
import { stateKey } from '../../ledger/store/ledger-store.js';
import type { Principal } from '../auth/authenticate.js';
import { checkToken, type TokenStore } from '../auth/token-store.js';
import { isIndex } from './stream-protocol.js';

export interface UpgradeRequest {
  readonly token: string;
  /** `?since=`: replay from this ledger index (a subscribe message may override it). */
  readonly since?: number;
}

/** Why an upgrade is refused: the HTTP status and a one-line reason. */
export interface UpgradeRefusal {
  readonly status: 400 | 401 | 404 | 503;
  readonly message: string;
}

const QUERY_NAMES = new Set(['token', 'since']);

/** Reads the token and `since` from an upgrade request; a refusal when the request is malformed or has no token. */
export function readUpgradeRequest(req: IncomingMessage, path: string): UpgradeRequest | UpgradeRefusal {
  const url = new URL(req.url ?? '/', 'http://stream.invalid');
  if (url.pathname !== path) return { status: 404, message: `no WebSocket endpoint at ${url.pathname}` };
  for (const name of url.searchParams.keys()) {
    if (!QUERY_NAMES.has(name)) return { status: 400, message: `unknown query parameter '${name}'` };
  }
  const queryTokens = url.searchParams.getAll('token');
  const sinceValues = url.searchParams.getAll('since');
  if (queryTokens.length > 1 || sinceValues.length > 1) return { status: 400, message: 'a query parameter is repeated' };
  let since: number | undefined;
  if (sinceValues.length === 1) {
    const raw = sinceValues[0]!;
    since = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
    if (!isIndex(since)) return { status: 400, message: "query parameter 'since' must be a non-negative integer" };
  }
  const header = req.headers.authorization;
  if (header !== undefined && queryTokens.length > 0) return { status: 400, message: 'give the token in the header or the query, not both' };
  let token = queryTokens[0];
  if (header !== undefined) {
    const match = /^Bearer (\S+)$/.exec(header);
    if (match === null) return { status: 401, message: 'Authorization must be "Bearer <token>"' };
    token = match[1];
  }
  if (token === undefined) return { status: 401, message: 'a bearer token is required (Authorization header or ?token=)' };
  return since === undefined ? { token } : { token, since };
}

export function isRefusal(r: UpgradeRequest | UpgradeRefusal): r is UpgradeRefusal {
  return 'status' in r;
}

/** The principal a token stands for, or why it stands for none (unknown, expired, revoked, malformed, inactive). */
export async function principalForToken(
  tokens: TokenStore,
  store: LedgerStore,
  token: string,
  nowMs: number,
): Promise<{ ok: true; principal: Principal } | { ok: false; reason: string }> {
  const check = await checkToken(tokens, token, nowMs);
  if (!check.ok) return { ok: false, reason: `token is ${check.reason}` };
  const party = (await store.getState([{ kind: 'party', id: check.record.party }])).get(stateKey('party', check.record.party))
    ?.object as (StateObject & { role?: unknown; status?: unknown }) | undefined;
  if (party === undefined || party.status !== 'active') return { ok: false, reason: 'the token’s party is not an active party' };
  return { ok: true, principal: { partyId: party.id, role: String(party.role), party, tokenId: check.record.id } };
}
