// API tokens: per-party bearer secrets. Only the SHA-256 of a token is stored; the token itself is shown once, at
// creation. Tokens expire and can be revoked. The TokenStore port has a SQLite adapter here; PostgreSQL later.
import { createHash, randomBytes } from 'node:crypto';

export interface TokenRecord {
  /** Public token id (safe to log and list): `tk_` + 12 hex. */
  readonly id: string;
  readonly party: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | undefined;
}

export interface TokenStore {
  insert(record: TokenRecord, secretHash: string): Promise<void>;
  /** The token whose secret hashes to `secretHash`, if any (regardless of expiry or revocation). */
  findByHash(secretHash: string): Promise<TokenRecord | undefined>;
  revoke(id: string, at: string): Promise<boolean>;
  list(party?: string): Promise<TokenRecord[]>;
}

/** Token format: `lh_<id hex>_<secret base64url>`; the id part lets an operator name a token without its secret. */
export function newToken(): { id: string; token: string } {
  const id = `tk_${randomBytes(6).toString('hex')}`;
  return { id, token: `lh_${id.slice(3)}_${randomBytes(32).toString('base64url')}` };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export type TokenCheck =
  | { readonly ok: true; readonly record: TokenRecord }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'revoked' | 'malformed' };

/** What newToken makes: `lh_`, 12 hex, `_`, 32 bytes in base64url. */
export const TOKEN_FORMAT = /^lh_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/;

export async function checkToken(store: TokenStore, token: string, nowMs: number): Promise<TokenCheck> {
  if (!TOKEN_FORMAT.test(token)) return { ok: false, reason: 'malformed' };
  const record = await store.findByHash(hashToken(token));
  if (record === undefined) return { ok: false, reason: 'unknown' };
  if (record.revokedAt !== undefined) return { ok: false, reason: 'revoked' };
  if (Date.parse(record.expiresAt) <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, record };
}
