// Sealing readings into a batch: pure. The batch's RFC 6962 root covers leaves RFC 8785(record) of its readings
// in id order; the gateway signs a telemetry.anchor transaction over it whose nonce is the batch id, so anchoring
// the same batch twice (a retry, a restart) is one ledger entry (the pipeline treats a verbatim resubmission as a
// duplicate of the original index).
import { MAX_BATCH_READINGS } from '../../contracts/tx/telemetry-anchor.js';
import type { Tx } from '../../contracts/types.js';
import { toHex } from '../../ledger/encoding/bytes.js';
import { canonicalBytes } from '../../ledger/encoding/canonical.js';
import { appendLeaves, edgeRoot, emptyEdge } from '../../ledger/merkle/compact-range.js';
import { hashLeaf } from '../../ledger/merkle/hash.js';
import { signTx } from '../../ledger/tx/sign-tx.js';
import type { BatchRecord, ReadingRecord, StoredReading } from '../store/telemetry-store.js';

/** Most distinct devices one anchor may list (contracts/tx/telemetry-anchor.ts). */
export const MAX_ANCHOR_DEVICES = 4096;

/** The exact leaf bytes of a stored reading: RFC 8785 of the record. */
export function readingLeaf(record: ReadingRecord): Uint8Array {
  return canonicalBytes(record); // RFC 8785
}

/** RFC 6962 §2.1 Merkle tree hash over the readings' leaves, in the given order. */
export function batchRoot(records: readonly ReadingRecord[]): Uint8Array {
  if (records.length === 0) throw new RangeError('records: a batch holds at least one reading');
  return edgeRoot(appendLeaves(emptyEdge(), records.map((r) => hashLeaf(readingLeaf(r)))).edge);
}

/**
 * How many of `readings` (oldest unbatched first) go into the next batch: at most `max`, and stop before the
 * reading that would bring in a device beyond MAX_ANCHOR_DEVICES.
 */
export function batchCut(readings: readonly StoredReading[], max: number): number {
  const devices = new Set<string>();
  const limit = Math.min(max, readings.length, MAX_BATCH_READINGS);
  for (let i = 0; i < limit; i++) {
    const d = readings[i]!.record.device;
    if (!devices.has(d) && devices.size >= MAX_ANCHOR_DEVICES) return i;
    devices.add(d);
  }
  return limit;
}

export interface SealInput {
  readonly instance: string;
  readonly gateway: { readonly id: string; readonly seed: Uint8Array };
  /** Contiguous readings, oldest first (see batchCut). */
  readonly readings: readonly StoredReading[];
  /** Gateway time, RFC 3339 UTC. */
  readonly now: string;
}

export function batchId(instance: string, firstReadingId: number): string {
  return `tb-${instance}-${firstReadingId}`;
}

/** The sealed batch: root, bounds and the signed anchor transaction, ready to store and submit. */
export function sealBatch(input: SealInput): BatchRecord {
  const { readings, gateway } = input;
  const first = readings[0];
  const last = readings[readings.length - 1];
  if (first === undefined || last === undefined) throw new RangeError('readings: a batch holds at least one reading');
  if (last.id - first.id + 1 !== readings.length) throw new RangeError('readings: ids must be contiguous');
  const records = readings.map((r) => r.record);
  const times = records.map((r) => r.ts).sort();
  const devices = [...new Set(records.map((r) => r.device))].sort();
  const id = batchId(input.instance, first.id);
  const root = toHex(batchRoot(records));
  const tx: Tx = {
    v: 1, type: 'telemetry.anchor', nonce: id, ts: input.now,
    body: { gateway: gateway.id, batchRoot: root, readings: records.length, firstReadingAt: times[0]!, lastReadingAt: times[times.length - 1]!, devices },
  };
  return {
    id, firstId: first.id, lastId: last.id, count: records.length, root, firstReadingAt: times[0]!,
    lastReadingAt: times[times.length - 1]!, devices, anchorTx: { tx, sigs: [signTx(tx, gateway.id, gateway.seed)] }, createdAt: input.now,
  };
}
