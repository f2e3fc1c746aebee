// The sequencer: submit a signed transaction → verify the signatures the contract requires → apply the contract →
// append → update state projections → sign a checkpoint → publish events. Submissions queue up and are taken in
// batches; a whole batch is committed in ONE store transaction, so an entry is sequenced, integrated and published
// at once, or not at all. An index is handed out only after the commit (tessera's rule).
import type { ContractEvent, SignedTx, StateObject } from '../../contracts/types.js';
import type { Clock } from '../clock.js';
import { encodeEntry, type LedgerEntry } from '../entry/entry.js';
import { ContractRejection, LedgerError } from '../errors.js';
import { hashLeaf } from '../merkle/hash.js';
import { appendLeaves, edgeIds, edgeRoot, type RightEdge } from '../merkle/compact-range.js';
import { txHash as hashTx } from '../tx/tx-hash.js';
import { admit, type ContractServices, type VerifyFn } from './admit.js';
import { BatchView, StateCache, withLoads } from './batch-view.js';
import { checkEnvelope } from './envelope.js';
import { LogSigner } from './log-signer.js';
import type { CommitBatch, EntryRecord, EventRecord, LedgerStore, NodeRecord, StateRecord } from '../store/ledger-store.js';

export interface Committed {
  readonly index: number;
  readonly txHash: string;
  /** True when this exact transaction was already in the log (idempotent resubmission). */
  readonly duplicate: boolean;
  /** The checkpoint size that first covers the entry. */
  readonly checkpointSize: number;
}

export interface CommittedBatch {
  readonly entries: readonly { index: number; entry: LedgerEntry; txHash: string }[];
  readonly events: readonly EventRecord[];
  readonly checkpoint: { size: number; note: string };
}

export interface PipelineOptions {
  readonly store: LedgerStore;
  readonly clock: Clock;
  readonly signer: LogSigner;
  readonly verify: VerifyFn;
  readonly services?: ContractServices;
  /** Most transactions committed in one store transaction. */
  readonly maxBatch?: number;
  /** Most submissions waiting; beyond it `submit` fails fast with LOG_BUSY (back-pressure). */
  readonly maxQueue?: number;
}

interface Pending {
  readonly signed: SignedTx;
  readonly txHash: string;
  readonly resolve: (c: Committed) => void;
  readonly reject: (e: unknown) => void;
}

interface Accepted {
  readonly item: Pending;
  readonly record: EntryRecord;
  readonly entry: LedgerEntry;
}

type Listener = (batch: CommittedBatch) => void;

export class CommitPipeline {
  readonly #opts: Required<Omit<PipelineOptions, 'services'>> & { services?: ContractServices };
  readonly #cache = new StateCache();
  readonly #queue: Pending[] = [];
  readonly #listeners = new Set<Listener>();
  #edge: RightEdge;
  #lastTimeMs: number;
  #running = false;
  #closed = false;
  #idle: Promise<void> = Promise.resolve();

  private constructor(opts: PipelineOptions, edge: RightEdge, lastTimeMs: number) {
    this.#opts = { maxBatch: 512, maxQueue: 10_000, ...opts };
    this.#edge = edge;
    this.#lastTimeMs = lastTimeMs;
  }

  /** Load the right edge of the tree from the store and check it against the latest checkpoint. */
  static async open(opts: PipelineOptions): Promise<CommitPipeline> {
    const size = await opts.store.size();
    const edge: RightEdge = { size, hashes: await opts.store.nodes(edgeIds(size)) };
    await opts.signer.checkResume(opts.store, edgeRoot(edge), size);
    let lastTimeMs = 0;
    if (size > 0) {
      const [last] = await opts.store.entries(size - 1, size);
      lastTimeMs = Date.parse((JSON.parse(new TextDecoder().decode(last!.leaf)) as LedgerEntry).time);
    }
    return new CommitPipeline(opts, edge, lastTimeMs);
  }

  get size(): number {
    return this.#edge.size;
  }

  get queueDepth(): number {
    return this.#queue.length;
  }

  /** Called after every committed batch (in commit order). Returns an unsubscribe function. */
  onCommit(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Queue a signed transaction (already parsed strictly); resolves once it is committed and published. */
  submit(input: unknown): Promise<Committed> {
    if (this.#closed) return Promise.reject(new LedgerError('LOG_UNAVAILABLE', 'the ledger is shutting down'));
    let signed: SignedTx;
    try {
      signed = checkEnvelope(input);
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.#queue.length >= this.#opts.maxQueue) {
      return Promise.reject(new LedgerError('LOG_BUSY', `sequencer queue is full (${this.#opts.maxQueue})`, undefined, 1));
    }
    return new Promise<Committed>((resolve, reject) => {
      this.#queue.push({ signed, txHash: hashTx(signed.tx), resolve, reject });
      this.#kick();
    });
  }

  /** Stop accepting, finish what is queued. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#idle;
  }

  #kick(): void {
    if (this.#running) return;
    this.#running = true;
    this.#idle = this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        // Let I/O callbacks enqueue more work so batches fill up under load.
        await new Promise<void>((r) => setImmediate(r));
        const batch = this.#queue.splice(0, this.#opts.maxBatch);
        await this.#runBatch(batch);
      }
    } finally {
      // Same synchronous step as the empty-queue check above: a submit cannot slip in between and be stranded.
      this.#running = false;
    }
  }

  async #runBatch(batch: Pending[]): Promise<void> {
    const view = new BatchView(this.#cache, this.#opts.store);
    const accepted: Accepted[] = [];
    const writes: StateRecord[] = [];
    const events: EventRecord[] = [];
    const duplicates: { item: Pending; of: Pending | number }[] = [];
    const inBatch = new Map<string, Pending>();
    const nonces = new Map<string, string>();
    const timeMs = Math.max(this.#opts.clock.now(), this.#lastTimeMs); // sequencer time never goes backwards
    const time = new Date(timeMs).toISOString();

    for (const item of batch) {
      try {
        const outcome = await this.#admitOne(item, view, accepted.length, time, inBatch, nonces, duplicates);
        if (outcome === undefined) continue; // duplicate, settled after commit
        const index = this.#edge.size + accepted.length;
        const entry: LedgerEntry = { v: 1, index, time, tx: item.signed.tx, sigs: item.signed.sigs };
        const leaf = encodeEntry(entry);
        const first = item.signed.sigs[0]!;
        accepted.push({
          item,
          entry,
          record: {
            index, leaf, leafHash: hashLeaf(leaf), txHash: item.txHash, type: item.signed.tx.type,
            signer: first.signer, nonce: item.signed.tx.nonce,
          },
        });
        view.stage(outcome.writes);
        writes.push(...outcome.writes.map((object: StateObject) => ({ object, index })));
        outcome.events.forEach((event: ContractEvent, seq) => events.push({ index, seq, event }));
        inBatch.set(item.txHash, item);
        nonces.set(`${first.signer}\n${item.signed.tx.nonce}`, item.txHash);
      } catch (e) {
        item.reject(e);
      }
    }
    if (accepted.length === 0 && duplicates.length === 0) return;
    await this.#commit(view, accepted, writes, events, duplicates, timeMs);
  }

  /** Returns the contract outcome for a new transaction, or undefined when it is a duplicate. Throws on rejection. */
  async #admitOne(
    item: Pending,
    view: BatchView,
    offset: number,
    time: string,
    inBatch: Map<string, Pending>,
    nonces: Map<string, string>,
    duplicates: { item: Pending; of: Pending | number }[],
  ) {
    const { signed, txHash } = item;
    const earlier = inBatch.get(txHash);
    if (earlier !== undefined) {
      duplicates.push({ item, of: earlier });
      return undefined;
    }
    const committedIndex = await this.#opts.store.indexOfTx(txHash);
    if (committedIndex !== undefined) {
      duplicates.push({ item, of: committedIndex });
      return undefined;
    }
    const signer = signed.sigs[0]!.signer;
    const nonceKey = `${signer}\n${signed.tx.nonce}`;
    const used = nonces.get(nonceKey) ?? (await this.#opts.store.txOfNonce(signer, signed.tx.nonce))?.txHash;
    if (used !== undefined && used !== txHash) {
      throw new LedgerError('TX_NONCE_REUSED', `'${signer}' already used nonce '${signed.tx.nonce}' for another transaction`, '/tx/nonce');
    }
    const index = this.#edge.size + offset;
    const outcome = await withLoads(view, () =>
      admit({ view, signed, index, time, txHash, verify: this.#opts.verify, services: this.#opts.services }),
    );
    if (!outcome.ok) throw new ContractRejection(outcome.error);
    return outcome;
  }

  async #commit(
    view: BatchView,
    accepted: Accepted[],
    writes: StateRecord[],
    events: EventRecord[],
    duplicates: { item: Pending; of: Pending | number }[],
    timeMs: number,
  ): Promise<void> {
    const oldSize = this.#edge.size;
    let checkpoint = await this.#opts.store.latestCheckpoint();
    let nextEdge = this.#edge;
    if (accepted.length > 0) {
      try {
        const appended = appendLeaves(this.#edge, accepted.map((a) => a.record.leafHash));
        const nodes: NodeRecord[] = appended.nodes;
        const signed = await this.#opts.signer.sign(this.#opts.store, oldSize, appended.edge, nodes);
        const commit: CommitBatch = { entries: accepted.map((a) => a.record), nodes, writes, events, checkpoint: signed };
        await this.#opts.store.commit(commit);
        nextEdge = appended.edge;
        checkpoint = signed;
      } catch (e) {
        this.#cache.clear(); // the store may have moved under us; reload on next use
        const err = e instanceof LedgerError ? e : new LedgerError('LOG_UNAVAILABLE', `commit failed, nothing was written: ${(e as Error).message}`);
        for (const a of accepted) a.item.reject(err);
        for (const d of duplicates) if (typeof d.of !== 'number') d.item.reject(err);
        await this.#settleCommittedDuplicates(duplicates, checkpoint?.size ?? oldSize);
        return;
      }
      view.publishToCache();
      this.#edge = nextEdge;
      this.#lastTimeMs = timeMs;
    }
    const cpSize = checkpoint?.size ?? nextEdge.size;
    for (const a of accepted) a.item.resolve({ index: a.record.index, txHash: a.record.txHash, duplicate: false, checkpointSize: cpSize });
    for (const d of duplicates) {
      if (typeof d.of === 'number') continue;
      const original = accepted.find((a) => a.item === d.of)!;
      d.item.resolve({ index: original.record.index, txHash: d.item.txHash, duplicate: true, checkpointSize: cpSize });
    }
    await this.#settleCommittedDuplicates(duplicates, cpSize);
    if (accepted.length > 0 && checkpoint !== undefined) {
      const published: CommittedBatch = {
        entries: accepted.map((a) => ({ index: a.record.index, entry: a.entry, txHash: a.record.txHash })),
        events,
        checkpoint: { size: checkpoint.size, note: checkpoint.note },
      };
      for (const l of this.#listeners) {
        try {
          l(published);
        } catch {
          // A listener's failure must not undo or block a commit; listeners log their own errors.
        }
      }
    }
  }

  async #settleCommittedDuplicates(duplicates: { item: Pending; of: Pending | number }[], cpSize: number): Promise<void> {
    for (const d of duplicates) {
      if (typeof d.of === 'number') d.item.resolve({ index: d.of, txHash: d.item.txHash, duplicate: true, checkpointSize: cpSize });
    }
  }
}
