// What the telemetry store's writer thread (sqlite-writer-worker.ts) and its owner on the main thread
// (threaded-sqlite-telemetry-store.ts) say to each other over ledger/threads/rpc.ts:
//   owner → writer   call  ready          resolves once the writer's connection is open (or fails with why not)
//                    call  write(WriteCall) → WriteValue, answered in the order sent
//                    note  close          closes the connection, then the port (the thread ends)
//                    note  crash          exits abruptly, as a crashed thread would (tests of recovery)
// Errors cross the thread as plain data and are rebuilt with the class the port names, so a caller sees exactly
// what the in-thread SQLite adapter throws (BatchConflict, RangeError, SqliteError codes).
import type { WireError } from '../../ledger/threads/rpc.js';
import type { RecordRows } from './sqlite-telemetry-store.js';
import type { AppendResult, BatchMessage, BatchRecord, ReadingLeaf } from './telemetry-store.js';
import { BatchConflict } from './telemetry-store.js';

/** The writes of the TelemetryStore port, and the anchorer's scan of unbatched leaves, with their arguments. */
export type WriteCall =
  | { readonly op: 'append'; readonly rows: RecordRows; readonly messages: readonly BatchMessage[] }
  | { readonly op: 'createBatch'; readonly batch: BatchRecord }
  | { readonly op: 'markAnchored'; readonly batchId: string; readonly anchor: { readonly index: number; readonly txHash: string } }
  | { readonly op: 'putState'; readonly key: string; readonly value: string | undefined }
  | { readonly op: 'nextBatch'; readonly max: number };

/** Leaves as they cross the thread: their 32-byte hashes packed in one buffer, in order. */
export interface PackedLeaves {
  readonly leaves: readonly Omit<ReadingLeaf, 'leafHash'>[];
  readonly hashes: Uint8Array;
}

/** The next batch as it crosses the thread: its leaves packed, its root, whether more wait (NextBatch). */
export interface PackedBatch {
  readonly leaves: PackedLeaves;
  readonly root: Uint8Array;
  readonly more: boolean;
}

/** What each call resolves with. */
export type WriteValue = AppendResult[] | PackedBatch | void;

export function packLeaves(leaves: readonly ReadingLeaf[]): PackedLeaves {
  const hashes = new Uint8Array(32 * leaves.length);
  leaves.forEach((l, i) => hashes.set(l.leafHash, 32 * i));
  return { leaves: leaves.map(({ id, device, ts }) => ({ id, device, ts })), hashes };
}

export function unpackLeaves(p: PackedLeaves): ReadingLeaf[] {
  return p.leaves.map((l, i) => ({ id: l.id, device: l.device, ts: l.ts, leafHash: p.hashes.subarray(32 * i, 32 * i + 32) }));
}

const CLASSES: Readonly<Record<string, new (message: string) => Error>> = {
  BatchConflict, RangeError, TypeError,
};

/** The error as the caller would have seen it in-thread: same class for the port's errors, name and code kept. */
export function fromWire(w: WireError): Error {
  const Class = CLASSES[w.name] ?? Error;
  const e = new Class(w.message);
  if (e.name !== w.name) e.name = w.name;
  if (w.code !== undefined) Object.assign(e, { code: w.code });
  return e;
}
