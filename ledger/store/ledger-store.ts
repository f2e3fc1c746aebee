// The LedgerStore port: everything the ledger persists. Adapters (memory, SQLite, PostgreSQL) implement it and
// pass one shared conformance suite (test/ledger/store/ledger-store-conformance.ts).
//
// An entry's life (tessera's vocabulary): received (queued in the pipeline) → sequenced (durable index) →
// integrated (its Merkle nodes stored) → published (covered by a signed checkpoint). One `commit` call makes a
// whole batch sequenced, integrated and published at once, atomically: either all of it is durable or none is.
import type { ContractEvent, Kind, StateObject } from '../../contracts/types.js';
import type { NodeId } from '../merkle/node-id.js';

export interface EntryRecord {
  /** Ledger index (0-based, dense). */
  readonly index: number;
  /** The exact bytes hashed into the leaf: RFC 8785 JSON of the entry. */
  readonly leaf: Uint8Array;
  /** RFC 6962 leaf hash of `leaf`. */
  readonly leafHash: Uint8Array;
  /** Lowercase hex SHA-256 of the canonical tx (the idempotency key). */
  readonly txHash: string;
  /** Transaction type, e.g. `receipt.issue` (denormalised for filtering). */
  readonly type: string;
  /** First signer and nonce of the tx: unique across the log. */
  readonly signer: string;
  readonly nonce: string;
}

export interface NodeRecord {
  readonly id: NodeId;
  readonly hash: Uint8Array;
}

export interface CheckpointRecord {
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** The full C2SP signed note as served at /v1/ledger/checkpoint. */
  readonly note: string;
}

export interface EventRecord {
  readonly index: number;
  /** Position of the event within its entry (0-based). */
  readonly seq: number;
  readonly event: ContractEvent;
}

/** A state object with the index of the entry that last wrote it. */
export interface StateRecord {
  readonly object: StateObject;
  readonly index: number;
}

export interface CommitBatch {
  /** Entries with dense indices starting exactly at the store's current size. */
  readonly entries: readonly EntryRecord[];
  /** Every complete-subtree hash the batch makes known (level 0 included). */
  readonly nodes: readonly NodeRecord[];
  /** State objects to upsert, in order (a later write to the same (kind, id) wins). */
  readonly writes: readonly StateRecord[];
  readonly events: readonly EventRecord[];
  /** The checkpoint signed over the new size. */
  readonly checkpoint: CheckpointRecord;
}

/**
 * A batch repeated a transaction (same tx hash) or a (signer, nonce) already in the log. The pipeline never builds
 * such a batch (it answers resubmissions with the original index); reaching the store means a caller bypassed it.
 * Nothing of the batch was written.
 */
export class DuplicateEntryError extends RangeError {
  constructor(
    readonly constraint: 'tx_hash' | 'signer_nonce',
    detail: string,
  ) {
    super(`the batch repeats a ${constraint === 'tx_hash' ? 'transaction' : '(signer, nonce)'} already in the log: ${detail}`);
    this.name = 'DuplicateEntryError';
  }
}

/** A tx hash as the port carries it: SHA-256 in lowercase hex. */
export const TX_HASH_HEX = /^[0-9a-f]{64}$/;

/** Misuse check of `EntryRecord.txHash`: 64 lowercase hex digits (a SHA-256), else a TypeError naming the entry. */
export function requireTxHash(entry: EntryRecord): void {
  if (typeof entry.txHash !== 'string' || !TX_HASH_HEX.test(entry.txHash)) {
    throw new TypeError(`entry ${entry.index}: txHash must be 64 lowercase hex digits (a SHA-256), got ${JSON.stringify(entry.txHash)}`);
  }
}

/** Thrown by `commit` when the batch does not start at the current size (another sequencer moved the log). */
export class SequenceConflict extends Error {
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`batch starts at index ${actual} but the log size is ${expected}`);
    this.name = 'SequenceConflict';
  }
}

export interface StateQuery {
  readonly kind: Kind;
  /** Objects any of whose reference fields (holder, warehouse, bank, receipt, pledge, …) equals this id. */
  readonly ref?: string;
  readonly limit?: number;
  /** Return objects with id greater than this (keyset pagination). */
  readonly after?: string;
}

export interface LedgerStore {
  /** Current log size (number of sequenced entries). */
  size(): Promise<number>;
  /** Atomically persist a batch; throws SequenceConflict if entries[0].index !== size(). */
  commit(batch: CommitBatch): Promise<void>;

  /** Entries with start ≤ index < end (end exclusive), in order. */
  entries(start: number, end: number): Promise<EntryRecord[]>;
  /** Stored complete-subtree hashes, in the order asked; throws RangeError naming a node that is not stored. */
  nodes(ids: readonly NodeId[]): Promise<Uint8Array[]>;

  /** Index of the committed entry with this tx hash, if any. */
  indexOfTx(txHash: string): Promise<number | undefined>;
  /** The tx hash already committed under (signer, nonce), if any. */
  txOfNonce(signer: string, nonce: string): Promise<{ index: number; txHash: string } | undefined>;

  latestCheckpoint(): Promise<CheckpointRecord | undefined>;
  /** The checkpoint signed at exactly this size, if one was. */
  checkpointAt(size: number): Promise<CheckpointRecord | undefined>;
  /** Every checkpoint signed at a size with from ≤ size < to, by size (the auditor reads them a page at a time). */
  checkpointsIn(from: number, to: number): Promise<CheckpointRecord[]>;

  /** State objects by (kind, id); missing ones are simply absent from the result (key `${kind}:${id}`). */
  getState(keys: readonly { kind: Kind; id: string }[]): Promise<Map<string, StateRecord>>;
  queryState(query: StateQuery): Promise<StateRecord[]>;
  /** Events with index ≥ fromIndex, in log order, at most `limit`. */
  events(fromIndex: number, limit: number): Promise<EventRecord[]>;
  /** Events that refer to object id `ref` (any kind), in log order, with index ≥ fromIndex, at most `limit`. */
  eventsByRef(ref: string, fromIndex: number, limit: number): Promise<EventRecord[]>;

  close(): Promise<void>;

  /**
   * `indexOfTx` and `txOfNonce` for every submission of a batch in one call (the sequencer asks once per batch):
   * one answer per key, in order. A hash that is not 64 lowercase hex digits matches nothing, as in `indexOfTx`.
   */
  findCommitted(keys: readonly TxKey[]): Promise<CommittedMatch[]>;
}

export function stateKey(kind: Kind, id: string): string {
  return `${kind}:${id}`;
}

/** Fields of a state object that name another object or party; indexed for `queryState({ ref })`. */
export const REF_FIELDS = ['holder', 'warehouse', 'bank', 'receipt', 'pledge', 'inspector', 'lot'] as const;

/** Every object id an event refers to (its `refs`, all kinds). */
export function eventRefs(event: ContractEvent): string[] {
  return [...new Set(Object.values(event.refs).flatMap((ids) => ids ?? []))];
}

export function refsOf(object: StateObject): string[] {
  const refs = new Set<string>();
  const record = object as unknown as Record<string, unknown>;
  for (const field of REF_FIELDS) {
    const value = record[field];
    if (typeof value === 'string' && value !== '') refs.add(value);
  }
  return [...refs];
}

/** What identifies a submission for idempotency: its tx hash, and its first signer's nonce. */
export interface TxKey {
  readonly txHash: string;
  readonly signer: string;
  readonly nonce: string;
}

/** What the log already holds for a TxKey: the entry with its tx hash, the entry under its (signer, nonce). */
export interface CommittedMatch {
  readonly index: number | undefined;
  readonly byNonce: { readonly index: number; readonly txHash: string } | undefined;
}
