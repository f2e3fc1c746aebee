import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Tx } from '../../../contracts/types.js';
import { txHash } from '../../../ledger/tx/tx-hash.js';

const tx: Tx = { v: 1, type: 'receipt.transfer', nonce: 'n-1', ts: '2026-11-24T02:14:28.000Z', body: { receipt: 'r_1', to: 'p_bank-a' } };

describe('ledger/tx/tx-hash', () => {
  it('When a transaction is hashed, then it is the lowercase hex SHA-256 of its RFC 8785 bytes', () => {
    const jcs = '{"body":{"receipt":"r_1","to":"p_bank-a"},"nonce":"n-1","ts":"2026-11-24T02:14:28.000Z","type":"receipt.transfer","v":1}';
    assert.equal(txHash(tx), createHash('sha256').update(jcs).digest('hex'));
    assert.match(txHash(tx), /^[0-9a-f]{64}$/);
  });

  it('When the same transaction is written with keys in another order, then the hash is the same', () => {
    const reordered = JSON.parse('{"body":{"to":"p_bank-a","receipt":"r_1"},"type":"receipt.transfer","ts":"2026-11-24T02:14:28.000Z","nonce":"n-1","v":1}') as Tx;
    assert.equal(txHash(reordered), txHash(tx));
  });

  it('When any field changes, then the hash changes', () => {
    assert.notEqual(txHash({ ...tx, nonce: 'n-2' }), txHash(tx));
    assert.notEqual(txHash({ ...tx, body: { receipt: 'r_1', to: 'p_bank-b' } }), txHash(tx));
  });

  it('When the body holds a value JCS cannot represent, then TypeError names its path', () => {
    assert.throws(() => txHash({ ...tx, body: { qty: Number.NaN } }), { name: 'TypeError', message: /\$\.body\.qty/ });
  });
});
