// The identity of a transaction: SHA-256 over its RFC 8785 canonical bytes. Contracts derive ids from it
// (contracts/types.ts Ctx.txHash), so it must not depend on key order or whitespace. Browser-safe.
import { sha256 } from '@noble/hashes/sha2.js';
import type { Tx } from '../../contracts/types.js';
import { toHex } from '../encoding/bytes.js';
import { canonicalBytes } from '../encoding/canonical.js';

/** Lowercase hex SHA-256 of JCS(tx) (RFC 8785). */
export function txHash(tx: Tx): string {
  return toHex(sha256(canonicalBytes(tx)));
}
