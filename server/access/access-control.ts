// Object-level read authorisation for every read path (REST, entries, WebSocket, webhooks, PDFs). The rules are
// the contracts' pure `canRead`; this adapter feeds it state from the store, loading what it asks for.
// Something a principal may not see is reported as absent (404), never as forbidden (403).
import { canRead } from '../../contracts/access.js';
import type { Party } from '../../contracts/state.js';
import type { ContractEvent, Kind, StateObject } from '../../contracts/types.js';
import type { LedgerEntry } from '../../ledger/entry/entry.js';
import { BatchView, StateCache, withLoads } from '../../ledger/pipeline/batch-view.js';
import { stateKey, type LedgerStore } from '../../ledger/store/ledger-store.js';
import type { Principal } from '../auth/authenticate.js';

const ALL_SEEING = new Set(['operator', 'regulator']);

export class AccessControl {
  constructor(private readonly store: LedgerStore) {}

  /** A fresh view per question: state may have moved since the last one. */
  #view(): BatchView {
    return new BatchView(new StateCache(1_000), this.store);
  }

  async canRead(principal: Principal, object: StateObject): Promise<boolean> {
    if (ALL_SEEING.has(principal.role)) return true;
    const view = this.#view();
    return withLoads(view, () => canRead(principal.party as Party, object, view));
  }

  /** The object, if it exists and the principal may read it; undefined otherwise (answer 404 either way). */
  async readable(principal: Principal, kind: Kind, id: string): Promise<StateObject | undefined> {
    const found = (await this.store.getState([{ kind, id }])).get(stateKey(kind, id));
    if (found === undefined) return undefined;
    return (await this.canRead(principal, found.object)) ? found.object : undefined;
  }

  /** An event is visible when the principal may read any object it refers to. */
  async canSeeEvent(principal: Principal, event: ContractEvent): Promise<boolean> {
    if (ALL_SEEING.has(principal.role)) return true;
    for (const [kind, ids] of Object.entries(event.refs) as [Kind, readonly string[]][]) {
      if (kind === 'party' || kind === 'meta') continue; // the public directory does not make an event visible
      for (const id of ids ?? []) {
        if ((await this.readable(principal, kind, id)) !== undefined) return true;
      }
    }
    return false;
  }

  /** An entry's contents are visible to its signers and to whoever may see one of its events. */
  async canSeeEntry(principal: Principal, entry: LedgerEntry): Promise<boolean> {
    if (ALL_SEEING.has(principal.role)) return true;
    if (entry.sigs.some((s) => s.signer === principal.partyId)) return true;
    const events = (await this.store.events(entry.index, 64)).filter((e) => e.index === entry.index);
    for (const e of events) if (await this.canSeeEvent(principal, e.event)) return true;
    return false;
  }
}
