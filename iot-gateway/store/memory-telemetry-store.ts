// In-memory TelemetryStore: for tests, the simulator and the conformance reference. Same semantics as SQLite.
import { randomBytes } from 'node:crypto';
import { classifySeq, type SeqGap } from '../verify/sequence.js';
import {
  BatchConflict,
  type AppendResult,
  type BatchMessage,
  type BatchRecord,
  type ReadingPage,
  type ReadingQuery,
  type ReadingRecord,
  type StoredReading,
  type TelemetryStore,
} from './telemetry-store.js';

interface Row {
  readonly id: number;
  readonly record: ReadingRecord;
  batchId?: string;
}

export class MemoryTelemetryStore implements TelemetryStore {
  readonly #instance = randomBytes(6).toString('hex');
  readonly #rows: Row[] = [];
  readonly #bySeq = new Map<string, number>();
  readonly #highWater = new Map<string, number>();
  readonly #gaps: SeqGap[] = [];
  readonly #messages = new Map<string, Uint8Array>();
  readonly #batches = new Map<string, BatchRecord>();
  readonly #state = new Map<string, string>();

  async instanceId(): Promise<string> {
    return this.#instance;
  }

  async append(records: readonly ReadingRecord[], messages: readonly BatchMessage[] = []): Promise<AppendResult[]> {
    for (const m of messages) if (!this.#messages.has(m.digest)) this.#messages.set(m.digest, m.bytes.slice());
    return records.map((record) => {
      const key = `${record.device}\n${record.seq}`;
      const existing = this.#bySeq.get(key);
      const decision = classifySeq(this.#highWater.get(record.device), record.seq, existing !== undefined);
      if (decision.status === 'duplicate') return { status: 'duplicate', id: existing! };
      const id = this.#rows.length + 1;
      this.#rows.push({ id, record: structuredClone(record) });
      this.#bySeq.set(key, id);
      this.#highWater.set(record.device, decision.highWater);
      if (decision.gap) this.#gaps.push({ device: record.device, ...decision.gap, detectedAt: record.receivedAt });
      return decision.gap ? { status: 'stored', id, gap: decision.gap } : { status: 'stored', id };
    });
  }

  async highWater(device: string): Promise<number | undefined> {
    return this.#highWater.get(device);
  }

  async gaps(device: string, limit = 100): Promise<SeqGap[]> {
    return this.#gaps.filter((g) => g.device === device).slice(0, limit);
  }

  async reading(id: number): Promise<StoredReading | undefined> {
    const row = this.#rows[id - 1];
    return row === undefined ? undefined : view(row);
  }

  async readings(q: ReadingQuery): Promise<ReadingPage> {
    const out: StoredReading[] = [];
    for (let i = q.after ?? 0; i < this.#rows.length && out.length <= q.limit; i++) {
      const r = this.#rows[i]!;
      if (r.record.device !== q.device) continue;
      if (q.from !== undefined && r.record.ts < q.from) continue;
      if (q.to !== undefined && r.record.ts >= q.to) continue;
      out.push(view(r));
    }
    if (out.length <= q.limit) return { readings: out };
    out.pop();
    return { readings: out, next: out[out.length - 1]!.id };
  }

  async latest(device: string, kind?: string): Promise<StoredReading | undefined> {
    let best: Row | undefined;
    for (const r of this.#rows) {
      if (r.record.device !== device || (kind !== undefined && r.record.kind !== kind)) continue;
      if (best === undefined || r.record.ts >= best.record.ts) best = r;
    }
    return best === undefined ? undefined : view(best);
  }

  async segments(sha256: string): Promise<StoredReading[]> {
    return this.#rows
      .filter((r) => r.record.kind === 'camera' && (r.record as { segment?: { sha256?: string } }).segment?.sha256 === sha256)
      .slice(0, 100)
      .map(view);
  }

  async message(digest: string): Promise<Uint8Array | undefined> {
    return this.#messages.get(digest)?.slice();
  }

  async unbatched(limit: number): Promise<StoredReading[]> {
    const out: StoredReading[] = [];
    for (const r of this.#rows) {
      if (out.length >= limit) break;
      if (r.batchId === undefined) out.push(view(r));
    }
    return out;
  }

  async createBatch(batch: BatchRecord): Promise<void> {
    if (this.#batches.has(batch.id)) throw new BatchConflict(`batch ${batch.id} exists`);
    const rows = this.#rows.slice(batch.firstId - 1, batch.lastId);
    if (rows.length !== batch.count || rows.some((r) => r.batchId !== undefined)) {
      throw new BatchConflict(`readings ${batch.firstId}..${batch.lastId} are not ${batch.count} unbatched readings`);
    }
    for (const r of rows) r.batchId = batch.id;
    this.#batches.set(batch.id, structuredClone(batch));
  }

  async markAnchored(batchId: string, anchor: { index: number; txHash: string }): Promise<void> {
    const b = this.#batches.get(batchId);
    if (b === undefined) throw new RangeError(`no batch ${batchId}`);
    this.#batches.set(batchId, { ...b, anchor: { ...anchor } });
  }

  async batch(id: string): Promise<BatchRecord | undefined> {
    const b = this.#batches.get(id);
    return b === undefined ? undefined : structuredClone(b);
  }

  async unanchoredBatches(): Promise<BatchRecord[]> {
    return [...this.#batches.values()].filter((b) => b.anchor === undefined).sort((a, b) => a.firstId - b.firstId).map((b) => structuredClone(b));
  }

  async batchReadings(batchId: string): Promise<StoredReading[]> {
    const b = this.#batches.get(batchId);
    if (b === undefined) return [];
    return this.#rows.slice(b.firstId - 1, b.lastId).map(view);
  }

  async getState(key: string): Promise<string | undefined> {
    return this.#state.get(key);
  }

  async putState(key: string, value: string | undefined): Promise<void> {
    if (value === undefined) this.#state.delete(key);
    else this.#state.set(key, value);
  }

  async close(): Promise<void> {}
}

function view(row: Row): StoredReading {
  const copy = structuredClone(row.record);
  return row.batchId === undefined ? { id: row.id, record: copy } : { id: row.id, record: copy, batchId: row.batchId };
}
