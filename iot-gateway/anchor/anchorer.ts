// The anchoring driver: every `batchMs` (or as soon as `batchMax` readings wait) it seals the oldest unbatched
// readings into a batch (from the leaf hashes the store kept, without reloading the records) — root and signed
// anchor transaction stored in the same write — then submits the anchor to the ledger and records the committed
// index. At start it first resubmits every sealed, unanchored batch verbatim:
// the ledger answers a resubmission with the original index, so a batch is anchored exactly once whatever the
// moment of a crash (after seal, after commit, before the index was recorded).
import type { Logger } from 'pino';
import type { Clock } from '../../ledger/clock.js';
import type { Committed } from '../../ledger/pipeline/commit-pipeline.js';
import type { SignedTx } from '../../contracts/types.js';
import type { GatewayEvents } from '../gateway-events.js';
import type { GatewayStats } from '../gateway-stats.js';
import type { BatchRecord, NextBatch, TelemetryStore } from '../store/telemetry-store.js';
import { asLeaf, nextBatchOf, sealBatch, type SealItem } from './telemetry-batch.js';

export interface AnchorerDeps {
  readonly store: TelemetryStore;
  readonly submit: (signed: SignedTx) => Promise<Committed>;
  readonly gateway: { readonly id: string; readonly seed: Uint8Array };
  readonly clock: Clock;
  readonly logger: Logger;
  readonly stats: GatewayStats;
  readonly events: GatewayEvents;
  readonly batchMs: number;
  readonly batchMax: number;
}

/** Most batches sealed in one round, so a huge backlog cannot starve the event loop of other work. */
const MAX_BATCHES_PER_ROUND = 64;

export class Anchorer {
  readonly #d: AnchorerDeps;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #waiting = 0;
  #closed = false;

  constructor(deps: AnchorerDeps) {
    if (!Number.isSafeInteger(deps.batchMax) || deps.batchMax < 1) throw new RangeError(`batchMax: expected a positive integer, got ${deps.batchMax}`);
    if (!Number.isFinite(deps.batchMs) || deps.batchMs < 1) throw new RangeError(`batchMs: expected a positive number, got ${deps.batchMs}`);
    this.#d = deps;
  }

  /** Anchor what a previous run left sealed, then run every batchMs. */
  start(): Promise<void> {
    this.#timer = setInterval(() => void this.kick(), this.#d.batchMs);
    return this.kick();
  }

  /** Intake reports newly stored readings; a full batch is anchored without waiting for the timer. */
  noteStored(count: number): void {
    this.#waiting += count;
    if (this.#waiting >= this.#d.batchMax) void this.kick();
  }

  /** Run a round now (or right after the current one). Resolves when the rounds settle. */
  kick(): Promise<void> {
    if (this.#running !== undefined) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      try {
        await this.#round();
      } catch (e) {
        this.#d.logger.error({ err: e }, 'telemetry anchoring round failed; retrying on the next tick');
      }
    } while (this.#again && !this.#closed);
  }

  async #round(): Promise<void> {
    for (const b of await this.#d.store.unanchoredBatches()) await this.#anchor(b);
    for (let i = 0; i < MAX_BATCHES_PER_ROUND && !this.#closed; i++) {
      const next = await this.#next();
      if (next === undefined) return;
      const n = next.leaves.length;
      const batch = sealBatch({
        instance: await this.#d.store.instanceId(), gateway: this.#d.gateway, readings: next.leaves, root: next.root,
        now: new Date(this.#d.clock.now()).toISOString(),
      });
      await this.#d.store.createBatch(batch);
      this.#waiting = Math.max(0, this.#waiting - n);
      this.#d.stats.batchesSealed++;
      await this.#anchor(batch);
      // The round sealed everything that was waiting when it read: readings stored since then go into the next
      // round's batch (batchMs later, or sooner once batchMax wait) instead of a small batch of their own, so each
      // anchor transaction covers what a period brought. A backlog (a full cut) is worked off in this round.
      if (!next.more) return;
    }
  }

  /**
   * The next batch (batchCut of the oldest unbatched readings) with its root: computed beside the leaves when the
   * store offers it (nextBatch: off this thread in the threaded SQLite store), else here from the leaf hashes the
   * store keeps (no record reloaded or re-hashed) or from the stored readings.
   */
  async #next(): Promise<NextBatch | undefined> {
    const { store, batchMax } = this.#d;
    if (store.nextBatch) return store.nextBatch(batchMax);
    const items: readonly SealItem[] = store.unbatchedLeaves ? await store.unbatchedLeaves(batchMax) : await store.unbatched(batchMax);
    return nextBatchOf(items.map(asLeaf), batchMax);
  }

  async #anchor(batch: BatchRecord): Promise<void> {
    let committed: Committed;
    try {
      committed = await this.#d.submit(batch.anchorTx);
    } catch (e) {
      this.#d.stats.anchorFailures++;
      this.#d.logger.warn({ err: e, batch: batch.id }, 'telemetry anchor not committed; will retry');
      return;
    }
    await this.#d.store.markAnchored(batch.id, { index: committed.index, txHash: committed.txHash });
    this.#d.stats.batchesAnchored++;
    this.#d.stats.readingsAnchored += batch.count;
    this.#d.events.emit('anchored', { batchId: batch.id, index: committed.index, readings: batch.count, root: batch.root });
  }

  /** Stop the timer and finish the round in progress; with `flush`, seal and anchor what is left first. */
  async close(opts: { flush?: boolean } = {}): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (opts.flush) await this.kick();
    this.#closed = true;
    await this.#running;
  }
}
