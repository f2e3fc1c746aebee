// Leaf bytes of a new entry, composed from the transaction's canonical text that the pipeline already has
// (tx-forms.ts), instead of canonicalising the whole entry — and so the transaction — again. RFC 8785 §3.2.3
// serialises an object member by member in sorted key order, each value in its own canonical form, so embedding
// JCS(tx) as the value of "tx" gives exactly JCS(entry). Tests check equality with entry.ts `encodeEntry`.
import type { Sig } from '../../contracts/types.js';
import { utf8 } from '../encoding/bytes.js';
import { canonicalJson } from '../encoding/canonical.js';

/** JCS({v: 1, index, time, tx, sigs}) given JCS(tx) as `txText`. Keys in RFC 8785 order: index, sigs, time, tx, v. */
export function entryBytes(index: number, time: string, txText: string, sigs: readonly Sig[]): Uint8Array {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`index: expected a non-negative safe integer, got ${index}`);
  return utf8(`{"index":${canonicalJson(index)},"sigs":${canonicalJson(sigs)},"time":${canonicalJson(time)},"tx":${txText},"v":1}`);
}

/** JCS({sigs, tx}) — the signed envelope — given JCS(tx) as `txText`. Keys in order: sigs, tx. */
export function signedTxText(txText: string, sigs: readonly Sig[]): string {
  return `{"sigs":${canonicalJson(sigs)},"tx":${txText}}`;
}
