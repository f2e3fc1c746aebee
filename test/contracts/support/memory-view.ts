// A Map-backed StateView for contract tests: applies writes like the pipeline (upsert by kind and id).
import type { Kind, StateObject, StateView } from '../../../contracts/types.js';

export class MemoryState {
  private readonly objects = new Map<string, StateObject>();

  readonly view: StateView = {
    get: (kind: Kind, id: string) => this.objects.get(`${kind}\u0000${id}`),
  };

  write(writes: readonly StateObject[]): void {
    for (const o of writes) this.objects.set(`${o.kind}\u0000${o.id}`, o);
  }

  /** Every object, sorted by (kind, id): comparable with deepStrictEqual across replays. */
  snapshot(): StateObject[] {
    return [...this.objects.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o);
  }

  all<T extends StateObject>(kind: Kind): T[] {
    return this.snapshot().filter((o) => o.kind === kind) as T[];
  }
}
