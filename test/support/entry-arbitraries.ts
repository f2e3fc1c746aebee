// fast-check generators of transactions, signatures and entries with arbitrary (also non-ASCII) JSON content,
// for the properties that composing canonical texts gives exactly RFC 8785 of the whole.
import fc from 'fast-check';
import type { LedgerEntry } from '../../ledger/entry/entry.js';

export const sigArb = fc.record({ signer: fc.string({ minLength: 1, maxLength: 12 }), sig: fc.base64String({ maxLength: 88 }) });

export const txArb = fc.record({
  v: fc.constant(1 as const),
  type: fc.string({ maxLength: 20 }),
  nonce: fc.string({ unit: 'grapheme', maxLength: 20 }),
  ts: fc.string({ maxLength: 30 }),
  body: fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
});

export const entryArb = fc.record({
  v: fc.constant(1 as const), index: fc.nat(), time: fc.string({ unit: 'grapheme', maxLength: 30 }), tx: txArb, sigs: fc.array(sigArb, { maxLength: 3 }),
}) as fc.Arbitrary<LedgerEntry>;
