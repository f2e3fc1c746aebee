// Auditing a data directory: read straight from a LedgerStore, projections included.
import type { Kind } from '../../contracts/types.js';
import type { NodeId } from '../merkle/node-id.js';
import type { LedgerStore, StateRecord } from '../store/ledger-store.js';
import type { LedgerSource, SourceEntry } from './ledger-source.js';

export function storeSource(store: LedgerStore): LedgerSource {
  return {
    latest: () => store.latestCheckpoint(),
    checkpointAt: (size) => store.checkpointAt(size),
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
