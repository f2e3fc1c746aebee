// The RFC 8785 form of a transaction, computed once and reused for everything derived from it: the tx hash
// (its identity), the bytes its signatures cover, and the entry that carries it into the log. Browser-safe:
// SHA-256 is sha256.ts's (OpenSSL on Node, @noble/hashes elsewhere; same bytes).
import type { Tx } from '../../contracts/types.js';
import { toHex, utf8 } from '../encoding/bytes.js';
import { canonicalJson } from '../encoding/canonical.js';
import { domainMessage } from '../crypto/domain.js';
import { sha256 } from '../merkle/sha256.js';

export interface TxForms {
  /** JCS(tx) as text (RFC 8785). */
  readonly text: string;
  /** Lowercase hex SHA-256 of JCS(tx): what tx-hash.ts `txHash` returns. */
  readonly hash: string;
  /** "ledgerhouse/v1/tx\n" ‖ JCS(tx): what sign-tx.ts `txSigningBytes` returns. */
  readonly signingBytes: Uint8Array;
}

export function txForms(tx: Tx): TxForms {
  return txFormsOfText(canonicalJson(tx));
}

/** The forms of a transaction whose RFC 8785 text is already known (e.g. entry.ts `decodeEntryText`). */
export function txFormsOfText(text: string): TxForms {
  const bytes = utf8(text);
  return { text, hash: toHex(sha256(bytes)), signingBytes: domainMessage('tx', bytes) };
}
