import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Sig, Tx } from '../../../contracts/types.js';
import { toHex } from '../../../ledger/encoding/bytes.js';
import { canonicalBytes } from '../../../ledger/encoding/canonical.js';
import { encodeEntry } from '../../../ledger/entry/entry.js';
import { entryBytes, signedTxText } from '../../../ledger/pipeline/entry-bytes.js';
import { txSigningBytes } from '../../../ledger/tx/sign-tx.js';
import { txForms } from '../../../ledger/tx/tx-forms.js';
import { txHash } from '../../../ledger/tx/tx-hash.js';
import { sigArb, txArb } from '../../support/entry-arbitraries.js';

describe('ledger/pipeline/entry-bytes and ledger/tx/tx-forms (the canonical form computed once)', () => {
  it('When an entry is composed from JCS(tx), then its bytes equal encodeEntry of the whole entry', () => {
    fc.assert(fc.property(txArb, fc.array(sigArb, { minLength: 1, maxLength: 4 }), fc.nat(), fc.string({ maxLength: 30 }), (tx, sigs, index, time) => {
      const text = txForms(tx as Tx).text;
      assert.equal(toHex(entryBytes(index, time, text, sigs as Sig[])), toHex(encodeEntry({ v: 1, index, time, tx: tx as Tx, sigs })));
      assert.equal(signedTxText(text, sigs as Sig[]), new TextDecoder().decode(canonicalBytes({ tx, sigs })));
    }), { numRuns: 300 });
  });

  it('When tx forms are computed, then hash and signing bytes equal txHash and txSigningBytes', () => {
    fc.assert(fc.property(txArb, (tx) => {
      const f = txForms(tx as Tx);
      assert.equal(f.hash, txHash(tx as Tx));
      assert.equal(toHex(f.signingBytes), toHex(txSigningBytes(tx as Tx)));
    }), { numRuns: 200 });
  });

  it('When the index is not a non-negative safe integer, then entryBytes throws a RangeError naming it', () => {
    assert.throws(() => entryBytes(-1, 't', '{}', []), /RangeError: index: expected a non-negative safe integer/);
    assert.throws(() => entryBytes(1.5, 't', '{}', []), /index/);
  });
});
