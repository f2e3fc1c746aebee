import assert from 'node:assert/strict';
import { storeSource } from '../../../ledger/auditor/store-source.js';
import { emptyEdge, type RightEdge } from '../../../ledger/merkle/compact-range.js';
import type { LedgerStore } from '../../../ledger/store/ledger-store.js';
import { MemoryLedgerStore } from '../../../ledger/store/memory-ledger-store.js';
import { countCalls } from '../store/count-calls.js';
import { makeBatch } from '../store/ledger-store-conformance.js';

async function grow(store: LedgerStore, edge: RightEdge, batches: readonly number[]): Promise<RightEdge> {
  for (const n of batches) {
    const made = makeBatch(edge, n);
    await store.commit(made.batch);
    edge = made.edge;
  }
  return edge;
}

describe('ledger/auditor/store-source', () => {
  it('When every size is asked in turn, then each answer equals checkpointAt and the store is read once per window', async () => {
    const store = new MemoryLedgerStore();
    const edge = await grow(store, emptyEdge(), Array.from({ length: 300 }, (_, i) => 1 + (i % 13)));
    const { store: counted, calls } = countCalls(store);
    const source = storeSource(counted);
    for (let size = 1; size <= edge.size; size++) {
      assert.deepEqual(await source.checkpointAt(size), await store.checkpointAt(size), `size ${size}`);
    }
    assert.ok(edge.size > 2048, `${edge.size} sizes span several windows`);
    assert.equal(calls.get('checkpointsIn'), Math.ceil(edge.size / 1024));
    assert.equal(calls.get('checkpointAt'), undefined);
  });

  it('When the log grows after a window was read, then checkpoints signed later are still found', async () => {
    const store = new MemoryLedgerStore();
    let edge = await grow(store, emptyEdge(), [3, 2]);
    const source = storeSource(store);
    assert.equal((await source.checkpointAt(3))?.size, 3);
    edge = await grow(store, edge, [4, 1]);
    assert.equal((await source.checkpointAt(5))?.size, 5, 'inside the window read before');
    assert.equal((await source.checkpointAt(9))?.size, 9, 'signed after the window was read');
    assert.equal((await source.checkpointAt(10))?.size, 10);
    assert.equal(await source.checkpointAt(4), undefined);
    assert.equal(await source.checkpointAt(11), undefined, 'beyond the log');
    assert.equal(edge.size, 10);
  });
});
