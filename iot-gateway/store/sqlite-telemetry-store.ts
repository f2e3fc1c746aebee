// SQLite TelemetryStore (better-sqlite3), sharing the ledger's database file under its own migration scope. Opened
// through openSqlite, so WAL + synchronous=FULL: when `append` returns, the readings are on disk and may be
// acknowledged. Each call is one synchronous transaction; statements are prepared once. Records are kept as their
// RFC 8785 text, which is exactly the Merkle leaf, so a proof never depends on re-serialisation; the leaf hash is
// computed from that text once, at append, and kept beside it, so sealing a batch reads 32 bytes per reading
// instead of loading, parsing and re-canonicalising the record — and the connection that inserted the rows keeps
// their leaves in memory until they are sealed (RecentLeaves), so the anchorer's next batch is not scanned back.
import { randomBytes } from 'node:crypto';
import { canonicalJsonEach } from '../../ledger/encoding/canonical.js';
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

/**
 * Readings as this adapter writes them: the indexed columns and the record's RFC 8785 text (the Merkle leaf), as
 * parallel arrays. The threaded store builds them on the intake's thread and posts them to its writer thread:
 * arrays of strings and numbers cross far cheaper than the records' object graphs, and the serialisation leaves the
 * writer thread, which bounds batch-signed ingest.
 */
export interface RecordRows {
  readonly device: string[];
  readonly seq: number[];
  readonly ts: string[];
  readonly kind: string[];
  readonly receivedAt: string[];
  /** RFC 8785 of the whole record. */
  readonly text: string[];
}

export function recordRows(records: readonly ReadingRecord[]): RecordRows {
  // RFC 8785: the Merkle leaves, serialised once, with one sorted property list for the whole group.
  const rows: RecordRows = { device: [], seq: [], ts: [], kind: [], receivedAt: [], text: canonicalJsonEach(records) };
  for (const r of records) {
    rows.device.push(r.device);
    rows.seq.push(r.seq);
    rows.ts.push(r.ts);
    rows.kind.push(r.kind);
    rows.receivedAt.push(r.receivedAt);
  }
  return rows;
}

/** A device's high-water mark during one write: as read at its first reading, and whether the write moved it. */
interface HighWater { seq: number | undefined; moved: boolean }
interface LeafRow { id: number; device: string; ts: string; leaf: Buffer | null; record: string | null }

/** Most leaves the recent-leaves cache keeps (about 150 bytes each); older unbatched ones are read from the table. */
const RECENT_LEAVES_MAX = 200_000;

/**
 * The leaves of the rows this connection inserted last, ids contiguous from `firstId` (the newest rows of the
 * table, as the table's largest id confirms before use), so the anchorer's next batch is read from memory rather
 * than scanned off the table: the writer thread that inserted them seals them moments later.
 */
class RecentLeaves {
  #firstId = 0;
  #leaves: ReadingLeaf[] = [];

  get lastId(): number {
    return this.#firstId + this.#leaves.length - 1;
  }

  /** Leaves of rows just committed, in id order. */
  add(leaves: readonly ReadingLeaf[]): void {
    for (const leaf of leaves) {
      if (this.#leaves.length === 0 || leaf.id !== this.lastId + 1) { // not contiguous with what it holds: start over
        this.#firstId = leaf.id;
        this.#leaves = [];
      }
      this.#leaves.push(leaf);
    }
    if (this.#leaves.length > 2 * RECENT_LEAVES_MAX) this.#drop(this.#leaves.length - RECENT_LEAVES_MAX);
  }

  /** Up to `limit` leaves from id `from`, if it holds every row from there to the table's end (`maxId`). */
  from(from: number, limit: number, maxId: number): ReadingLeaf[] | undefined {
    if (this.#leaves.length === 0 || from < this.#firstId || this.lastId !== maxId) return undefined;
    return this.#leaves.slice(from - this.#firstId, from - this.#firstId + limit);
  }

  /** Readings firstId..lastId were sealed: forget them, or everything when the range is not a prefix of what it holds. */
  sealed(firstId: number, lastId: number): void {
    if (this.#leaves.length === 0 || lastId < this.#firstId) return;
    if (firstId > this.#firstId) this.#leaves = []; // not the oldest first: unbatched rows are no longer one run
    else this.#drop(Math.min(lastId - this.#firstId + 1, this.#leaves.length));
  }

  #drop(n: number): void {
    this.#leaves = this.#leaves.slice(n);
    this.#firstId += n;
  }
}


export class SqliteTelemetryStore implements TelemetryStore {
  readonly #db: SqliteDatabase;
  readonly #owned: boolean;
  readonly #instance: string;
  readonly #s;
  /** Appends `rows`, pushing the leaf of each row it inserts onto `inserted`. */
  readonly #appendTx: Transaction<(rows: RecordRows, messages: readonly BatchMessage[], inserted: ReadingLeaf[]) => AppendResult[]>;
  readonly #batchTx: Transaction<(b: BatchRecord) => void>;
  readonly #recent = new RecentLeaves();

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
      firstUnbatched: db.prepare('SELECT min(id) FROM tl_readings WHERE batch_id IS NULL').pluck(),
      maxId: db.prepare('SELECT max(id) FROM tl_readings').pluck(),
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
    this.#appendTx = db.transaction((rows: RecordRows, messages: readonly BatchMessage[], inserted: ReadingLeaf[]) => {
      for (const m of messages) this.#s.message.run(m.digest, m.bytes);
      const marks = new Map<string, HighWater>();
      const out: AppendResult[] = [];
      for (let i = 0; i < rows.text.length; i++) out.push(this.#appendOne(rows, i, marks, inserted));
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

  /** Row `i` of `rows`. `marks`: each device's high-water mark as this write moves it, written back once at the end. */
  #appendOne(rows: RecordRows, i: number, marks: Map<string, HighWater>, inserted: ReadingLeaf[]): AppendResult {
    const device = rows.device[i]!;
    const seq = rows.seq[i]!;
    let mark = marks.get(device);
    if (mark === undefined) {
      mark = { seq: this.#s.hw.get(device) as number | undefined, moved: false };
      marks.set(device, mark);
    }
    // Every stored seq of a device is at most its high-water mark, so only a seq at or below it can be stored already.
    const existing = mark.seq !== undefined && seq <= mark.seq ? this.#s.bySeq.get(device, seq) as number | undefined : undefined;
    const decision = classifySeq(mark.seq, seq, existing !== undefined);
    if (decision.status === 'duplicate') return { status: 'duplicate', id: existing! };
    const ts = rows.ts[i]!;
    const leafHash = hashLeafText(rows.text[i]!);
    const id = Number(this.#s.insert.run(device, seq, ts, rows.kind[i]!, rows.text[i]!, leafHash).lastInsertRowid);
    inserted.push({ id, device, ts, leafHash });
    if (decision.highWater !== mark.seq) {
      mark.seq = decision.highWater;
      mark.moved = true;
    }
    if (!decision.gap) return { status: 'stored', id };
    this.#s.gap.run(device, decision.gap.from, decision.gap.to, rows.receivedAt[i]!);
    return { status: 'stored', id, gap: decision.gap };
  }

  async instanceId(): Promise<string> {
    return this.#instance;
  }

  async append(records: readonly ReadingRecord[], messages: readonly BatchMessage[] = []): Promise<AppendResult[]> {
    return this.appendRows(recordRows(records), messages);
  }

  /** `append` of readings already in the form this adapter writes (see RecordRows). */
  appendRows(rows: RecordRows, messages: readonly BatchMessage[] = []): AppendResult[] {
    const inserted: ReadingLeaf[] = [];
    const results = this.#appendTx.immediate(rows, messages, inserted); // BEGIN IMMEDIATE: the API thread writes the same file
    this.#recent.add(inserted); // committed (a write that fails throws before this: its leaves are dropped)
    return results;
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
    const first = this.#s.firstUnbatched.get() as number | null;
    if (first === null) return [];
    const recent = this.#recent.from(first, limit, this.#s.maxId.get() as number);
    if (recent !== undefined) return recent;
    return (this.#s.unbatchedLeaves.all(limit) as LeafRow[]).map((row) => ({
      id: row.id, device: row.device, ts: row.ts,
      leafHash: row.leaf === null ? hashLeafText(row.record ?? '') : new Uint8Array(row.leaf.buffer, row.leaf.byteOffset, row.leaf.length),
    }));
  }

  async createBatch(batch: BatchRecord): Promise<void> {
    this.#batchTx.immediate(batch);
    this.#recent.sealed(batch.firstId, batch.lastId);
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
