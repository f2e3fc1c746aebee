import assert from 'node:assert/strict';
import {
  alignedRangeNodes,
  coverageBegin,
  coverageEnd,
  isComplete,
  nodeId,
  parent,
  sameNode,
  sibling,
} from '../../../ledger/merkle/node-id.js';

describe('ledger/merkle/node-id', () => {
  it('When a node is navigated, then sibling, parent and coverage follow (L, i) ↔ [i·2^L, (i+1)·2^L)', () => {
    const n = nodeId(2, 5);
    assert.deepEqual(sibling(n), { level: 2, index: 4 });
    assert.deepEqual(sibling(sibling(n)), n);
    assert.deepEqual(parent(n), { level: 3, index: 2 });
    assert.equal(coverageBegin(n), 20);
    assert.equal(coverageEnd(n), 24);
    assert.ok(isComplete(n, 24));
    assert.ok(!isComplete(n, 23));
    assert.ok(sameNode(n, { level: 2, index: 5 }));
    assert.equal(coverageEnd({ level: 52, index: 1 }), 2 ** 53);
  });

  it('When an aligned range is decomposed, then it yields its perfect subtrees, largest first', () => {
    assert.deepEqual(alignedRangeNodes(8, 7), [
      { level: 2, index: 2 },
      { level: 1, index: 6 },
      { level: 0, index: 14 },
    ]);
    assert.deepEqual(alignedRangeNodes(0, 0), []);
  });

  it('When a node id is invalid, then RangeError names the field', () => {
    assert.throws(() => nodeId(-1, 0), { name: 'RangeError', message: /level/ });
    assert.throws(() => nodeId(54, 0), { name: 'RangeError', message: /level/ });
    assert.throws(() => nodeId(0, 1.5), { name: 'RangeError', message: /index/ });
    assert.throws(() => nodeId(0, 2 ** 53), { name: 'RangeError', message: /index/ });
  });
});
