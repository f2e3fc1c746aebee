// A LedgerStore that counts what goes through it: calls per method, node hashes read, and the time spent inside
// each method's synchronous part — for the SQLite store that is all of its work (better-sqlite3 is synchronous;
// the async methods only wrap the result in a promise). A Proxy forwards every method to the real store, so it
// keeps up with the interface; it costs two clock reads per call, so it may sit under timed code (the proof
// benchmark still counts in an untimed pass).
import type { LedgerStore } from '../ledger/store/ledger-store.js';

export type StoreMethod = keyof LedgerStore;

export interface ReadCounts {
  /** Calls per store method (absent = 0). */
  readonly calls: Partial<Record<StoreMethod, number>>;
  /** Milliseconds spent in each method's synchronous part. */
  readonly ms: Partial<Record<StoreMethod, number>>;
  /** Node hashes read (level 0 = leaf hashes included); SQLite reads those of one `nodes` call in one statement. */
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

/** Milliseconds in one method (or several). */
export function msOf(c: ReadCounts, ...methods: StoreMethod[]): number {
  return methods.reduce((sum, m) => sum + (c.ms[m] ?? 0), 0);
}

/** Milliseconds in all methods. */
export function totalMs(c: ReadCounts): number {
  return Object.values(c.ms).reduce((a, b) => a + b, 0);
}

/** `after − before`, per field. */
export function diffCounts(after: ReadCounts, before: ReadCounts): ReadCounts {
  const calls: Partial<Record<StoreMethod, number>> = {};
  const ms: Partial<Record<StoreMethod, number>> = {};
  for (const m of Object.keys(after.calls) as StoreMethod[]) {
    calls[m] = callsOf(after, m) - callsOf(before, m);
    ms[m] = msOf(after, m) - msOf(before, m);
  }
  return { calls, ms, nodes: after.nodes - before.nodes };
}

export function snapshot(c: ReadCounts): ReadCounts {
  return { calls: { ...c.calls }, ms: { ...c.ms }, nodes: c.nodes };
}

export function countingStore(store: LedgerStore): { store: LedgerStore; counts: ReadCounts } {
  const counts: ReadCounts = { calls: {}, ms: {}, nodes: 0 };
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      const method = prop as StoreMethod;
      return (...args: unknown[]): unknown => {
        counts.calls[method] = callsOf(counts, method) + 1;
        if (method === 'nodes') counts.nodes += (args[0] as readonly unknown[]).length;
        const t0 = process.hrtime.bigint();
        try {
          return (value as (...a: unknown[]) => unknown).apply(target, args); // `this` = the real store (private fields)
        } finally {
          counts.ms[method] = msOf(counts, method) + Number(process.hrtime.bigint() - t0) / 1e6;
        }
      };
    },
  });
  return { store: wrapped, counts };
}
