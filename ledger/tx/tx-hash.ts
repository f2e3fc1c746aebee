// The identity of a transaction: SHA-256 over its RFC 8785 canonical bytes. Contracts derive ids from it
// (contracts/types.ts Ctx.txHash), so it must not depend on key order or whitespace. Browser-safe: SHA-256 is
// sha256.ts's (OpenSSL on Node, @noble/hashes elsewhere; same bytes).
import type { Tx } from '../../contracts/types.js';
import { toHex } from '../encoding/bytes.js';
import { canonicalBytes } from '../encoding/canonical.js';
import { sha256 } from '../merkle/sha256.js';

/** Lowercase hex SHA-256 of JCS(tx) (RFC 8785). */
export function txHash(tx: Tx): string {
  return toHex(sha256(canonicalBytes(tx)));
}
