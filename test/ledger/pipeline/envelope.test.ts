import assert from 'node:assert/strict';
import type { SignedTx } from '../../../contracts/types.js';
import { utf8 } from '../../../ledger/encoding/bytes.js';
import { canonicalJson } from '../../../ledger/encoding/canonical.js';
import { LedgerError } from '../../../ledger/errors.js';
import { signedTxText } from '../../../ledger/pipeline/entry-bytes.js';
import { checkEnvelope, MAX_TX_BYTES } from '../../../ledger/pipeline/envelope.js';

const SIG = `${'A'.repeat(86)}==`;

/** A well-formed envelope whose body pads it with `pad` (multi-byte characters count as their UTF-8 bytes). */
function envelope(pad: string): SignedTx {
  return {
    tx: { v: 1, type: 'receipt.transfer', nonce: 'n-1', ts: '2026-11-24T00:00:00.000Z', body: { pad } },
    sigs: [{ signer: 'holder-1', sig: SIG }, { signer: 'bank-1', sig: SIG }],
  };
}

const canonicalSize = (s: SignedTx): number => utf8(signedTxText(canonicalJson(s.tx), s.sigs)).length;

describe('ledger/pipeline/envelope: the signed-transaction check', () => {
  it('When the canonical envelope is exactly at the size limit, then it passes; one byte more, then TX_TOO_LARGE with its size', () => {
    const base = canonicalSize(envelope(''));
    const atLimit = envelope(`é${'x'.repeat(MAX_TX_BYTES - base - 2)}`); // é is 2 bytes in UTF-8
    assert.equal(canonicalSize(atLimit), MAX_TX_BYTES);
    const checked = checkEnvelope(atLimit);
    assert.equal(checked.sigsText, canonicalJson(atLimit.sigs));
    const over = envelope(`é${'x'.repeat(MAX_TX_BYTES - base - 1)}`);
    assert.throws(() => checkEnvelope(over), (e: unknown) =>
      e instanceof LedgerError && e.code === 'TX_TOO_LARGE' && e.message.includes(`${MAX_TX_BYTES + 1} bytes`));
  });
});
