// The sequencer: submit a signed transaction → verify the signatures the contract requires → apply the contract →
// append → update state projections → sign a checkpoint → publish events. Submissions queue up and are taken in
// batches; a whole batch is committed in ONE store transaction, so an entry is sequenced, integrated and published
// at once, or not at all. An index is handed out only after the commit (tessera's rule).
import type { ContractEvent, SignedTx, StateObject } from '../../contracts/types.js';
import type { Clock } from '../clock.js';
import type { VerifyPool } from '../crypto/verify-pool.js';
import { fromBase64, utf8 } from '../encoding/bytes.js';
import { decodeEntry, type LedgerEntry } from '../entry/entry.js';
import { ContractRejection, LedgerError } from '../errors.js';
import { hashLeaf } from '../merkle/hash.js';
import { appendLeaves, edgeIds, edgeRoot, type RightEdge } from '../merkle/compact-range.js';
import type { TxForms } from '../tx/tx-forms.js';
import { applyContract, signerKeys, verifySignatures, type ContractServices, type Preverified, type VerifyFn } from './admit.js';
import { BatchView, StateCache, withLoads } from './batch-view.js';
import { entryText } from '../entry/entry-text.js';
import { checkEnvelope } from './envelope.js';
import { LogSigner } from './log-signer.js';
import { SequenceConflict, stateKey, type CheckpointRecord, type CommittedMatch, type EntryRecord, type EventRecord, type LedgerStore, type NodeRecord, type StateRecord } from '../store/ledger-store.js';

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
  /**
   * Worker threads that verify signatures at submit, against the signer's key known then, while the sequencer
   * commits earlier batches. Admission uses a verdict only if it resolves the same key as of the entry's index;
   * otherwise (and when the pool fails) it verifies with `verify`. The caller owns the pool and closes it.
   */
  readonly pool?: VerifyPool;
  readonly services?: ContractServices;
  /** Most transactions committed in one store transaction. */
  readonly maxBatch?: number;
  /** Most submissions waiting; beyond it `submit` fails fast with LOG_BUSY (back-pressure). */
  readonly maxQueue?: number;
}

interface Pending {
  readonly signed: SignedTx;
  readonly forms: TxForms;
  /** JCS(sigs), computed by the envelope check. */
  readonly sigsText: string;
  readonly txHash: string;
  /** Verdicts from the pool, if it was asked; never rejects (undefined = verify at admission). */
  readonly pre: Promise<Preverified | undefined> | undefined;
  readonly resolve: (c: Committed) => void;
  readonly reject: (e: unknown) => void;
}

interface Accepted {
  readonly item: Pending;
  readonly record: EntryRecord;
  readonly entry: LedgerEntry;
}

interface Plan {
  readonly view: BatchView;
  readonly accepted: Accepted[];
  readonly writes: StateRecord[];
  readonly events: EventRecord[];
  readonly duplicates: { item: Pending; of: Pending | number }[];
  readonly refused: { item: Pending; error: unknown }[];
  readonly timeMs: number;
  checkpoint?: CheckpointRecord;
}

type Listener = (batch: CommittedBatch) => void;

interface PartyKey {
  readonly status?: string;
  readonly publicKey?: string;
}

/** Plans per batch before giving up when other sequencers keep appending. */
const MAX_ATTEMPTS = 5;

export class CommitPipeline {
  readonly #opts: Required<Omit<PipelineOptions, 'services' | 'pool'>> & Pick<PipelineOptions, 'services' | 'pool'>;
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

  /**
   * Load the right edge of the tree from the store and check it against the latest checkpoint. The reads are not one
   * snapshot: when another sequencer commits between them the check fails with the log grown, so it is read again;
   * a mismatch while the size stays the same is a real inconsistency.
   */
  static async open(opts: PipelineOptions): Promise<CommitPipeline> {
    let size: number;
    let edge: RightEdge;
    for (let attempt = 1; ; attempt++) {
      size = await opts.store.size();
      edge = { size, hashes: await opts.store.nodes(edgeIds(size)) };
      try {
        await opts.signer.checkResume(opts.store, edgeRoot(edge), size);
        break;
      } catch (e) {
        if (attempt >= MAX_ATTEMPTS || !(e instanceof LedgerError) || (await opts.store.size()) === size) throw e;
      }
    }
    let lastTimeMs = 0;
    if (size > 0) {
      const [last] = await opts.store.entries(size - 1, size);
      lastTimeMs = Date.parse(decodeEntry(last!.leaf).time);
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
    let checked;
    try {
      checked = checkEnvelope(input);
    } catch (e) {
      return Promise.reject(e);
    }
    const { signed, forms, sigsText } = checked;
    if (this.#queue.length >= this.#opts.maxQueue) {
      return Promise.reject(new LedgerError('LOG_BUSY', `sequencer queue is full (${this.#opts.maxQueue})`, undefined, 1));
    }
    return new Promise<Committed>((resolve, reject) => {
      this.#queue.push({ signed, forms, sigsText, txHash: forms.hash, pre: this.#preverify(signed, forms), resolve, reject });
      this.#kick();
    });
  }

  /** Stop accepting, finish what is queued. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#idle;
  }

  /** Start verifying in the pool against each signer's committed key known now (none known: nothing to do). */
  #preverify(signed: SignedTx, forms: TxForms): Promise<Preverified | undefined> | undefined {
    const pool = this.#opts.pool;
    if (pool === undefined || !pool.ready) return undefined;
    const keys = signed.sigs.map((s) => {
      const party = this.#cache.get(stateKey('party', s.signer)) as PartyKey | null | undefined;
      return party?.status === 'active' && typeof party.publicKey === 'string' ? party.publicKey : undefined;
    });
    if (keys.every((k) => k === undefined)) return undefined;
    const verdicts = signed.sigs.map((s, i) =>
      keys[i] === undefined ? undefined : pool.verify(fromBase64(s.sig, 'sig'), forms.signingBytes, fromBase64(keys[i], 'publicKey')));
    return Promise.all(verdicts).then((ok) => ({ keys, ok }), () => undefined);
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

  /**
   * Plan the batch against current state, commit it, then settle every submission. If the log moved under us
   * (another sequencer appended: SequenceConflict), reload and plan again — refusals computed against stale
   * state are never reported.
   */
  async #runBatch(batch: Pending[]): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const plan = await this.#plan(batch);
      try {
        await this.#commitPlan(plan);
      } catch (e) {
        this.#cache.clear();
        if (e instanceof SequenceConflict) {
          await this.#reload();
          continue;
        }
        const err = e instanceof LedgerError ? e : new LedgerError('LOG_UNAVAILABLE', `commit failed, nothing was written: ${(e as Error).message}`);
        for (const item of batch) item.reject(err);
        return;
      }
      this.#settle(plan);
      return;
    }
    const busy = new LedgerError('LOG_BUSY', 'the log kept moving under this sequencer; retry', undefined, 1);
    for (const item of batch) item.reject(busy);
  }

  /** Reload size, right edge and last time from the store (after another sequencer appended). */
  async #reload(): Promise<void> {
    const size = await this.#opts.store.size();
    this.#edge = { size, hashes: await this.#opts.store.nodes(edgeIds(size)) };
    if (size > 0) {
      const [last] = await this.#opts.store.entries(size - 1, size);
      this.#lastTimeMs = Math.max(this.#lastTimeMs, Date.parse(decodeEntry(last!.leaf).time));
    }
  }

  async #plan(batch: Pending[]): Promise<Plan> {
    const plan: Plan = {
      view: new BatchView(this.#cache, this.#opts.store), accepted: [], writes: [], events: [], duplicates: [], refused: [],
      timeMs: Math.max(this.#opts.clock.now(), this.#lastTimeMs), // sequencer time never goes backwards
    };
    const inBatch = new Map<string, Pending>();
    const nonces = new Map<string, string>();
    const time = new Date(plan.timeMs).toISOString();
    const pre = await Promise.all(batch.map((item) => item.pre)); // verified in the pool meanwhile
    // What the log already holds for these submissions: one store call for the batch (idempotency, nonce reuse).
    const committed = await this.#opts.store.findCommitted(
      batch.map((item) => ({ txHash: item.txHash, signer: item.signed.sigs[0]!.signer, nonce: item.signed.tx.nonce })));
    for (const [k, item] of batch.entries()) {
      try {
        const outcome = await this.#admitOne(item, plan, time, inBatch, nonces, pre[k], committed[k]!);
        if (outcome === undefined) continue; // a duplicate
        const index = this.#edge.size + plan.accepted.length;
        const entry: LedgerEntry = { v: 1, index, time, tx: item.signed.tx, sigs: item.signed.sigs };
        const leaf = utf8(entryText(index, time, item.forms.text, item.sigsText)); // = encodeEntry(entry)
        const first = item.signed.sigs[0]!;
        plan.accepted.push({
          item,
          entry,
          record: {
            index, leaf, leafHash: hashLeaf(leaf), txHash: item.txHash, type: item.signed.tx.type,
            signer: first.signer, nonce: item.signed.tx.nonce,
          },
        });
        plan.view.stage(outcome.writes);
        plan.writes.push(...outcome.writes.map((object: StateObject) => ({ object, index })));
        outcome.events.forEach((event: ContractEvent, seq) => plan.events.push({ index, seq, event }));
        inBatch.set(item.txHash, item);
        nonces.set(`${first.signer}\n${item.signed.tx.nonce}`, item.txHash);
      } catch (e) {
        plan.refused.push({ item, error: e });
      }
    }
    return plan;
  }

  /** The contract outcome for a new transaction, or undefined for a duplicate. Throws on refusal. */
  async #admitOne(
    item: Pending, plan: Plan, time: string, inBatch: Map<string, Pending>, nonces: Map<string, string>, pre: Preverified | undefined,
    committed: CommittedMatch,
  ) {
    const { signed, txHash } = item;
    const earlier = inBatch.get(txHash);
    if (earlier !== undefined) {
      plan.duplicates.push({ item, of: earlier });
      return undefined;
    }
    if (committed.index !== undefined) {
      plan.duplicates.push({ item, of: committed.index });
      return undefined;
    }
    const signer = signed.sigs[0]!.signer;
    const nonceKey = `${signer}\n${signed.tx.nonce}`;
    const used = nonces.get(nonceKey) ?? committed.byNonce?.txHash;
    if (used !== undefined && used !== txHash) {
      throw new LedgerError('TX_NONCE_REUSED', `'${signer}' already used nonce '${signed.tx.nonce}' for another transaction`, '/tx/nonce');
    }
    const index = this.#edge.size + plan.accepted.length;
    const input = { view: plan.view, signed, index, time, txHash, verify: this.#opts.verify, services: this.#opts.services };
    // Key lookups and the contract may each miss state not yet loaded; only those are re-run, never the crypto.
    const keys = await withLoads(plan.view, () => signerKeys(input));
    const signers = verifySignatures(input, keys, item.forms.signingBytes, pre);
    const outcome = await withLoads(plan.view, () => applyContract(input, signers));
    if (!outcome.ok) throw new ContractRejection(outcome.error);
    return outcome;
  }

  /** Append, integrate and sign in one store transaction. Throws SequenceConflict when the log moved. */
  async #commitPlan(plan: Plan): Promise<void> {
    if (plan.accepted.length === 0) {
      plan.checkpoint = await this.#opts.store.latestCheckpoint();
      return;
    }
    const oldSize = this.#edge.size;
    const appended = appendLeaves(this.#edge, plan.accepted.map((a) => a.record.leafHash));
    const nodes: NodeRecord[] = appended.nodes;
    const checkpoint = await this.#opts.signer.sign(this.#opts.store, oldSize, appended.edge, nodes);
    await this.#opts.store.commit({ entries: plan.accepted.map((a) => a.record), nodes, writes: plan.writes, events: plan.events, checkpoint });
    plan.view.publishToCache();
    this.#edge = appended.edge;
    this.#lastTimeMs = plan.timeMs;
    plan.checkpoint = checkpoint;
  }

  /** After a successful commit: answer every submission and tell the listeners. */
  #settle(plan: Plan): void {
    const cpSize = plan.checkpoint?.size ?? this.#edge.size;
    for (const r of plan.refused) r.item.reject(r.error);
    for (const a of plan.accepted) a.item.resolve({ index: a.record.index, txHash: a.record.txHash, duplicate: false, checkpointSize: cpSize });
    for (const d of plan.duplicates) {
      const index = typeof d.of === 'number' ? d.of : plan.accepted.find((a) => a.item === d.of)!.record.index;
      d.item.resolve({ index, txHash: d.item.txHash, duplicate: true, checkpointSize: cpSize });
    }
    if (plan.accepted.length === 0 || plan.checkpoint === undefined) return;
    const published: CommittedBatch = {
      entries: plan.accepted.map((a) => ({ index: a.record.index, entry: a.entry, txHash: a.record.txHash })),
      events: plan.events,
      checkpoint: { size: plan.checkpoint.size, note: plan.checkpoint.note },
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
