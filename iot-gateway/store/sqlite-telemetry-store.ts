// SQLite TelemetryStore (better-sqlite3), sharing the ledger's database file under its own migration scope. Opened
// through openSqlite, so WAL + synchronous=FULL: when `append` returns, the readings are on disk and may be
// acknowledged. Each call is one synchronous transaction; statements are prepared once.
//
// Readings are stored as runs (tl_runs): consecutive readings of one device with consecutive seqs, stored in one
// write, are one row holding their ids first_id..last_id, their records' RFC 8785 texts (each exactly its Merkle
// leaf, so a proof never depends on re-serialisation) joined by newlines, which RFC 8785 text never contains, and
// their RFC 6962 leaf hashes as one blob of 32 bytes per reading, computed once at append. A batch message's 500
// readings are one row and one index entry per index rather than 500: the writer's cost per reading was the row
// (see README, "How ingest stays fast"). Single readings of interleaved devices are runs of one. What a per-reading
// row gave by index comes from small side tables written once per device and write (tl_latest, the latest reading
// per device and kind) or per camera reading (tl_segments). A reading's batch is the batch whose id range holds it:
// sealing writes one tl_batches row, not a column of every reading; tl_state's `sealed` says that every id up to it
// is sealed, and batches beyond it (sealed out of order) are few. The connection that inserted the rows keeps their
// leaves in memory until they are sealed (RecentLeaves), so the anchorer's next batch is not read back.
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
  type NextBatch,
  type ReadingPage,
  type ReadingLeaf,
  type ReadingQuery,
  type ReadingRecord,
  type StoredReading,
  type TelemetryStore,
} from './telemetry-store.js';
import { toBatch, type BatchRow } from './telemetry-rows.js';
import { nextBatchOf } from '../anchor/telemetry-batch.js';

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
}, {
  version: 4,
  // Readings as runs (see the header); the rows of versions 1-3 become runs of one. Batch membership moves from a
  // column of each reading to the batches' id ranges.
  sql: `
    CREATE TABLE tl_runs (first_id INTEGER PRIMARY KEY, last_id INTEGER NOT NULL, device TEXT NOT NULL,
      first_seq INTEGER NOT NULL, min_ts TEXT NOT NULL, max_ts TEXT NOT NULL, records TEXT NOT NULL, leaves BLOB);
    CREATE INDEX tl_runs_device_seq ON tl_runs (device, first_seq);
    CREATE INDEX tl_runs_device_last ON tl_runs (device, last_id);
    CREATE TABLE tl_latest (device TEXT NOT NULL, kind TEXT NOT NULL, id INTEGER NOT NULL, ts TEXT NOT NULL,
      PRIMARY KEY (device, kind)) WITHOUT ROWID;
    CREATE TABLE tl_segments (sha256 TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (sha256, id)) WITHOUT ROWID;
    ALTER TABLE tl_batches ADD COLUMN last_id INTEGER;
    UPDATE tl_batches SET last_id = json_extract(value, '$.lastId');
    CREATE INDEX tl_batches_first ON tl_batches (first_id);
    INSERT INTO tl_runs SELECT id, id, device, seq, ts, ts, record, leaf FROM tl_readings;
    INSERT INTO tl_latest SELECT device, kind, id, ts FROM (SELECT device, kind, id, ts,
      row_number() OVER (PARTITION BY device, kind ORDER BY ts DESC, id DESC) AS n FROM tl_readings) WHERE n = 1;
    INSERT INTO tl_latest SELECT device, '', id, ts FROM (SELECT device, id, ts,
      row_number() OVER (PARTITION BY device ORDER BY ts DESC, id DESC) AS n FROM tl_readings) WHERE n = 1;
    INSERT INTO tl_segments SELECT json_extract(record, '$.segment.sha256'), id FROM tl_readings
      WHERE kind = 'camera' AND json_extract(record, '$.segment.sha256') IS NOT NULL;
    INSERT INTO tl_state (key, value) VALUES ('sealed', coalesce((SELECT min(id) FROM tl_readings WHERE batch_id IS NULL),
      (SELECT max(id) FROM tl_readings) + 1, 1) - 1);
    DROP TABLE tl_readings;
  `,
}, {
  version: 5,
  // Time ranges: a device's runs carry upto_ts, the latest device time among them up to and including this one,
  // which never decreases with ids, so one index in (device, upto_ts, last_id) order is also (device, id) order
  // and seeks both ends of a range: the first run whose upto_ts reaches `from` is where a device's readings at or
  // after `from` begin; past the first run whose upto_ts reaches `to`, only a run that came late (its earliest
  // time before an earlier run's latest: a retransmission or a gap filled) can hold a reading before `to`, and
  // those few are listed in tl_late_runs.
  sql: `
    ALTER TABLE tl_runs ADD COLUMN upto_ts TEXT;
    UPDATE tl_runs SET upto_ts = u.upto FROM (SELECT first_id, max(max_ts) OVER (PARTITION BY device ORDER BY first_id) AS upto
      FROM tl_runs) AS u WHERE u.first_id = tl_runs.first_id;
    CREATE TABLE tl_late_runs (device TEXT NOT NULL, min_ts TEXT NOT NULL, last_id INTEGER NOT NULL,
      PRIMARY KEY (device, min_ts, last_id)) WITHOUT ROWID;
    INSERT INTO tl_late_runs SELECT device, min_ts, last_id FROM (SELECT device, min_ts, last_id, max(max_ts)
      OVER (PARTITION BY device ORDER BY first_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before FROM tl_runs)
      WHERE min_ts < before;
    DROP INDEX tl_runs_device_last;
    CREATE INDEX tl_runs_device_upto ON tl_runs (device, upto_ts, last_id);
  `,
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
  /** A camera reading's segment SHA-256, null for others. */
  readonly segment: (string | null)[];
}

export function recordRows(records: readonly ReadingRecord[]): RecordRows {
  // RFC 8785: the Merkle leaves, serialised once, with one sorted property list for the whole group.
  const rows: RecordRows = {
    device: [], seq: [], ts: [], kind: [], receivedAt: [], text: canonicalJsonEach(records), segment: [],
  };
  for (const r of records) {
    rows.device.push(r.device);
    rows.seq.push(r.seq);
    rows.ts.push(r.ts);
    rows.kind.push(r.kind);
    rows.receivedAt.push(r.receivedAt);
    rows.segment.push(r.kind === 'camera' ? r.segment.sha256 : null);
  }
  return rows;
}

/**
 * A device during one write: its high-water mark as read at its first reading and whether the write moved it, and
 * the latest device time among its stored readings (the upto_ts of its next run's predecessor).
 */
interface HighWater { seq: number | undefined; moved: boolean; upto: string | undefined }
/** A tl_runs row as read back. */
interface RunRow { first_id: number; last_id: number; device: string; records: string; leaves: Buffer | null }
/** A run being built during one write: readings of one device with consecutive seqs and ids. */
interface OpenRun { firstId: number; device: string; firstSeq: number; lastSeq: number; minTs: string; maxTs: string; texts: string[]; leaves: Uint8Array[] }
/** A batch's id range. */
interface BatchRange { id: string; first_id: number; last_id: number }

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


/** The texts of a run's readings, in id order. */
const runTexts = (row: RunRow): string[] => (row.first_id === row.last_id ? [row.records] : row.records.split('\n'));

/** Reading `k` of a run as a leaf: from the run's stored hashes, or hashed from its text (rows of before version 3). */
function runLeaf(row: RunRow, k: number, text: string): Uint8Array {
  if (row.leaves === null) return hashLeafText(text);
  return new Uint8Array(row.leaves.buffer, row.leaves.byteOffset + 32 * k, 32);
}

interface Latest { device: string; kind: string; id: number; ts: string }

/** Keeps the reading with the latest device time per device and kind; on a tie the later one (ids only grow). */
function noteLatest(latest: Map<string, Latest>, device: string, kind: string, id: number, ts: string): void {
  const key = `${device}\n${kind}`;
  const best = latest.get(key);
  if (best === undefined) latest.set(key, { device, kind, id, ts });
  else if (ts >= best.ts) Object.assign(best, { id, ts }); // once per reading of a run: no object each time
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
    const RUN = 'first_id, last_id, device, records, leaves';
    this.#s = {
      maxId: db.prepare('SELECT last_id FROM tl_runs ORDER BY first_id DESC LIMIT 1').pluck(),
      runAt: db.prepare(`SELECT ${RUN} FROM tl_runs WHERE first_id <= ? ORDER BY first_id DESC LIMIT 1`),
      runsFrom: db.prepare(`SELECT ${RUN} FROM tl_runs
        WHERE first_id >= coalesce((SELECT first_id FROM tl_runs WHERE first_id <= ? ORDER BY first_id DESC LIMIT 1), 0)
        ORDER BY first_id`),
      seqRun: db.prepare('SELECT first_id, last_id, first_seq FROM tl_runs WHERE device = ? AND first_seq <= ? ORDER BY first_seq DESC LIMIT 1'),
      insertRun: db.prepare(`INSERT INTO tl_runs (first_id, last_id, device, first_seq, min_ts, max_ts, upto_ts, records, leaves)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      page: db.prepare(`SELECT ${RUN}, min_ts, max_ts FROM tl_runs WHERE device = ? AND (upto_ts, last_id) >= (?, ?)
        ORDER BY upto_ts, last_id`),
      pageEnd: db.prepare('SELECT last_id FROM tl_runs WHERE device = ? AND upto_ts >= ? ORDER BY upto_ts, last_id LIMIT 1').pluck(),
      lateEnd: db.prepare('SELECT max(last_id) FROM tl_late_runs WHERE device = ? AND min_ts < ?').pluck(),
      runKey: db.prepare('SELECT device, upto_ts, last_id FROM tl_runs WHERE first_id <= ? ORDER BY first_id DESC LIMIT 1'),
      late: db.prepare('INSERT OR IGNORE INTO tl_late_runs (device, min_ts, last_id) VALUES (?, ?, ?)'),
      deviceUpto: db.prepare("SELECT ts FROM tl_latest WHERE device = ? AND kind = ''").pluck(),
      setLatest: db.prepare(`INSERT INTO tl_latest (device, kind, id, ts) VALUES (?, ?, ?, ?)
        ON CONFLICT(device, kind) DO UPDATE SET id = excluded.id, ts = excluded.ts WHERE excluded.ts >= tl_latest.ts`),
      latest: db.prepare('SELECT id FROM tl_latest WHERE device = ? AND kind = ?').pluck(),
      segment: db.prepare('INSERT OR IGNORE INTO tl_segments (sha256, id) VALUES (?, ?)'),
      segments: db.prepare('SELECT id FROM tl_segments WHERE sha256 = ? ORDER BY id LIMIT 100').pluck(),
      hw: db.prepare('SELECT seq FROM tl_high_water WHERE device = ?').pluck(),
      setHw: db.prepare('INSERT INTO tl_high_water (device, seq) VALUES (?, ?) ON CONFLICT(device) DO UPDATE SET seq = excluded.seq'),
      gap: db.prepare('INSERT OR IGNORE INTO tl_gaps (device, from_seq, to_seq, detected_at) VALUES (?, ?, ?, ?)'),
      gaps: db.prepare('SELECT device, from_seq AS "from", to_seq AS "to", detected_at AS detectedAt FROM tl_gaps WHERE device = ? ORDER BY from_seq LIMIT ?'),
      message: db.prepare('INSERT OR IGNORE INTO tl_messages (digest, bytes) VALUES (?, ?)'),
      getMessage: db.prepare('SELECT bytes FROM tl_messages WHERE digest = ?').pluck(),
      batchAt: db.prepare('SELECT id, first_id, last_id FROM tl_batches WHERE first_id <= ? ORDER BY first_id DESC LIMIT 1'),
      batchFrom: db.prepare('SELECT last_id FROM tl_batches WHERE first_id = ?').pluck(),
      batchRange: db.prepare('SELECT id, first_id, last_id FROM tl_batches WHERE id = ?'),
      islands: db.prepare('SELECT id, first_id, last_id FROM tl_batches WHERE first_id > ? ORDER BY first_id'),
      insertBatch: db.prepare('INSERT INTO tl_batches (id, first_id, last_id, value) VALUES (?, ?, ?, ?)'),
      anchored: db.prepare('UPDATE tl_batches SET anchor_index = ?, anchor_tx_hash = ? WHERE id = ?'),
      batch: db.prepare('SELECT value, anchor_index, anchor_tx_hash FROM tl_batches WHERE id = ?'),
      unanchored: db.prepare('SELECT value, anchor_index, anchor_tx_hash FROM tl_batches WHERE anchor_index IS NULL ORDER BY first_id'),
      getState: db.prepare('SELECT value FROM tl_state WHERE key = ?').pluck(),
      putState: db.prepare('INSERT INTO tl_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      delState: db.prepare('DELETE FROM tl_state WHERE key = ?'),
    };
    this.#instance = this.#ensureInstance();
    this.#appendTx = db.transaction((rows: RecordRows, messages: readonly BatchMessage[], inserted: ReadingLeaf[]) =>
      this.#appendAll(rows, messages, inserted));
    this.#batchTx = db.transaction((b: BatchRecord) => this.#seal(b));
  }

  #ensureInstance(): string {
    const existing = this.#s.getState.get('instance') as string | undefined;
    if (existing !== undefined) return existing;
    const id = randomBytes(6).toString('hex');
    this.#s.putState.run('instance', id);
    return id;
  }

  /** The largest reading id stored, 0 when there is none. */
  #maxId(): number {
    return (this.#s.maxId.get() as number | undefined) ?? 0;
  }

  /** Every reading id up to this one is sealed into a batch. */
  #sealed(): number {
    return Number(this.#s.getState.get('sealed') ?? 0);
  }

  #appendAll(rows: RecordRows, messages: readonly BatchMessage[], inserted: ReadingLeaf[]): AppendResult[] {
    for (const m of messages) this.#s.message.run(m.digest, m.bytes);
    const marks = new Map<string, HighWater>();
    /** Per device and kind ('' for any kind): the reading with the latest device time this write stored. */
    const latest = new Map<string, Latest>();
    const out: AppendResult[] = [];
    let nextId = this.#maxId() + 1;
    let run: OpenRun | undefined;
    for (let i = 0; i < rows.text.length; i++) {
      const device = rows.device[i]!;
      const seq = rows.seq[i]!;
      let mark = marks.get(device);
      if (mark === undefined) {
        mark = { seq: this.#s.hw.get(device) as number | undefined, moved: false, upto: this.#s.deviceUpto.get(device) as string | undefined };
        marks.set(device, mark);
      }
      // Every stored seq of a device is at most its high-water mark, so only a seq at or below it can be stored
      // already: in the run this write is building, or in a row.
      let existing: number | undefined;
      if (mark.seq !== undefined && seq <= mark.seq) {
        existing = run !== undefined && run.device === device && seq >= run.firstSeq && seq <= run.lastSeq
          ? run.firstId + seq - run.firstSeq
          : this.#idOfSeq(device, seq);
      }
      const decision = classifySeq(mark.seq, seq, existing !== undefined);
      if (decision.status === 'duplicate') {
        out.push({ status: 'duplicate', id: existing! });
        continue;
      }
      const id = nextId++;
      const ts = rows.ts[i]!;
      const text = rows.text[i]!;
      const leafHash = hashLeafText(text);
      if (run !== undefined && run.device === device && seq === run.lastSeq + 1) {
        run.lastSeq = seq;
        if (ts < run.minTs) run.minTs = ts;
        if (ts > run.maxTs) run.maxTs = ts;
        run.texts.push(text);
        run.leaves.push(leafHash);
      } else {
        if (run !== undefined) this.#insertRun(run, marks.get(run.device)!);
        run = { firstId: id, device, firstSeq: seq, lastSeq: seq, minTs: ts, maxTs: ts, texts: [text], leaves: [leafHash] };
      }
      inserted.push({ id, device, ts, leafHash });
      noteLatest(latest, device, '', id, ts);
      noteLatest(latest, device, rows.kind[i]!, id, ts);
      const sha = rows.segment[i];
      if (sha !== null && sha !== undefined) this.#s.segment.run(sha, id);
      if (decision.highWater !== mark.seq) {
        mark.seq = decision.highWater;
        mark.moved = true;
      }
      if (!decision.gap) {
        out.push({ status: 'stored', id });
        continue;
      }
      this.#s.gap.run(device, decision.gap.from, decision.gap.to, rows.receivedAt[i]!);
      out.push({ status: 'stored', id, gap: decision.gap });
    }
    if (run !== undefined) this.#insertRun(run, marks.get(run.device)!);
    for (const [device, m] of marks) if (m.moved) this.#s.setHw.run(device, m.seq); // once per device and write
    for (const l of latest.values()) this.#s.setLatest.run(l.device, l.kind, l.id, l.ts);
    return out;
  }

  /** The stored id of (device, seq): a device's runs never share a seq, so only the last run starting at or below it can hold it. */
  #idOfSeq(device: string, seq: number): number | undefined {
    const run = this.#s.seqRun.get(device, seq) as { first_id: number; last_id: number; first_seq: number } | undefined;
    return run !== undefined && seq - run.first_seq <= run.last_id - run.first_id ? run.first_id + seq - run.first_seq : undefined;
  }

  /** Writes the run; `mark` is its device's, whose latest time it moves on. */
  #insertRun(run: OpenRun, mark: HighWater): void {
    const records = run.texts.length === 1 ? run.texts[0]! : run.texts.join('\n');
    const leaves = run.leaves.length === 1 ? run.leaves[0]! : Buffer.concat(run.leaves);
    const lastId = run.firstId + run.texts.length - 1;
    if (mark.upto !== undefined && run.minTs < mark.upto) this.#s.late.run(run.device, run.minTs, lastId);
    if (mark.upto === undefined || run.maxTs > mark.upto) mark.upto = run.maxTs;
    this.#s.insertRun.run(run.firstId, lastId, run.device, run.firstSeq, run.minTs, run.maxTs, mark.upto, records, leaves);
  }

  /** Seals b.firstId..b.lastId: every one of them stored and in no batch yet. */
  #seal(b: BatchRecord): void {
    const span = `readings ${b.firstId}..${b.lastId}`;
    if (!(Number.isSafeInteger(b.firstId) && b.firstId >= 1 && b.lastId >= b.firstId && b.count === b.lastId - b.firstId + 1)) {
      throw new BatchConflict(`${span}: not a range of ${b.count} readings`);
    }
    if (b.lastId > this.#maxId()) throw new BatchConflict(`${span}: not all stored`);
    // Batches never overlap, so the one starting last at or before lastId is the only one that can overlap the range.
    const before = this.#s.batchAt.get(b.lastId) as BatchRange | undefined;
    if (before !== undefined && before.last_id >= b.firstId) throw new BatchConflict(`${span}: overlap batch ${before.id}`);
    try {
      this.#s.insertBatch.run(b.id, b.firstId, b.lastId, JSON.stringify(b));
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new BatchConflict(`batch ${b.id} exists`);
      throw e;
    }
    let sealed = this.#sealed();
    if (b.firstId !== sealed + 1) return; // sealed out of order: the watermark waits for the readings before it
    for (let last: number | undefined = b.lastId; last !== undefined; last = this.#s.batchFrom.get(last + 1) as number | undefined) {
      sealed = last;
    }
    this.#s.putState.run('sealed', String(sealed));
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

  /**
   * A function naming the batch of reading ids asked in ascending order: below the watermark the batch whose range
   * holds it (remembering the last range found), above it one of the few batches sealed out of order, if any.
   */
  #batchOf(): (id: number) => string | undefined {
    const sealed = this.#sealed();
    let islands: BatchRange[] | undefined; // read only if a reading beyond the watermark is asked for
    let range: BatchRange | undefined;
    return (id) => {
      if (id > sealed) {
        islands ??= this.#s.islands.all(sealed) as BatchRange[];
        return islands.find((r) => r.first_id <= id && id <= r.last_id)?.id;
      }
      if (range === undefined || id < range.first_id || id > range.last_id) range = this.#s.batchAt.get(id) as BatchRange | undefined;
      return range !== undefined && id <= range.last_id ? range.id : undefined;
    };
  }

  static #stored(id: number, record: ReadingRecord, batchOf: (id: number) => string | undefined): StoredReading {
    const batchId = batchOf(id);
    return batchId === undefined ? { id, record } : { id, record, batchId };
  }

  async reading(id: number): Promise<StoredReading | undefined> {
    if (!Number.isSafeInteger(id) || id < 1) return undefined;
    const row = this.#s.runAt.get(id) as RunRow | undefined;
    if (row === undefined || id > row.last_id) return undefined;
    return SqliteTelemetryStore.#stored(id, JSON.parse(runTexts(row)[id - row.first_id]!) as ReadingRecord, this.#batchOf());
  }

  async readings(q: ReadingQuery): Promise<ReadingPage> {
    const after = q.after ?? 0;
    const from = q.from ?? '';
    const to = q.to ?? '\uffff';
    // Where the scan starts, in (upto_ts, last_id) order: the first run whose upto_ts reaches `from`, or the run
    // holding `after` when that is later (a next page); where it ends: see migration 5.
    let seek: [string, number] = [from, 0];
    const afterRun = after > 0 ? this.#s.runKey.get(after) as { device: string; upto_ts: string; last_id: number } | undefined : undefined;
    if (afterRun !== undefined && afterRun.device === q.device && afterRun.upto_ts >= from) seek = [afterRun.upto_ts, afterRun.last_id];
    let end = Number.MAX_SAFE_INTEGER;
    if (q.to !== undefined) {
      const inOrder = this.#s.pageEnd.get(q.device, to) as number | undefined;
      if (inOrder !== undefined) end = Math.max(inOrder, (this.#s.lateEnd.get(q.device, to) as number | null) ?? 0);
    }
    const found: { id: number; record: ReadingRecord }[] = [];
    // No other statement may run on the connection while this one iterates: batch ids are looked up after.
    scan: for (const row of this.#s.page.iterate(q.device, seek[0], seek[1]) as IterableIterator<RunRow & { min_ts: string; max_ts: string }>) {
      if (row.first_id > end) break;
      if (row.last_id <= after || row.max_ts < from || row.min_ts >= to) continue;
      const texts = runTexts(row);
      for (let k = Math.max(0, after + 1 - row.first_id); k < texts.length; k++) {
        const record = JSON.parse(texts[k]!) as ReadingRecord;
        if (record.ts < from || record.ts >= to) continue;
        found.push({ id: row.first_id + k, record });
        if (found.length > q.limit) break scan;
      }
    }
    const batchOf = this.#batchOf();
    const readings = found.slice(0, q.limit).map(({ id, record }) => SqliteTelemetryStore.#stored(id, record, batchOf));
    return found.length > q.limit ? { readings, next: readings[readings.length - 1]!.id } : { readings };
  }

  async latest(device: string, kind?: string): Promise<StoredReading | undefined> {
    const id = this.#s.latest.get(device, kind ?? '') as number | undefined;
    return id === undefined ? undefined : this.reading(id);
  }

  async segments(sha256: string): Promise<StoredReading[]> {
    const out: StoredReading[] = [];
    for (const id of this.#s.segments.all(sha256) as number[]) {
      const r = await this.reading(id);
      if (r !== undefined) out.push(r);
    }
    return out;
  }

  async message(digest: string): Promise<Uint8Array | undefined> {
    const b = this.#s.getMessage.get(digest) as Buffer | undefined;
    return b === undefined ? undefined : new Uint8Array(b);
  }

  /**
   * Calls `each` with the unbatched readings in id order, up to `limit`, with their run and index in it: the ids
   * after the watermark that no batch sealed out of order holds.
   */
  #eachUnbatched(limit: number, each: (row: RunRow, k: number, text: string) => void): void {
    if (limit <= 0) return;
    const sealed = this.#sealed();
    const islands = this.#s.islands.all(sealed) as BatchRange[];
    let island = 0;
    let n = 0;
    for (const row of this.#s.runsFrom.iterate(sealed + 1) as IterableIterator<RunRow>) {
      const texts = runTexts(row);
      for (let id = Math.max(row.first_id, sealed + 1); id <= row.last_id; id++) {
        while (island < islands.length && islands[island]!.last_id < id) island++;
        if (island < islands.length && islands[island]!.first_id <= id) continue;
        each(row, id - row.first_id, texts[id - row.first_id]!);
        if (++n === limit) return;
      }
    }
  }

  async unbatched(limit: number): Promise<StoredReading[]> {
    const out: StoredReading[] = [];
    this.#eachUnbatched(limit, (row, k, text) => out.push({ id: row.first_id + k, record: JSON.parse(text) as ReadingRecord }));
    return out;
  }

  async unbatchedLeaves(limit: number): Promise<ReadingLeaf[]> {
    const first = this.#sealed() + 1;
    const maxId = this.#maxId();
    if (first > maxId) return [];
    const recent = this.#recent.from(first, limit, maxId);
    if (recent !== undefined) return recent;
    const out: ReadingLeaf[] = [];
    this.#eachUnbatched(limit, (row, k, text) => {
      // The device time is in the record: this read-back (after a restart) parses it, the usual path reads memory.
      const { ts } = JSON.parse(text) as { ts: string };
      out.push({ id: row.first_id + k, device: row.device, ts, leafHash: runLeaf(row, k, text) });
    });
    return out;
  }

  async nextBatch(max: number): Promise<NextBatch | undefined> {
    return nextBatchOf(await this.unbatchedLeaves(max), max);
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
    const range = this.#s.batchRange.get(batchId) as BatchRange | undefined;
    if (range === undefined) return [];
    const out: StoredReading[] = [];
    for (const row of this.#s.runsFrom.iterate(range.first_id) as IterableIterator<RunRow>) {
      if (row.first_id > range.last_id) break;
      const texts = runTexts(row);
      for (let id = Math.max(row.first_id, range.first_id); id <= Math.min(row.last_id, range.last_id); id++) {
        out.push({ id, record: JSON.parse(texts[id - row.first_id]!) as ReadingRecord, batchId });
      }
    }
    return out;
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
