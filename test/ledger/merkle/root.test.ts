import assert from 'node:assert/strict';
import { EMPTY_ROOT, hashChildren } from '../../../ledger/merkle/hash.js';
import { rootFromHashes, rootPlan } from '../../../ledger/merkle/root.js';

describe('ledger/merkle/root', () => {
  it('When a root plan is made, then it lists the perfect subtrees of [0, size), largest first', () => {
    assert.deepEqual(rootPlan(0), []);
    assert.deepEqual(rootPlan(8), [{ level: 3, index: 0 }]);
    assert.deepEqual(rootPlan(13), [
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    const huge = rootPlan(Number.MAX_SAFE_INTEGER);
    assert.equal(huge.length, 53);
    assert.deepEqual(huge.at(-1), { level: 0, index: Number.MAX_SAFE_INTEGER - 1 });
  });

  it('When the hashes are folded, then the result is H(a, H(b, c)) — RFC 6962 §2.1', () => {
    const [a, b, c] = [1, 2, 3].map((i) => new Uint8Array(32).fill(i)) as [Uint8Array, Uint8Array, Uint8Array];
    assert.deepEqual(rootFromHashes([a, b, c]), hashChildren(a, hashChildren(b, c)));
  });

  it('When there are no hashes or one, then the result is a fresh copy of the empty root or of that hash', () => {
    const empty = rootFromHashes([]);
    assert.deepEqual(empty, EMPTY_ROOT);
    assert.notEqual(empty, EMPTY_ROOT);
    const one = new Uint8Array(32).fill(9);
    const root = rootFromHashes([one]);
    assert.deepEqual(root, one);
    assert.notEqual(root, one);
  });

  it('When misused, then TypeError or RangeError names the argument', () => {
    assert.throws(() => rootPlan(-1), { name: 'RangeError', message: /size/ });
    assert.throws(() => rootPlan(1.5), { name: 'TypeError', message: /size/ });
    assert.throws(() => rootFromHashes([new Uint8Array(32), 'x' as unknown as Uint8Array]), {
      name: 'TypeError',
      message: /hashes\[1\]/,
    });
  });
});
