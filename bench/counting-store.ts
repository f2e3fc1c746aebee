// A LedgerStore that counts what goes through it: calls per method and node hashes read. It adds a counter
// increment per call (nanoseconds), so it can sit under timed code; the proof benchmark still counts in an
// untimed pass.
import type { LedgerStore } from '../ledger/store/ledger-store.js';

export type StoreMethod = keyof LedgerStore;

export interface ReadCounts {
  /** Calls per store method. */
  readonly calls: Record<StoreMethod, number>;
  /** Node hashes read (level 0 = leaf hashes included); each is one point lookup in SQLite. */
  nodes: number;
}

const METHODS: readonly StoreMethod[] = [
  'size', 'commit', 'entries', 'nodes', 'indexOfTx', 'txOfNonce', 'latestCheckpoint', 'checkpointAt', 'getState',
  'queryState', 'events', 'close',
];

export function zeroCounts(): ReadCounts {
  return { calls: Object.fromEntries(METHODS.map((m) => [m, 0])) as Record<StoreMethod, number>, nodes: 0 };
}

/** Point lookups the counts stand for: every node hash, plus every other call except commit/close. */
export function lookups(c: ReadCounts): number {
  return c.nodes + METHODS.filter((m) => m !== 'nodes' && m !== 'commit' && m !== 'close').reduce((sum, m) => sum + c.calls[m], 0);
}

/** `after − before`, per field. */
export function diffCounts(after: ReadCounts, before: ReadCounts): ReadCounts {
  const calls = Object.fromEntries(METHODS.map((m) => [m, after.calls[m] - before.calls[m]])) as Record<StoreMethod, number>;
  return { calls, nodes: after.nodes - before.nodes };
}

export function snapshot(c: ReadCounts): ReadCounts {
  return { calls: { ...c.calls }, nodes: c.nodes };
}

export function countingStore(store: LedgerStore): { store: LedgerStore; counts: ReadCounts } {
  const counts = zeroCounts();
  const hit = (m: StoreMethod): void => {
    counts.calls[m] += 1;
  };
  const wrapped: LedgerStore = {
    size: () => (hit('size'), store.size()),
    commit: (batch) => (hit('commit'), store.commit(batch)),
    entries: (start, end) => (hit('entries'), store.entries(start, end)),
    nodes: (ids) => {
      hit('nodes');
      counts.nodes += ids.length;
      return store.nodes(ids);
    },
    indexOfTx: (h) => (hit('indexOfTx'), store.indexOfTx(h)),
    txOfNonce: (s, n) => (hit('txOfNonce'), store.txOfNonce(s, n)),
    latestCheckpoint: () => (hit('latestCheckpoint'), store.latestCheckpoint()),
    checkpointAt: (size) => (hit('checkpointAt'), store.checkpointAt(size)),
    getState: (keys) => (hit('getState'), store.getState(keys)),
    queryState: (q) => (hit('queryState'), store.queryState(q)),
    events: (from, limit) => (hit('events'), store.events(from, limit)),
    close: () => (hit('close'), store.close()),
  };
  return { store: wrapped, counts };
}
