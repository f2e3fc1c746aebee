// A LedgerStore that counts what is read through it: how many node hashes and how many store queries a proof
// costs. Used in an untimed pass, so the counting never touches the latency figures.
import type { LedgerStore } from '../ledger/store/ledger-store.js';

export interface ReadCounts {
  /** Node hashes read (level 0 = leaf hashes included). */
  nodes: number;
  /** Store calls (one `nodes` call of k ids is k point lookups in SQLite, counted as k). */
  lookups: number;
}

export function countingStore(store: LedgerStore): { store: LedgerStore; counts: ReadCounts } {
  const counts: ReadCounts = { nodes: 0, lookups: 0 };
  const wrapped: LedgerStore = {
    size: () => store.size(),
    commit: (batch) => store.commit(batch),
    entries: (start, end) => store.entries(start, end),
    nodes: (ids) => {
      counts.nodes += ids.length;
      counts.lookups += ids.length;
      return store.nodes(ids);
    },
    indexOfTx: (h) => store.indexOfTx(h),
    txOfNonce: (s, n) => store.txOfNonce(s, n),
    latestCheckpoint: () => {
      counts.lookups += 1;
      return store.latestCheckpoint();
    },
    checkpointAt: (size) => {
      counts.lookups += 1;
      return store.checkpointAt(size);
    },
    getState: (keys) => store.getState(keys),
    queryState: (q) => store.queryState(q),
    events: (from, limit) => store.events(from, limit),
    close: () => store.close(),
  };
  return { store: wrapped, counts };
}
