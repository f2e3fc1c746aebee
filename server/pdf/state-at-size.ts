// State objects as they stood in the tree of `size` entries. The store keeps only the latest version of each
// object, with the index of the entry that last wrote it; when that index is below `size`, nothing changed the
// object since, so the latest version is the one at `size` (cheap, the common case). Otherwise the state at
// `size` is rebuilt by replaying entries 0 … size−1 through the contracts (state = replay(ledger)): O(size),
// paid only for a document at an older size of an object that changed since.
import { apply } from '../../contracts/index.js';
import type { Kind, StateObject } from '../../contracts/types.js';
import { decodeEntry } from '../../ledger/entry/entry.js';
import { MemoryState } from '../../ledger/state/memory-state.js';
import { stateKey, type LedgerStore } from '../../ledger/store/ledger-store.js';
import { txHash } from '../../ledger/tx/tx-hash.js';

const PAGE = 1000;

export interface StateKey {
  readonly kind: Kind;
  readonly id: string;
}

/** The objects that existed at `size`, keyed `kind:id` (absent ones are left out). */
export async function stateAtSize(store: LedgerStore, size: number, keys: readonly StateKey[]): Promise<Map<string, StateObject>> {
  const latest = await store.getState(keys);
  const out = new Map<string, StateObject>();
  let stale = false;
  for (const { kind, id } of keys) {
    const rec = latest.get(stateKey(kind, id));
    if (rec === undefined) continue; // objects are never deleted: absent now means absent then
    if (rec.index < size) out.set(stateKey(kind, id), rec.object);
    else stale = true;
  }
  if (!stale) return out;
  const replayed = await replay(store, size);
  const then = new Map<string, StateObject>();
  for (const { kind, id } of keys) {
    const object = replayed.get(kind, id);
    if (object !== undefined) then.set(stateKey(kind, id), object);
  }
  return then;
}

/**
 * Replays entries [0, size) into a fresh state. Every committed entry was admitted with all its signatures
 * verified, so its claimed signers are its verified signers; a contract that now refuses a committed entry means
 * the log was altered (run `ledgerhouse verify-ledger`).
 */
async function replay(store: LedgerStore, size: number): Promise<MemoryState> {
  const state = new MemoryState();
  for (let start = 0; start < size; start += PAGE) {
    for (const rec of await store.entries(start, Math.min(size, start + PAGE))) {
      const entry = decodeEntry(rec.leaf);
      const ctx = { index: rec.index, time: entry.time, txHash: txHash(entry.tx), signers: new Set(entry.sigs.map((s) => s.signer)) };
      const outcome = apply(state, entry, ctx);
      if (!outcome.ok) {
        throw new Error(`replay to size ${size}: entry ${rec.index} (${entry.tx.type}) no longer applies: ` +
          `${outcome.error.code}; the log may have been altered, run verify-ledger`);
      }
      state.apply(outcome.writes, rec.index);
    }
  }
  return state;
}
