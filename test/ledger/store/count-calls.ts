// A LedgerStore wrapper for tests that counts calls per method, to pin how many reads an operation costs.
import type { LedgerStore } from '../../../ledger/store/ledger-store.js';

export function countCalls(store: LedgerStore): { store: LedgerStore; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const counted = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(prop), (calls.get(String(prop)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args); // `this` = the real store (private fields)
      };
    },
  });
  return { store: counted, calls };
}
