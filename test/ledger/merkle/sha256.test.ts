import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nodeSha256, portableSha256, sha256 } from '../../../ledger/merkle/sha256.js';

describe('ledger/merkle/sha256', () => {
  it('When running on Node, then the ledger hashes with OpenSSL (node:crypto)', () => {
    assert.ok(nodeSha256 !== undefined, 'process.getBuiltinModule and crypto.hash exist on Node ≥ 20.16');
    assert.equal(sha256, nodeSha256);
  });

  it('When any bytes are hashed, then the OpenSSL and the portable path give the same plain 32-byte Uint8Array', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (data) => {
        const fast = nodeSha256!(data);
        assert.equal(Object.getPrototypeOf(fast), Uint8Array.prototype);
        assert.equal(fast.length, 32);
        assert.deepEqual(fast, portableSha256(data));
      }),
      { numRuns: 500 },
    );
  });

  it('When the input is a view into a larger buffer, then only the viewed bytes are hashed', () => {
    const backing = new Uint8Array(100).map((_, i) => i);
    const view = backing.subarray(10, 75);
    assert.deepEqual(nodeSha256!(view), portableSha256(backing.slice(10, 75)));
  });

  it('When the same input buffer is reused after hashing, then earlier digests do not change', () => {
    const input = new Uint8Array(65).fill(1);
    const first = nodeSha256!(input);
    const copy = first.slice();
    input.fill(2);
    nodeSha256!(input);
    assert.deepEqual(first, copy);
  });
});
