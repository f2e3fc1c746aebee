// In-memory LedgerStore: for tests, the auditor's scratch replays and embedded tools. Same contract as the
// durable adapters (it passes the same conformance suite), durability aside.
import type { Kind } from '../../contracts/types.js';
import type { NodeId } from '../merkle/node-id.js';
import {
  DuplicateEntryError,
  SequenceConflict,
  requireTxHash,
  eventRefs,
  refsOf,
  stateKey,
  type CheckpointRecord,
  type CommitBatch,
  type CommittedMatch,
  type EntryRecord,
  type EventRecord,
  type LedgerStore,
  type StateQuery,
  type StateRecord,
  type TxKey,
} from './ledger-store.js';

const nodeKey = (id: NodeId): string => `${id.level}/${id.index}`;

export class MemoryLedgerStore implements LedgerStore {
  readonly #entries: EntryRecord[] = [];
  readonly #nodes = new Map<string, Uint8Array>();
  readonly #byTx = new Map<string, number>();
  readonly #byNonce = new Map<string, number>();
  readonly #checkpoints = new Map<number, CheckpointRecord>();
  #latest: CheckpointRecord | undefined;
  readonly #state = new Map<string, StateRecord>();
  readonly #events: EventRecord[] = [];

  async size(): Promise<number> {
    return this.#entries.length;
  }

  async commit(batch: CommitBatch): Promise<void> {
    const first = batch.entries[0]?.index ?? this.#entries.length;
    if (first !== this.#entries.length) throw new SequenceConflict(this.#entries.length, first);
    const txs = new Set<string>();
    const nonces = new Set<string>();
    batch.entries.forEach((e, i) => {
      if (e.index !== first + i) throw new RangeError(`batch entry ${i} has index ${e.index}, expected ${first + i}`);
      requireTxHash(e);
      const nonceKey = `${e.signer}\n${e.nonce}`;
      if (this.#byTx.has(e.txHash) || txs.has(e.txHash)) throw new DuplicateEntryError('tx_hash', `entry ${e.index}: tx ${e.txHash}`);
      if (this.#byNonce.has(nonceKey) || nonces.has(nonceKey)) {
        throw new DuplicateEntryError('signer_nonce', `entry ${e.index}: (${e.signer}, ${e.nonce})`);
      }
      txs.add(e.txHash);
      nonces.add(nonceKey);
    });
    // All checks passed: apply (nothing above mutated, so a failed batch leaves no trace).
    for (const e of batch.entries) {
      this.#entries.push(e);
      this.#byTx.set(e.txHash, e.index);
      this.#byNonce.set(`${e.signer}\n${e.nonce}`, e.index);
    }
    for (const n of batch.nodes) this.#nodes.set(nodeKey(n.id), n.hash);
    for (const w of batch.writes) this.#state.set(stateKey(w.object.kind, w.object.id), w);
    this.#events.push(...batch.events);
    this.#checkpoints.set(batch.checkpoint.size, batch.checkpoint);
    this.#latest = batch.checkpoint;
  }

  async entries(start: number, end: number): Promise<EntryRecord[]> {
    return this.#entries.slice(start, end);
  }

  async nodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    return ids.map((id) => {
      const hash = this.#nodes.get(nodeKey(id));
      if (hash === undefined) throw new RangeError(`node level ${id.level} index ${id.index} is not stored`);
      return hash;
    });
  }

  async indexOfTx(txHash: string): Promise<number | undefined> {
    return this.#byTx.get(txHash);
  }

  async txOfNonce(signer: string, nonce: string): Promise<{ index: number; txHash: string } | undefined> {
    const index = this.#byNonce.get(`${signer}\n${nonce}`);
    if (index === undefined) return undefined;
    return { index, txHash: this.#entries[index]!.txHash };
  }

  async latestCheckpoint(): Promise<CheckpointRecord | undefined> {
    return this.#latest;
  }

  async checkpointAt(size: number): Promise<CheckpointRecord | undefined> {
    return this.#checkpoints.get(size);
  }

  async checkpointsIn(from: number, to: number): Promise<CheckpointRecord[]> {
    // Insertion order is size order: every commit signs a larger size than the one before.
    return [...this.#checkpoints.values()].filter((cp) => cp.size >= from && cp.size < to);
  }

  async getState(keys: readonly { kind: Kind; id: string }[]): Promise<Map<string, StateRecord>> {
    const found = new Map<string, StateRecord>();
    for (const { kind, id } of keys) {
      const record = this.#state.get(stateKey(kind, id));
      if (record !== undefined) found.set(stateKey(kind, id), record);
    }
    return found;
  }

  async queryState(query: StateQuery): Promise<StateRecord[]> {
    const limit = query.limit ?? 100;
    return [...this.#state.values()]
      .filter((r) => r.object.kind === query.kind)
      .filter((r) => query.ref === undefined || refsOf(r.object).includes(query.ref))
      .filter((r) => query.after === undefined || r.object.id > query.after)
      .sort((a, b) => (a.object.id < b.object.id ? -1 : a.object.id > b.object.id ? 1 : 0))
      .slice(0, limit);
  }

  async events(fromIndex: number, limit: number): Promise<EventRecord[]> {
    return this.#events.filter((e) => e.index >= fromIndex).slice(0, limit);
  }

  async eventsByRef(ref: string, fromIndex: number, limit: number): Promise<EventRecord[]> {
    return this.#events.filter((e) => e.index >= fromIndex && eventRefs(e.event).includes(ref)).slice(0, limit);
  }

  async close(): Promise<void> {}

  async findCommitted(keys: readonly TxKey[]): Promise<CommittedMatch[]> {
    return Promise.all(keys.map(async (k) => ({ index: await this.indexOfTx(k.txHash), byNonce: await this.txOfNonce(k.signer, k.nonce) })));
  }
}
