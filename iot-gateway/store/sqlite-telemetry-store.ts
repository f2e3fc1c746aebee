// SQLite TelemetryStore (better-sqlite3), sharing the ledger's database file under its own migration scope. Opened
// through openSqlite, so WAL + synchronous=FULL: when `append` returns, the readings are on disk and may be
// acknowledged. Each call is one synchronous transaction; statements are prepared once. Records are kept as their
// RFC 8785 text, which is exactly the Merkle leaf, so a proof never depends on re-serialisation; the leaf hash is
// computed from that text once, at append, and kept beside it, so sealing a batch reads 32 bytes per reading
// instead of loading, parsing and re-canonicalising the record.
import { randomBytes } from 'node:crypto';
import { canonicalJson } from '../../ledger/encoding/canonical.js';
import { hashLeafText } from '../../ledger/merkle/hash.js';
import { migrate, openSqlite, type Migration, type SqliteDatabase, type Transaction } from '../../ledger/store/sqlite-database.js';
import { classifySeq, type SeqGap } from '../verify/sequence.js';
import {
  BatchConflict,
  type AppendResult,
  type BatchMessage,
  type BatchRecord,
  type ReadingPage,
  type ReadingLeaf,
  type ReadingQuery,
  type ReadingRecord,
  type StoredReading,
  type TelemetryStore,
} from './telemetry-store.js';
import { toBatch, toStored, type BatchRow, type ReadingRow } from './telemetry-rows.js';

export const TELEMETRY_MIGRATIONS: readonly Migration[] = [{
  version: 1,
  sql: `
    CREATE TABLE tl_readings (id INTEGER PRIMARY KEY, device TEXT NOT NULL, seq INTEGER NOT NULL, ts TEXT NOT NULL,
      kind TEXT NOT NULL, record TEXT NOT NULL, batch_id TEXT, UNIQUE (device, seq));
    CREATE INDEX tl_readings_device_ts ON tl_readings (device, ts, id);
    CREATE INDEX tl_readings_unbatched ON tl_readings (id) WHERE batch_id IS NULL;
    CREATE TABLE tl_high_water (device TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE tl_gaps (device TEXT NOT NULL, from_seq INTEGER NOT NULL, to_seq INTEGER NOT NULL,
      detected_at TEXT NOT NULL, PRIMARY KEY (device, from_seq)) WITHOUT ROWID;
    CREATE TABLE tl_messages (digest TEXT PRIMARY KEY, bytes BLOB NOT NULL) WITHOUT ROWID;
    CREATE TABLE tl_batches (id TEXT PRIMARY KEY, first_id INTEGER NOT NULL, value TEXT NOT NULL,
      anchor_index INTEGER, anchor_tx_hash TEXT);
    CREATE TABLE tl_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  `,
}, {
  version: 2,
  // Evidence lookup: which camera readings anchored a clip with this SHA-256.
  sql: `CREATE INDEX tl_readings_segment ON tl_readings (json_extract(record, '$.segment.sha256')) WHERE kind = 'camera';`,
}, {
  version: 3,
  // RFC 6962 leaf hash of the record text, written at append. Rows stored before this version keep NULL and are
  // hashed from their record when they are sealed.
  sql: 'ALTER TABLE tl_readings ADD COLUMN leaf BLOB;',
}];

/** A device's high-water mark during one write: as read at its first reading, and whether the write moved it. */
interface HighWater { seq: number | undefined; moved: boolean }
interface LeafRow { id: number; device: string; ts: string; leaf: Buffer | null; record: string | null }


export class SqliteTelemetryStore implements TelemetryStore {
  readonly #db: SqliteDatabase;
  readonly #owned: boolean;
  readonly #instance: string;
  readonly #s;
  readonly #appendTx: Transaction<(records: readonly ReadingRecord[], messages: readonly BatchMessage[]) => AppendResult[]>;
  readonly #batchTx: Transaction<(b: BatchRecord) => void>;

  /** Pass the ledger's open database to share its file, or a path to open (and own) one. */
  constructor(dbOrFile: SqliteDatabase | string) {
    this.#owned = typeof dbOrFile === 'string';
    this.#db = typeof dbOrFile === 'string' ? openSqlite(dbOrFile) : dbOrFile;
    migrate(this.#db, 'telemetry', TELEMETRY_MIGRATIONS);
    const db = this.#db;
    this.#s = {
      bySeq: db.prepare('SELECT id FROM tl_readings WHERE device = ? AND seq = ?').pluck(),
      insert: db.prepare('INSERT INTO tl_readings (device, seq, ts, kind, record, leaf) VALUES (?, ?, ?, ?, ?, ?)'),
      hw: db.prepare('SELECT seq FROM tl_high_water WHERE device = ?').pluck(),
      setHw: db.prepare('INSERT INTO tl_high_water (device, seq) VALUES (?, ?) ON CONFLICT(device) DO UPDATE SET seq = excluded.seq'),
      gap: db.prepare('INSERT OR IGNORE INTO tl_gaps (device, from_seq, to_seq, detected_at) VALUES (?, ?, ?, ?)'),
      gaps: db.prepare('SELECT device, from_seq AS "from", to_seq AS "to", detected_at AS detectedAt FROM tl_gaps WHERE device = ? ORDER BY from_seq LIMIT ?'),
      message: db.prepare('INSERT OR IGNORE INTO tl_messages (digest, bytes) VALUES (?, ?)'),
      getMessage: db.prepare('SELECT bytes FROM tl_messages WHERE digest = ?').pluck(),
      reading: db.prepare('SELECT id, record, batch_id FROM tl_readings WHERE id = ?'),
      page: db.prepare(`SELECT id, record, batch_id FROM tl_readings WHERE device = ? AND id > ? AND ts >= ? AND ts < ?
        ORDER BY id LIMIT ?`),
      latest: db.prepare('SELECT id, record, batch_id FROM tl_readings WHERE device = ? ORDER BY ts DESC, id DESC LIMIT 1'),
      segments: db.prepare("SELECT id, record, batch_id FROM tl_readings WHERE kind = 'camera' AND json_extract(record, '$.segment.sha256') = ? ORDER BY id LIMIT 100"),
      latestKind: db.prepare('SELECT id, record, batch_id FROM tl_readings WHERE device = ? AND kind = ? ORDER BY ts DESC, id DESC LIMIT 1'),
      unbatched: db.prepare('SELECT id, record, batch_id FROM tl_readings WHERE batch_id IS NULL ORDER BY id LIMIT ?'),
      unbatchedLeaves: db.prepare(`SELECT id, device, ts, leaf, CASE WHEN leaf IS NULL THEN record END AS record
        FROM tl_readings WHERE batch_id IS NULL ORDER BY id LIMIT ?`),
      seal: db.prepare('UPDATE tl_readings SET batch_id = ? WHERE id BETWEEN ? AND ? AND batch_id IS NULL'),
      insertBatch: db.prepare('INSERT INTO tl_batches (id, first_id, value) VALUES (?, ?, ?)'),
      anchored: db.prepare('UPDATE tl_batches SET anchor_index = ?, anchor_tx_hash = ? WHERE id = ?'),
      batch: db.prepare('SELECT value, anchor_index, anchor_tx_hash FROM tl_batches WHERE id = ?'),
      unanchored: db.prepare('SELECT value, anchor_index, anchor_tx_hash FROM tl_batches WHERE anchor_index IS NULL ORDER BY first_id'),
      batchReadings: db.prepare('SELECT id, record, batch_id FROM tl_readings WHERE batch_id = ? ORDER BY id'),
      getState: db.prepare('SELECT value FROM tl_state WHERE key = ?').pluck(),
      putState: db.prepare('INSERT INTO tl_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      delState: db.prepare('DELETE FROM tl_state WHERE key = ?'),
    };
    this.#instance = this.#ensureInstance();
    this.#appendTx = db.transaction((records: readonly ReadingRecord[], messages: readonly BatchMessage[]) => {
      for (const m of messages) this.#s.message.run(m.digest, m.bytes);
      const marks = new Map<string, HighWater>();
      const out = records.map((r) => this.#appendOne(r, marks));
      for (const [device, m] of marks) if (m.moved) this.#s.setHw.run(device, m.seq); // once per device and write
      return out;
    });
    this.#batchTx = db.transaction((b: BatchRecord) => {
      const sealed = this.#s.seal.run(b.id, b.firstId, b.lastId).changes;
      if (sealed !== b.count) throw new BatchConflict(`readings ${b.firstId}..${b.lastId}: ${sealed} unbatched, expected ${b.count}`);
      try {
        this.#s.insertBatch.run(b.id, b.firstId, JSON.stringify(b));
      } catch (e) {
        if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new BatchConflict(`batch ${b.id} exists`);
        throw e;
      }
    });
  }

  #ensureInstance(): string {
    const existing = this.#s.getState.get('instance') as string | undefined;
    if (existing !== undefined) return existing;
    const id = randomBytes(6).toString('hex');
    this.#s.putState.run('instance', id);
    return id;
  }

  /** `marks`: each device's high-water mark as this write moves it, written back once at the end of the write. */
  #appendOne(r: ReadingRecord, marks: Map<string, HighWater>): AppendResult {
    let mark = marks.get(r.device);
    if (mark === undefined) {
      mark = { seq: this.#s.hw.get(r.device) as number | undefined, moved: false };
      marks.set(r.device, mark);
    }
    // Every stored seq of a device is at most its high-water mark, so only a seq at or below it can be stored already.
    const existing = mark.seq !== undefined && r.seq <= mark.seq ? this.#s.bySeq.get(r.device, r.seq) as number | undefined : undefined;
    const decision = classifySeq(mark.seq, r.seq, existing !== undefined);
    if (decision.status === 'duplicate') return { status: 'duplicate', id: existing! };
    const text = canonicalJson(r); // RFC 8785: the Merkle leaf, serialised once
    const id = Number(this.#s.insert.run(r.device, r.seq, r.ts, r.kind, text, hashLeafText(text)).lastInsertRowid);
    if (decision.highWater !== mark.seq) {
      mark.seq = decision.highWater;
      mark.moved = true;
    }
    if (!decision.gap) return { status: 'stored', id };
    this.#s.gap.run(r.device, decision.gap.from, decision.gap.to, r.receivedAt);
    return { status: 'stored', id, gap: decision.gap };
  }

  async instanceId(): Promise<string> {
    return this.#instance;
  }

  async append(records: readonly ReadingRecord[], messages: readonly BatchMessage[] = []): Promise<AppendResult[]> {
    return this.#appendTx.immediate(records, messages); // BEGIN IMMEDIATE: the API thread writes the same file
  }

  async highWater(device: string): Promise<number | undefined> {
    return this.#s.hw.get(device) as number | undefined;
  }

  async gaps(device: string, limit = 100): Promise<SeqGap[]> {
    return this.#s.gaps.all(device, limit) as SeqGap[];
  }

  async reading(id: number): Promise<StoredReading | undefined> {
    const row = this.#s.reading.get(id) as ReadingRow | undefined;
    return row === undefined ? undefined : toStored(row);
  }

  async readings(q: ReadingQuery): Promise<ReadingPage> {
    const rows = this.#s.page.all(q.device, q.after ?? 0, q.from ?? '', q.to ?? '\uffff', q.limit + 1) as ReadingRow[];
    const readings = rows.slice(0, q.limit).map(toStored);
    return rows.length > q.limit ? { readings, next: readings[readings.length - 1]!.id } : { readings };
  }

  async latest(device: string, kind?: string): Promise<StoredReading | undefined> {
    const row = (kind === undefined ? this.#s.latest.get(device) : this.#s.latestKind.get(device, kind)) as ReadingRow | undefined;
    return row === undefined ? undefined : toStored(row);
  }

  async segments(sha256: string): Promise<StoredReading[]> {
    return (this.#s.segments.all(sha256) as ReadingRow[]).map(toStored);
  }

  async message(digest: string): Promise<Uint8Array | undefined> {
    const b = this.#s.getMessage.get(digest) as Buffer | undefined;
    return b === undefined ? undefined : new Uint8Array(b);
  }

  async unbatched(limit: number): Promise<StoredReading[]> {
    return (this.#s.unbatched.all(limit) as ReadingRow[]).map(toStored);
  }

  async unbatchedLeaves(limit: number): Promise<ReadingLeaf[]> {
    return (this.#s.unbatchedLeaves.all(limit) as LeafRow[]).map((row) => ({
      id: row.id, device: row.device, ts: row.ts,
      leafHash: row.leaf === null ? hashLeafText(row.record ?? '') : new Uint8Array(row.leaf.buffer, row.leaf.byteOffset, row.leaf.length),
    }));
  }

  async createBatch(batch: BatchRecord): Promise<void> {
    this.#batchTx.immediate(batch);
  }

  async markAnchored(batchId: string, anchor: { index: number; txHash: string }): Promise<void> {
    if (this.#s.anchored.run(anchor.index, anchor.txHash, batchId).changes !== 1) throw new RangeError(`no batch ${batchId}`);
  }

  async batch(id: string): Promise<BatchRecord | undefined> {
    const row = this.#s.batch.get(id) as BatchRow | undefined;
    return row === undefined ? undefined : toBatch(row);
  }

  async unanchoredBatches(): Promise<BatchRecord[]> {
    return (this.#s.unanchored.all() as BatchRow[]).map(toBatch);
  }

  async batchReadings(batchId: string): Promise<StoredReading[]> {
    return (this.#s.batchReadings.all(batchId) as ReadingRow[]).map(toStored);
  }

  async getState(key: string): Promise<string | undefined> {
    return this.#s.getState.get(`x:${key}`) as string | undefined;
  }

  async putState(key: string, value: string | undefined): Promise<void> {
    if (value === undefined) this.#s.delState.run(`x:${key}`);
    else this.#s.putState.run(`x:${key}`, value);
  }

  async close(): Promise<void> {
    if (this.#owned && this.#db.open) this.#db.close();
  }
}
