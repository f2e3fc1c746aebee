// What the auditor reads: a data directory's store, or a server over HTTP. Both give leaf bytes, stored hashes
// and checkpoints; only a store can also give the projections to compare against the replay.
import type { Kind } from '../../contracts/types.js';
import type { NodeId } from '../merkle/node-id.js';
import type { CheckpointRecord, StateRecord } from '../store/ledger-store.js';

export interface SourceEntry {
  readonly index: number;
  readonly leaf: Uint8Array;
  /** The leaf hash the source claims (stored alongside the leaf), if it has one. */
  readonly leafHash?: Uint8Array;
}

export interface LedgerSource {
  /** Published size and its signed note. */
  latest(): Promise<CheckpointRecord | undefined>;
  entries(start: number, end: number): Promise<SourceEntry[]>;
  /** Checkpoint signed at exactly this size, if the source keeps one. */
  checkpointAt(size: number): Promise<CheckpointRecord | undefined>;
  /** Stored complete-subtree hashes (undefined when the source does not expose them). */
  nodes?(ids: readonly NodeId[]): Promise<Uint8Array[]>;
  /** All projected state objects of a kind, in id order (store sources only). */
  projections?(kind: Kind): AsyncIterable<StateRecord>;
}
