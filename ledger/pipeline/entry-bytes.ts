// Leaf bytes of a new entry, composed from the transaction's canonical text that the pipeline already has
// (tx-forms.ts), instead of canonicalising the whole entry — and so the transaction — again (entry-text.ts says
// why the composition is exactly JCS(entry)). Tests check equality with entry.ts `encodeEntry`.
import type { Sig } from '../../contracts/types.js';
import { utf8 } from '../encoding/bytes.js';
import { canonicalJson } from '../encoding/canonical.js';
import { entryText } from '../entry/entry-text.js';

/** JCS({v: 1, index, time, tx, sigs}) given JCS(tx) as `txText`. Keys in RFC 8785 order: index, sigs, time, tx, v. */
export function entryBytes(index: number, time: string, txText: string, sigs: readonly Sig[]): Uint8Array {
  return utf8(entryText(index, time, txText, canonicalJson(sigs)));
}

/** JCS({sigs, tx}) — the signed envelope — given JCS(tx) as `txText`. Keys in order: sigs, tx. */
export function signedTxText(txText: string, sigs: readonly Sig[]): string {
  return `{"sigs":${canonicalJson(sigs)},"tx":${txText}}`;
}
