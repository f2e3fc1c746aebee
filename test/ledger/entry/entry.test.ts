import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Sig, Tx } from '../../../contracts/types.js';
import { canonicalJson } from '../../../ledger/encoding/canonical.js';
import { decodeEntry, decodeEntryText, encodeEntry, EntryFormatError, type LedgerEntry } from '../../../ledger/entry/entry.js';
import { entryText, isEntryText } from '../../../ledger/entry/entry-text.js';
import { entryArb } from '../../support/entry-arbitraries.js';

const enc = new TextEncoder();
const sample: LedgerEntry = {
  v: 1, index: 7, time: '2026-11-24T00:00:00.000Z',
  tx: { v: 1, type: 'receipt.transfer', nonce: 'n-1', ts: '2026-11-24T00:00:00.000Z', body: { receipt: 'rc-1', to: 'holder-2', qty: 1.5 } } as Tx,
  sigs: [{ signer: 'holder-1', sig: 'c2ln' }] as Sig[],
};
const text = new TextDecoder().decode(encodeEntry(sample));
/** `t` with its last `"v":1}` (the entry's own) replaced. */
const atEnd = (t: string, replacement: string): string => `${t.slice(0, t.lastIndexOf('"v":1}'))}${replacement}`;
const notCanonical = (leafText: string | Uint8Array) => () => decodeEntry(typeof leafText === 'string' ? enc.encode(leafText) : leafText);

describe('ledger/entry/entry: decoding a leaf', () => {
  it('When a leaf is the canonical encoding of an entry, then decodeEntryText returns the entry and JCS(tx)', () => {
    fc.assert(fc.property(entryArb, (e) => {
      const decoded = decodeEntryText(encodeEntry(e));
      assert.deepEqual(decoded.entry, JSON.parse(JSON.stringify(e)));
      assert.equal(decoded.txText, canonicalJson(e.tx));
    }), { numRuns: 300 });
  });

  it('When the leaf is valid JSON of the entry but not its RFC 8785 form, then it is refused as not canonical', () => {
    const variants = [
      text.replace('{"index":7', '{ "index":7'), // whitespace
      text.replace('"to":"holder-2"', '"to":"holder-\\u0032"'), // an escape where none is needed
      text.replace('"qty":1.5', '"qty":1.50'), // number form
      atEnd(text.replace('"index":7,', ''), '"v":1,"index":7}'), // member order
    ];
    for (const v of variants) {
      assert.notEqual(v, text);
      assert.throws(notCanonical(v), (e: unknown) => e instanceof EntryFormatError && /not RFC 8785 canonical/.test(e.message), v);
    }
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode(text)]); // the decoder drops a BOM; the bytes keep it
    assert.throws(notCanonical(withBom), /not RFC 8785 canonical/);
    assert.equal(decodeEntry(enc.encode(text)).index, 7);
  });

  it('When an entry is written any other way (member order, spacing), then the leaf is refused exactly when it is not JCS', () => {
    fc.assert(fc.property(entryArb, fc.nat({ max: 2 }), (e, how) => {
      const canonical = canonicalJson(e);
      const written = how === 0 ? JSON.stringify(e) : how === 1 ? JSON.stringify(e, null, 1) : canonical.replace(':', ': ');
      const accepted = ((): boolean => {
        try {
          decodeEntryText(enc.encode(written));
          return true;
        } catch (err) {
          assert.ok(err instanceof EntryFormatError && /not RFC 8785 canonical/.test(err.message), String(err));
          return false;
        }
      })();
      assert.equal(accepted, written === canonical, written);
    }), { numRuns: 300 });
  });

  it('When a canonical leaf has a member beyond the five, then it decodes as before (the whole entry is canonicalised)', () => {
    const extra = atEnd(text, '"v":1,"z":0}');
    assert.equal(decodeEntryText(enc.encode(extra)).txText, canonicalJson(sample.tx));
    assert.equal(decodeEntry(enc.encode(extra)).index, 7);
    const negative = new TextDecoder().decode(encodeEntry({ ...sample, index: -7 }));
    assert.equal(decodeEntry(enc.encode(negative)).index, -7);
  });

  it('When the leaf is not UTF-8, not JSON or not an entry, then the error says which', () => {
    assert.throws(notCanonical(new Uint8Array([0x7b, 0xff, 0x7d])), /not valid JSON/);
    assert.throws(notCanonical('{"index":1,"index":2}'), /not valid JSON/);
    assert.throws(notCanonical('{"index":1}'), /is not a ledger entry/);
  });
});

describe('ledger/entry/entry-text: the entry text from its members', () => {
  it('When composed from JCS(tx) and JCS(sigs), then it equals JCS(entry), and isEntryText recognises exactly it', () => {
    fc.assert(fc.property(entryArb, fc.string({ maxLength: 3 }), (e, junk) => {
      const composed = entryText(e.index, e.time, canonicalJson(e.tx), canonicalJson(e.sigs));
      assert.equal(composed, canonicalJson(e));
      assert.equal(isEntryText(composed, e.index, e.time, canonicalJson(e.tx), canonicalJson(e.sigs)), true);
      if (junk !== '') assert.equal(isEntryText(composed + junk, e.index, e.time, canonicalJson(e.tx), canonicalJson(e.sigs)), false);
      assert.equal(isEntryText(composed, e.index + 1, e.time, canonicalJson(e.tx), canonicalJson(e.sigs)), false);
    }), { numRuns: 200 });
  });

  it('When the index is not a non-negative safe integer, then both throw a RangeError naming it', () => {
    assert.throws(() => entryText(-1, 't', '{}', '[]'), /RangeError: index: expected a non-negative safe integer/);
    assert.throws(() => isEntryText('', 1.5, 't', '{}', '[]'), /RangeError: index/);
  });
});
