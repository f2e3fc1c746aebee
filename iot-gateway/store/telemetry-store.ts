// The TelemetryStore port: everything the gateway persists. Adapters (memory, SQLite, PostgreSQL) implement
// it and pass one shared conformance suite (test/iot-gateway/store/telemetry-store-conformance.ts).
//
// A reading's life: received (verified, queued) → stored (durable, deduplicated by (device, seq); only now is it
// acknowledged to the device) → batched (sealed into a batch whose RFC 6962 root and signed anchor transaction
// are stored in the same write) → anchored (the ledger committed the anchor; its index is recorded).
import type { SignedTx } from '../../contracts/types.js';
import type { Reading } from '../formats/telemetry-message.js';
import type { Evidence } from '../verify/verify-message.js';
import type { SeqGap } from '../verify/sequence.js';

/** A reading as stored and anchored: what the device sent, its signature evidence, and when the gateway got it. */
export type ReadingRecord = Reading & Evidence & { readonly receivedAt: string };

export interface StoredReading {
  /** Store-assigned, dense in arrival order, starting at 1. */
  readonly id: number;
  readonly record: ReadingRecord;
  /** The batch the reading was sealed into, once it was. */
  readonly batchId?: string;
}

/**
 * What sealing a batch needs of an unbatched reading, without the record itself: its id, device and device time,
 * and its Merkle leaf hash, RFC 6962 SHA-256(0x00 ‖ RFC 8785(record)), computed once when it was stored.
 */
export interface ReadingLeaf {
  readonly id: number;
  readonly device: string;
  readonly ts: string;
  /** 32 bytes. */
  readonly leafHash: Uint8Array;
}

/** The leaves of the next batch to seal and their RFC 6962 root (TelemetryStore.nextBatch). */
export interface NextBatch {
  readonly leaves: readonly ReadingLeaf[];
  /** RFC 6962 root over the leaves' hashes, in order. */
  readonly root: Uint8Array;
  /** More unbatched readings may be waiting beyond these. */
  readonly more: boolean;
}

export type AppendResult =
  | { readonly status: 'stored'; readonly id: number; readonly gap?: { readonly from: number; readonly to: number } }
  | { readonly status: 'duplicate'; readonly id: number };

/** A signed batch message, kept by digest so anyone can re-verify the device signature of a batched reading. */
export interface BatchMessage {
  /** Lowercase hex SHA-256 of `bytes`. */
  readonly digest: string;
  /** RFC 8785 bytes of the whole signed batch message. */
  readonly bytes: Uint8Array;
}

export interface BatchRecord {
  /** `tb-<instance>-<first reading id>`; also the anchor transaction's nonce, so anchoring is idempotent. */
  readonly id: string;
  readonly firstId: number;
  readonly lastId: number;
  readonly count: number;
  /** RFC 6962 root (hex) over the leaves RFC 8785(record) of the batch's readings in id order. */
  readonly root: string;
  readonly firstReadingAt: string;
  readonly lastReadingAt: string;
  readonly devices: readonly string[];
  /** The exact signed telemetry.anchor transaction, resubmitted verbatim after a restart. */
  readonly anchorTx: SignedTx;
  readonly createdAt: string;
  /** Set once the ledger committed the anchor. */
  readonly anchor?: { readonly index: number; readonly txHash: string };
}

export interface ReadingQuery {
  readonly device: string;
  /** Device time range, RFC 3339 UTC, `from` inclusive, `to` exclusive. */
  readonly from?: string;
  readonly to?: string;
  /** Keyset pagination: only readings with id greater than this. */
  readonly after?: number;
  readonly limit: number;
}

export interface ReadingPage {
  readonly readings: StoredReading[];
  /** Pass as `after` for the next page; absent on the last page. */
  readonly next?: number;
}

export interface TelemetryStore {
  /**
   * True when several gateways write this store (PostgreSQL): each gateway then sees only its share of the readings,
   * and what one gateway concludes from its own (the covenant monitor) must be checked against the store.
   */
  readonly shared?: boolean;
  /**
   * True when the adapter applies writes one at a time in the order they were called, so a caller may send the next
   * before the previous resolved (the threaded SQLite store's writer thread); their promises then settle in that order.
   */
  readonly writesInOrder?: boolean;
  /** A random id fixed when the storage was created; makes batch ids unique across gateway instances. */
  instanceId(): Promise<string>;
  /**
   * Stores readings atomically (all or none), in order, deduplicating by (device, seq) — also within the call —
   * and updating each device's high-water mark and gaps (see verify/sequence.ts). Durable when it resolves.
   */
  append(records: readonly ReadingRecord[], messages?: readonly BatchMessage[]): Promise<AppendResult[]>;
  highWater(device: string): Promise<number | undefined>;
  gaps(device: string, limit?: number): Promise<SeqGap[]>;
  reading(id: number): Promise<StoredReading | undefined>;
  /** Readings of a device in id (arrival) order. */
  readings(query: ReadingQuery): Promise<ReadingPage>;
  /** The device's reading with the latest device time (ties: latest stored), optionally of one kind. */
  latest(device: string, kind?: string): Promise<StoredReading | undefined>;
  message(digest: string): Promise<Uint8Array | undefined>;
  /** Camera readings whose segment has this SHA-256 (lowercase hex), oldest first, at most 100. */
  segments(sha256: string): Promise<StoredReading[]>;

  /** The oldest readings not yet in a batch, in id order. */
  unbatched(limit: number): Promise<StoredReading[]>;
  /**
   * Optional fast path of `unbatched`: the same readings as leaves (no record to load, parse or re-serialise).
   * The anchorer uses it when an adapter offers it and no `nextBatch`, and falls back to `unbatched` otherwise.
   */
  unbatchedLeaves?(limit: number): Promise<ReadingLeaf[]>;
  /**
   * Optional fast path of the anchorer's next batch (anchor/telemetry-batch.ts, nextBatchOf): the batchCut of the
   * oldest unbatched leaves, at most `max`, with their RFC 6962 root, computed where the leaves are (the threaded
   * SQLite store's writer thread, off the intake's thread); undefined when nothing is unbatched.
   */
  nextBatch?(max: number): Promise<NextBatch | undefined>;
  /** Seals readings firstId..lastId (exactly `count` unbatched ones) into the batch; throws if that is not so. */
  createBatch(batch: BatchRecord): Promise<void>;
  markAnchored(batchId: string, anchor: { index: number; txHash: string }): Promise<void>;
  batch(id: string): Promise<BatchRecord | undefined>;
  /** Sealed batches whose anchor is not yet committed, oldest first. */
  unanchoredBatches(): Promise<BatchRecord[]>;
  batchReadings(batchId: string): Promise<StoredReading[]>;

  /** Small named JSON documents (covenant monitor state). `undefined` deletes. */
  getState(key: string): Promise<string | undefined>;
  putState(key: string, value: string | undefined): Promise<void>;

  close(): Promise<void>;
}

/** Thrown by createBatch when the readings are not exactly the unbatched range it names. */
export class BatchConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BatchConflict';
  }
}
