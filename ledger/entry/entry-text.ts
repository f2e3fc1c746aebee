// The RFC 8785 text of a ledger entry composed from the canonical texts of its members, so that neither the
// sequencer nor a verifier canonicalises the transaction (most of the entry) a second time. RFC 8785 §3.2.3
// serialises an object member by member in sorted key order — index, sigs, time, tx, v — each value in its own
// canonical form; RFC 8785 §3.2.2.3 writes a safe integer as its plain decimal digits. Browser-safe.
import { canonicalJson } from '../encoding/canonical.js';

const TAIL = ',"v":1}';

/** Everything before JCS(tx): `{"index":…,"sigs":…,"time":…,"tx":`. */
function head(index: number, time: string, sigsText: string): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`index: expected a non-negative safe integer, got ${index}`);
  return `{"index":${index},"sigs":${sigsText},"time":${canonicalJson(time)},"tx":`;
}

/** JCS({v: 1, index, time, tx, sigs}) given JCS(tx) as `txText` and JCS(sigs) as `sigsText`. */
export function entryText(index: number, time: string, txText: string, sigsText: string): string {
  return head(index, time, sigsText) + txText + TAIL;
}

/** `text === entryText(…)`, compared piece by piece without building the entry's text. */
export function isEntryText(text: string, index: number, time: string, txText: string, sigsText: string): boolean {
  const h = head(index, time, sigsText);
  return text.length === h.length + txText.length + TAIL.length && text.startsWith(h) && text.startsWith(txText, h.length) && text.endsWith(TAIL);
}
