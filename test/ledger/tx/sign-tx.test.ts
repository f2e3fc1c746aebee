import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Tx } from '../../../contracts/types.js';
import { FastVerifier } from '../../../ledger/crypto/ed25519-node.js';
import { publicKeyFromSeed, verify } from '../../../ledger/crypto/ed25519.js';
import { fromBase64, toBase64, utf8 } from '../../../ledger/encoding/bytes.js';
import { signTx, txSigningBytes, verifyTxSig } from '../../../ledger/tx/sign-tx.js';

const tx: Tx = { v: 1, type: 'pledge.create', nonce: 'n-7', ts: '2026-11-24T02:14:28.000Z', body: { receipt: 'r_1', bank: 'p_bank-a', amount: '1000.00' } };
const holderSeed = new Uint8Array(32).fill(11);
const bankSeed = new Uint8Array(32).fill(12);

describe('ledger/tx/sign-tx', () => {
  it('When the signing bytes are built, then they are "ledgerhouse/v1/tx\\n" followed by JCS(tx)', () => {
    const expected = 'ledgerhouse/v1/tx\n{"body":{"amount":"1000.00","bank":"p_bank-a","receipt":"r_1"},"nonce":"n-7","ts":"2026-11-24T02:14:28.000Z","type":"pledge.create","v":1}';
    assert.deepEqual(txSigningBytes(tx), utf8(expected));
  });

  it('When two parties sign a transaction, then each Sig verifies under its own key only', () => {
    const holder = signTx(tx, 'p_holder', holderSeed);
    const bank = signTx(tx, 'p_bank-a', bankSeed);
    assert.equal(holder.signer, 'p_holder');
    assert.equal(fromBase64(holder.sig).length, 64);
    assert.equal(verifyTxSig(tx, holder, publicKeyFromSeed(holderSeed)), true);
    assert.equal(verifyTxSig(tx, bank, publicKeyFromSeed(bankSeed)), true);
    assert.equal(verifyTxSig(tx, holder, publicKeyFromSeed(bankSeed)), false);
  });

  it('When the transaction is re-ordered in transit, then the signature still verifies; when a field changes, it does not', () => {
    const sig = signTx(tx, 'p_holder', holderSeed);
    const pk = publicKeyFromSeed(holderSeed);
    const reordered = JSON.parse(JSON.stringify({ body: tx.body, ts: tx.ts, v: 1, type: tx.type, nonce: tx.nonce })) as Tx;
    assert.equal(verifyTxSig(reordered, sig, pk), true);
    assert.equal(verifyTxSig({ ...tx, body: { ...(tx.body as object), amount: '1000.01' } }, sig, pk), false);
  });

  it('When the sig is not canonical base64 or not 64 bytes, then verifyTxSig returns false', () => {
    const pk = publicKeyFromSeed(holderSeed);
    const good = signTx(tx, 'p_holder', holderSeed);
    for (const bad of ['', 'not base64!', good.sig.slice(0, -4), toBase64(new Uint8Array(65))]) {
      assert.equal(verifyTxSig(tx, { signer: 'p_holder', sig: bad }, pk), false, bad);
    }
    assert.throws(() => verifyTxSig(tx, null as never, pk), TypeError);
    assert.throws(() => signTx(tx, '', holderSeed), { name: 'TypeError', message: /signer/ });
  });

  it('When a verify function is injected, then the fast path gives the same verdicts as the portable default', () => {
    const fast = new FastVerifier();
    const fastVerify = fast.verify.bind(fast);
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.boolean(), (nonce, tamper) => {
        const t: Tx = { ...tx, nonce };
        const sig = signTx(t, 'p_holder', holderSeed);
        const checked: Tx = tamper ? { ...t, nonce: nonce + 'x' } : t;
        const pk = publicKeyFromSeed(holderSeed);
        assert.equal(verifyTxSig(checked, sig, pk, fastVerify), !tamper);
        assert.equal(verifyTxSig(checked, sig, pk, verify), !tamper);
      }),
      { numRuns: 20 },
    );
  });
});
