import assert from 'node:assert/strict';
import path from 'node:path';
import { LedgerError } from '../../../ledger/errors.js';
import { LogReader } from '../../../ledger/log/log-reader.js';
import { MemoryTree } from '../../../ledger/merkle/memory-tree.js';
import type { LedgerStore } from '../../../ledger/store/ledger-store.js';
import { MemoryLedgerStore } from '../../../ledger/store/memory-ledger-store.js';
import { SqliteLedgerStore } from '../../../ledger/store/sqlite-ledger-store.js';
import { emptyEdge, type RightEdge } from '../../../ledger/merkle/compact-range.js';
import { tempDir } from '../../support/temp-dir.js';
import { countCalls } from '../store/count-calls.js';
import { makeBatch } from '../store/ledger-store-conformance.js';

/** Commits batches of these sizes (a checkpoint after each) and mirrors the leaves in a MemoryTree. */
async function fill(store: LedgerStore, batches: readonly number[]): Promise<MemoryTree> {
  const tree = new MemoryTree();
  let edge: RightEdge = emptyEdge();
  for (const n of batches) {
    const made = makeBatch(edge, n);
    await store.commit(made.batch);
    tree.appendLeafHashes(made.batch.entries.map((e) => e.leafHash));
    edge = made.edge;
  }
  return tree;
}

for (const [adapter, open] of [
  ['memory', () => ({ store: new MemoryLedgerStore() as LedgerStore, done: () => undefined })],
  ['SQLite', () => {
    const tmp = tempDir();
    const store = new SqliteLedgerStore(path.join(tmp.dir, 'ledger.db'));
    return { store: store as LedgerStore, done: () => { store.db.close(); tmp.remove(); } };
  }],
] as const) {
  describe(`ledger/log/log-reader over ${adapter}`, () => {
    it('When proofs and roots are asked at every published size, then they equal the reference tree\'s', async () => {
      const { store, done } = open();
      try {
        const tree = await fill(store, [1, 2, 5, 8, 1, 20, 3]);
        const reader = new LogReader(store);
        const sizes = [1, 3, 8, 16, 17, 37, 40];
        for (const size of sizes) {
          assert.deepEqual(await reader.rootAt(size), tree.root(size), `root ${size}`);
          for (let index = 0; index < size; index++) {
            const p = await reader.inclusion(index, size);
            assert.deepEqual(p.proof, tree.inclusionProof(index, size), `inclusion ${index} in ${size}`);
            assert.deepEqual(p.rootHash, tree.root(size));
            assert.deepEqual(p.leafHash, tree.leafHash(index));
          }
          for (let first = 1; first <= size; first++) {
            const p = await reader.consistency(first, size);
            assert.deepEqual(p.proof, tree.consistencyProof(first, size), `consistency ${first} → ${size}`);
            assert.deepEqual([p.firstRoot, p.secondRoot], [tree.root(first), tree.root(size)]);
          }
        }
        assert.deepEqual(await reader.rootAt(0), tree.root(0));
      } finally {
        done();
      }
    });

    it('When a proof is answered, then it costs one checkpoint read and one nodes read', async () => {
      const { store, done } = open();
      try {
        await fill(store, [100, 77]);
        const { store: counted, calls } = countCalls(store);
        const reader = new LogReader(counted);
        await reader.inclusion(42, 177);
        await reader.inclusion(42, 100);
        await reader.consistency(33, 177);
        await reader.consistency(33, 100);
        assert.deepEqual(Object.fromEntries(calls), { latestCheckpoint: 4, nodes: 4 });
      } finally {
        done();
      }
    });

    it('When a returned root is modified by the caller, then later answers are not affected', async () => {
      const { store, done } = open();
      try {
        const tree = await fill(store, [5]);
        const reader = new LogReader(store);
        (await reader.rootAt(5)).fill(0);
        (await reader.inclusion(0, 5)).rootHash.fill(0);
        (await reader.rootAt(0)).fill(0);
        assert.deepEqual(await reader.rootAt(5), tree.root(5));
        assert.deepEqual(await reader.rootAt(0), tree.root(0));
      } finally {
        done();
      }
    });

    it('When sizes or indices are out of range or not integers, then INDEX_OUT_OF_RANGE names the argument', async () => {
      const { store, done } = open();
      try {
        await fill(store, [4]);
        const reader = new LogReader(store);
        const cases: [string, () => Promise<unknown>, string][] = [
          ['size beyond published', () => reader.inclusion(0, 5), 'size'],
          ['index = size', () => reader.inclusion(4, 4), 'index'],
          ['negative index', () => reader.inclusion(-1, 4), 'index'],
          ['fractional index', () => reader.inclusion(1.5, 4), 'index'],
          ['NaN size', () => reader.rootAt(Number.NaN), 'size'],
          ['first = 0', () => reader.consistency(0, 4), 'first'],
          ['first > second', () => reader.consistency(4, 3), 'first'],
          ['second beyond published', () => reader.consistency(1, 9), 'second'],
        ];
        for (const [what, call, field] of cases) {
          await assert.rejects(call(), (e: unknown) => e instanceof LedgerError && e.code === 'INDEX_OUT_OF_RANGE' && e.message.startsWith(field), what);
        }
      } finally {
        done();
      }
    });
  });
}
