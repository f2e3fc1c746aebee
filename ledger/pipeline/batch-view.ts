// The state a batch is applied against: this batch's own writes over a cache of committed state. A read of an
// object not yet loaded throws StateMiss; the pipeline loads it from the store and re-applies (contracts are pure,
// so re-applying is safe). Writes stay in the overlay until the batch commits.
import { StateMiss, type Kind, type StateObject, type StateView } from '../../contracts/types.js';
import { stateKey, type LedgerStore } from '../store/ledger-store.js';

/** Committed state known to the sequencer: object, or null for "known not to exist". */
export class StateCache {
  readonly #map = new Map<string, StateObject | null>();
  constructor(private readonly maxEntries = 200_000) {}
  get(key: string): StateObject | null | undefined {
    return this.#map.get(key);
  }
  set(key: string, value: StateObject | null): void {
    if (this.#map.size >= this.maxEntries && !this.#map.has(key)) this.#map.clear(); // crude bound, correct either way
    this.#map.set(key, value);
  }
  clear(): void {
    this.#map.clear();
  }
}

export class BatchView implements StateView {
  readonly #overlay = new Map<string, StateObject>();
  constructor(
    private readonly cache: StateCache,
    private readonly store: LedgerStore,
  ) {}

  get(kind: Kind, id: string): StateObject | undefined {
    const key = stateKey(kind, id);
    const staged = this.#overlay.get(key);
    if (staged !== undefined) return staged;
    const cached = this.cache.get(key);
    if (cached === undefined) throw new StateMiss(kind, id);
    return cached ?? undefined;
  }

  async load(kind: Kind, id: string): Promise<void> {
    const key = stateKey(kind, id);
    const found = await this.store.getState([{ kind, id }]);
    this.cache.set(key, found.get(key)?.object ?? null);
  }

  stage(writes: readonly StateObject[]): void {
    for (const w of writes) this.#overlay.set(stateKey(w.kind, w.id), w);
  }

  /** After a successful commit: the overlay becomes committed state. */
  publishToCache(): void {
    for (const [key, value] of this.#overlay) this.cache.set(key, value);
  }
}

/** Run `fn` against the view, loading whatever it misses, until it completes. */
export async function withLoads<T>(view: BatchView, fn: () => T): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof StateMiss) || attempt > 64) throw e;
      await view.load(e.kind, e.id);
    }
  }
}
