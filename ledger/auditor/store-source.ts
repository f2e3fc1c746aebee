// Auditing a data directory: read straight from a LedgerStore, projections included.
import type { Kind } from '../../contracts/types.js';
import type { NodeId } from '../merkle/node-id.js';
import type { CheckpointRecord, LedgerStore, StateRecord } from '../store/ledger-store.js';
import type { LedgerSource, SourceEntry } from './ledger-source.js';

/** Sizes whose checkpoints one store read fetches: the auditor asks for every size in turn, one page at a time. */
const CHECKPOINT_WINDOW = 1024;

/**
 * `checkpointAt` for a reader that asks about increasing sizes: one `checkpointsIn` read per window of sizes
 * instead of one query per size. A window never reaches past the log size read just before it, so a checkpoint
 * committed later can never be missed (every checkpoint at a size ≤ that log size was already committed).
 */
function windowedCheckpoints(store: LedgerStore): (size: number) => Promise<CheckpointRecord | undefined> {
  let from = 0;
  let to = 0;
  let bySize = new Map<number, CheckpointRecord>();
  return async (size) => {
    if (size < from || size >= to) {
      const logSize = await store.size();
      from = size;
      to = Math.max(size + 1, Math.min(size + CHECKPOINT_WINDOW, logSize + 1));
      bySize = new Map((await store.checkpointsIn(from, to)).map((cp) => [cp.size, cp]));
    }
    return bySize.get(size);
  };
}

export function storeSource(store: LedgerStore): LedgerSource {
  return {
    latest: () => store.latestCheckpoint(),
    checkpointAt: windowedCheckpoints(store),
    entries: async (start, end): Promise<SourceEntry[]> =>
      (await store.entries(start, end)).map((e) => ({ index: e.index, leaf: e.leaf, leafHash: e.leafHash })),
    nodes: (ids: readonly NodeId[]) => store.nodes(ids),
    async *projections(kind: Kind): AsyncIterable<StateRecord> {
      let after: string | undefined;
      for (;;) {
        const page = await store.queryState({ kind, limit: 1000, ...(after === undefined ? {} : { after }) });
        yield* page;
        if (page.length < 1000) return;
        after = page[page.length - 1]!.object.id;
      }
    },
  };
}
