// Building a reading's two-level proof (verify it with verify-reading-proof.ts, which is pure and browser-safe):
// level 1 recomputes the batch tree from the stored leaves (a batch is at most batchMax readings), level 2 is the
// ledger's own O(log n) inclusion proof of the anchor entry at the latest published checkpoint.
import { toBase64, toHex } from '../ledger/encoding/bytes.js';
import { LogReader } from '../ledger/log/log-reader.js';
import { MemoryTree } from '../ledger/merkle/memory-tree.js';
import type { LedgerStore } from '../ledger/store/ledger-store.js';
import { readingLeaf } from './anchor/telemetry-batch.js';
import type { TelemetryStore } from './store/telemetry-store.js';
import type { ReadingProof } from './verify-reading-proof.js';

export { verifyReadingProof, type ReadingProof, type ProofTrust, type ProofCheck } from './verify-reading-proof.js';

export type ProofOutcome =
  | { readonly status: 'ok'; readonly proof: ReadingProof }
  | { readonly status: 'not-found' | 'not-batched' | 'not-anchored' | 'not-published' };

/** The proof of reading `id`, or why there is none yet (it becomes available once its batch is anchored). */
export async function buildReadingProof(telemetry: TelemetryStore, ledger: LedgerStore, id: number): Promise<ProofOutcome> {
  const reading = await telemetry.reading(id);
  if (reading === undefined) return { status: 'not-found' };
  if (reading.batchId === undefined) return { status: 'not-batched' };
  const batch = await telemetry.batch(reading.batchId);
  if (batch?.anchor === undefined) return { status: 'not-anchored' };
  const checkpoint = await ledger.latestCheckpoint();
  if (checkpoint === undefined || checkpoint.size <= batch.anchor.index) return { status: 'not-published' };

  const members = await telemetry.batchReadings(batch.id);
  const tree = new MemoryTree();
  tree.append(members.map((m) => readingLeaf(m.record)));
  const leafIndex = members.findIndex((m) => m.id === id);
  const [entry] = await ledger.entries(batch.anchor.index, batch.anchor.index + 1);
  const inclusion = await new LogReader(ledger).inclusion(batch.anchor.index, checkpoint.size);
  return {
    status: 'ok',
    proof: {
      v: 1,
      reading: { id, record: reading.record },
      batch: { id: batch.id, leafIndex, size: tree.size, root: toHex(tree.root()), path: tree.inclusionProof(leafIndex).map(toHex) },
      anchor: {
        index: batch.anchor.index, entry: toBase64(entry!.leaf), treeSize: checkpoint.size,
        rootHash: toHex(inclusion.rootHash), path: inclusion.proof.map(toHex),
      },
      checkpoint: checkpoint.note,
    },
  };
}
