// A LedgerStore that counts what goes through it: calls per method and node hashes read. A Proxy forwards every
// method to the real store (so it keeps up with the interface) and adds a counter increment per call
// (nanoseconds): it may sit under timed code, though the proof benchmark still counts in an untimed pass.
import type { LedgerStore } from '../ledger/store/ledger-store.js';

export type StoreMethod = keyof LedgerStore;

export interface ReadCounts {
  /** Calls per store method (absent = 0). */
  readonly calls: Partial<Record<StoreMethod, number>>;
  /** Node hashes read (level 0 = leaf hashes included); each is one point lookup in SQLite. */
  nodes: number;
}

/** Calls of one method. */
export function callsOf(c: ReadCounts, method: StoreMethod): number {
  return c.calls[method] ?? 0;
}

/** Point lookups the counts stand for: every node hash, plus every other call except commit/close. */
export function lookups(c: ReadCounts): number {
  const other = Object.entries(c.calls)
    .filter(([m]) => m !== 'nodes' && m !== 'commit' && m !== 'close')
    .reduce((sum, [, n]) => sum + n, 0);
  return c.nodes + other;
}

/** `after − before`, per field. */
export function diffCounts(after: ReadCounts, before: ReadCounts): ReadCounts {
  const calls: Partial<Record<StoreMethod, number>> = {};
  for (const m of Object.keys(after.calls) as StoreMethod[]) calls[m] = callsOf(after, m) - callsOf(before, m);
  return { calls, nodes: after.nodes - before.nodes };
}

export function snapshot(c: ReadCounts): ReadCounts {
  return { calls: { ...c.calls }, nodes: c.nodes };
}

export function countingStore(store: LedgerStore): { store: LedgerStore; counts: ReadCounts } {
  const counts: ReadCounts = { calls: {}, nodes: 0 };
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      const method = prop as StoreMethod;
      return (...args: unknown[]): unknown => {
        counts.calls[method] = callsOf(counts, method) + 1;
        if (method === 'nodes') counts.nodes += (args[0] as readonly unknown[]).length;
        return (value as (...a: unknown[]) => unknown).apply(target, args); // `this` = the real store (private fields)
      };
    },
  });
  return { store: wrapped, counts };
}
