// A complete in-memory state: the auditor's replay target and the reference for "state = replay(ledger)".
import type { Kind, StateObject, StateView } from '../../contracts/types.js';
import { stateKey } from '../store/ledger-store.js';

export class MemoryState implements StateView {
  readonly objects = new Map<string, { object: StateObject; index: number }>();

  get(kind: Kind, id: string): StateObject | undefined {
    return this.objects.get(stateKey(kind, id))?.object;
  }

  apply(writes: readonly StateObject[], index: number): void {
    for (const w of writes) this.objects.set(stateKey(w.kind, w.id), { object: w, index });
  }
}
