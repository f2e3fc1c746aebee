// SQLite LedgerStore (better-sqlite3, WAL, synchronous=FULL). A batch commit is one synchronous transaction:
// entries, Merkle nodes, state projection, events and the signed checkpoint become durable together or not at all.
// Statements are prepared once. Leaf hashes (level-0 nodes) are read from `entries`, not stored twice.
// Tx hashes are stored as 32-byte BLOBs and indexed by their first 8 bytes only (migration v4): a random 64-character
// text key made every append touch a random page of a large index, which was most of the cost of a commit.
import type { Kind, StateObject } from '../../contracts/types.js';
import type { NodeId } from '../merkle/node-id.js';
import {
  DuplicateEntryError,
  SequenceConflict,
  TX_HASH_HEX,
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
import { migrate, openSqlite, type Migration, type SqliteDatabase, type Transaction } from './sqlite-database.js';
import { SqliteNodeReader } from './sqlite-node-reader.js';
import type { Statement } from 'better-sqlite3';

/** Bytes of the tx hash the index keys on (collisions are resolved by comparing the whole hash). */
const TX_PREFIX = 8;

/** Pause between two attempts of a commit to take the write lock another connection holds, ms. */
const LOCK_RETRY_MS = 1;

const isBusy = (e: unknown): boolean => typeof (e as { code?: unknown }).code === 'string' && (e as { code: string }).code.startsWith('SQLITE_BUSY');

export interface SqliteLedgerStoreOptions {
  /**
   * Longest a commit waits for the write lock of another connection to the same file (the telemetry writer's), ms;
   * then it fails with SQLITE_BUSY. Default: the connection's busy_timeout (5,000 ms through openSqlite).
   */
  readonly lockWaitMs?: number;
}

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE entries (
        idx INTEGER PRIMARY KEY,
        leaf BLOB NOT NULL,
        leaf_hash BLOB NOT NULL,
        tx_hash TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        signer TEXT NOT NULL,
        nonce TEXT NOT NULL,
        UNIQUE (signer, nonce)
      );
      CREATE TABLE nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,
        PRIMARY KEY (level, idx)) WITHOUT ROWID;
      CREATE TABLE checkpoints (size INTEGER PRIMARY KEY, root_hash BLOB NOT NULL, note TEXT NOT NULL);
      CREATE TABLE state (kind TEXT NOT NULL, id TEXT NOT NULL, value TEXT NOT NULL, idx INTEGER NOT NULL,
        PRIMARY KEY (kind, id)) WITHOUT ROWID;
      CREATE TABLE state_refs (ref TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL,
        PRIMARY KEY (ref, kind, id)) WITHOUT ROWID;
      CREATE TABLE events (idx INTEGER NOT NULL, seq INTEGER NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (idx, seq)) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    sql: `CREATE TABLE event_refs (ref TEXT NOT NULL, idx INTEGER NOT NULL, seq INTEGER NOT NULL,
            PRIMARY KEY (ref, idx, seq)) WITHOUT ROWID;`,
  },
  {
    version: 3,
    // Rewriting an object deletes its old refs by (kind, id): without this index every state write scanned the
    // whole table and commits slowed down as the log grew (found by bench/pipeline-tx.ts).
    sql: 'CREATE INDEX state_refs_object ON state_refs (kind, id);',
  },
  {
    version: 4,
    // tx_hash TEXT UNIQUE (64 hex chars, random) → a 32-byte BLOB with a small index on its first 8 bytes; commit
    // checks uniqueness itself (found by bench/ledger-append.ts: the text index was the largest part of a commit).
    // unhex() makes the migration fail, changing nothing, if an old row does not hold a hex hash.
    sql: `
      CREATE TABLE entries_v4 (
        idx INTEGER PRIMARY KEY,
        leaf BLOB NOT NULL,
        leaf_hash BLOB NOT NULL,
        tx_hash BLOB NOT NULL CHECK (length(tx_hash) = 32),
        type TEXT NOT NULL,
        signer TEXT NOT NULL,
        nonce TEXT NOT NULL,
        UNIQUE (signer, nonce)
      );
      INSERT INTO entries_v4 (idx, leaf, leaf_hash, tx_hash, type, signer, nonce)
        SELECT idx, leaf, leaf_hash, unhex(tx_hash), type, signer, nonce FROM entries ORDER BY idx;
      DROP TABLE entries;
      ALTER TABLE entries_v4 RENAME TO entries;
      CREATE INDEX entries_tx_prefix ON entries (substr(tx_hash, 1, ${TX_PREFIX}));
    `,
  },
];

interface EntryRow {
  idx: number;
  leaf: Buffer;
  leaf_hash: Buffer;
  tx_hash: Buffer;
  type: string;
  signer: string;
  nonce: string;
}

const toEntry = (r: EntryRow): EntryRecord => ({
  index: r.idx,
  leaf: new Uint8Array(r.leaf),
  leafHash: new Uint8Array(r.leaf_hash),
  txHash: r.tx_hash.toString('hex'),
  type: r.type,
  signer: r.signer,
  nonce: r.nonce,
});

export class SqliteLedgerStore implements LedgerStore {
  readonly db: SqliteDatabase;
  readonly #ownsDb: boolean;
  readonly #stmt;
  readonly #commitTx: Transaction<(batch: CommitBatch) => void>;
  readonly #nodeReader: SqliteNodeReader;
  readonly #lockWaitMs: number;
  readonly #busyTimeoutMs: number;

  /** Open (and migrate) the ledger tables in `file`, or in an already open database shared with other adapters. */
  constructor(fileOrDb: string | SqliteDatabase, opts: SqliteLedgerStoreOptions = {}) {
    this.#ownsDb = typeof fileOrDb === 'string';
    this.db = typeof fileOrDb === 'string' ? openSqlite(fileOrDb) : fileOrDb;
    migrate(this.db, 'ledger', MIGRATIONS);
    const db = this.db;
    this.#busyTimeoutMs = db.pragma('busy_timeout', { simple: true }) as number;
    this.#lockWaitMs = opts.lockWaitMs ?? this.#busyTimeoutMs;
    this.#stmt = {
      size: db.prepare('SELECT COALESCE(MAX(idx) + 1, 0) AS n FROM entries').pluck(),
      insertEntry: db.prepare(
        'INSERT INTO entries (idx, leaf, leaf_hash, tx_hash, type, signer, nonce) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      insertNode: db.prepare('INSERT OR REPLACE INTO nodes (level, idx, hash) VALUES (?, ?, ?)'),
      entries: db.prepare('SELECT * FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx'),
      byTx: db.prepare(`SELECT idx FROM entries WHERE substr(tx_hash, 1, ${TX_PREFIX}) = ? AND tx_hash = ?`).pluck(),
      byNonce: db.prepare('SELECT idx, tx_hash FROM entries WHERE signer = ? AND nonce = ?'),
      insertCheckpoint: db.prepare('INSERT INTO checkpoints (size, root_hash, note) VALUES (?, ?, ?)'),
      latestCheckpoint: db.prepare('SELECT * FROM checkpoints ORDER BY size DESC LIMIT 1'),
      checkpointAt: db.prepare('SELECT * FROM checkpoints WHERE size = ?'),
      checkpointsIn: db.prepare('SELECT * FROM checkpoints WHERE size >= ? AND size < ? ORDER BY size'),
      upsertState: db.prepare(
        'INSERT INTO state (kind, id, value, idx) VALUES (?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET value = excluded.value, idx = excluded.idx',
      ),
      deleteRefs: db.prepare('DELETE FROM state_refs WHERE kind = ? AND id = ?'),
      insertRef: db.prepare('INSERT OR IGNORE INTO state_refs (ref, kind, id) VALUES (?, ?, ?)'),
      getState: db.prepare('SELECT value, idx FROM state WHERE kind = ? AND id = ?'),
      queryAll: db.prepare('SELECT value, idx FROM state WHERE kind = ? AND id > ? ORDER BY id LIMIT ?'),
      queryRef: db.prepare(
        'SELECT s.value, s.idx FROM state_refs r JOIN state s ON s.kind = r.kind AND s.id = r.id WHERE r.ref = ? AND r.kind = ? AND r.id > ? ORDER BY r.id LIMIT ?',
      ),
      insertEvent: db.prepare('INSERT INTO events (idx, seq, value) VALUES (?, ?, ?)'),
      events: db.prepare('SELECT idx, seq, value FROM events WHERE idx >= ? ORDER BY idx, seq LIMIT ?'),
      insertEventRef: db.prepare('INSERT OR IGNORE INTO event_refs (ref, idx, seq) VALUES (?, ?, ?)'),
      eventsByRef: db.prepare(
        'SELECT e.idx, e.seq, e.value FROM event_refs r JOIN events e ON e.idx = r.idx AND e.seq = r.seq WHERE r.ref = ? AND r.idx >= ? ORDER BY r.idx, r.seq LIMIT ?',
      ),
    };
    this.#commitTx = db.transaction((batch: CommitBatch) => this.#commitSync(batch));
    this.#nodeReader = new SqliteNodeReader(db);
  }

  /** The synchronous body of `commit`; runs inside one SQLite transaction. */
  #commitSync(batch: CommitBatch): void {
    const s = this.#stmt;
    const size = s.size.get() as number;
    const first = batch.entries[0]?.index ?? size;
    if (first !== size) throw new SequenceConflict(size, first);
    batch.entries.forEach((e, i) => {
      if (e.index !== first + i) throw new RangeError(`batch entry ${i} has index ${e.index}, expected ${first + i}`);
      requireTxHash(e);
      const tx = Buffer.from(e.txHash, 'hex');
      // The prefix index is not unique, so a repeated tx is found here (rows of this batch included).
      if (s.byTx.get(tx.subarray(0, TX_PREFIX), tx) !== undefined) throw new DuplicateEntryError('tx_hash', `entry ${e.index}: tx ${e.txHash}`);
      try {
        s.insertEntry.run(e.index, e.leaf, e.leafHash, tx, e.type, e.signer, e.nonce);
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new DuplicateEntryError('signer_nonce', `entry ${e.index}: (${e.signer}, ${e.nonce})`);
        }
        throw err;
      }
    });
    for (const n of batch.nodes) {
      if (n.id.level > 0) s.insertNode.run(n.id.level, n.id.index, n.hash);
    }
    for (const w of batch.writes) {
      const { kind, id } = w.object;
      s.upsertState.run(kind, id, JSON.stringify(w.object), w.index);
      s.deleteRefs.run(kind, id);
      for (const ref of refsOf(w.object)) s.insertRef.run(ref, kind, id);
    }
    for (const ev of batch.events) {
      s.insertEvent.run(ev.index, ev.seq, JSON.stringify(ev.event));
      for (const ref of eventRefs(ev.event)) s.insertEventRef.run(ref, ev.index, ev.seq);
    }
    const cp = batch.checkpoint;
    s.insertCheckpoint.run(cp.size, cp.rootHash, cp.note);
  }

  async size(): Promise<number> {
    return this.#stmt.size.get() as number;
  }

  /**
   * BEGIN IMMEDIATE, so that a commit waits for another connection's write instead of failing when it read first.
   * The wait does not stop the thread: SQLite's busy handler would sleep it (1, 2, 5, 10, … ms at a time, with the
   * event loop that serves HTTP and MQTT stopped, while the telemetry writer thread holds the lock), so the lock is
   * tried without a busy handler and, while it is taken, tried again LOCK_RETRY_MS later from the event loop.
   */
  async commit(batch: CommitBatch): Promise<void> {
    const deadline = performance.now() + this.#lockWaitMs;
    for (;;) {
      try {
        this.#commitWithoutWaiting(batch);
        return;
      } catch (e) {
        if (!isBusy(e) || performance.now() >= deadline) throw e;
      }
      await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
    }
  }

  /** (A busy_timeout pragma takes effect when it is compiled, so it cannot be a statement prepared once.) */
  #commitWithoutWaiting(batch: CommitBatch): void {
    this.db.pragma('busy_timeout = 0');
    try {
      this.#commitTx.immediate(batch);
    } finally {
      this.db.pragma(`busy_timeout = ${this.#busyTimeoutMs}`);
    }
  }

  async entries(start: number, end: number): Promise<EntryRecord[]> {
    return (this.#stmt.entries.all(start, end) as EntryRow[]).map(toEntry);
  }

  async nodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    return this.#nodeReader.read(ids);
  }

  async indexOfTx(txHash: string): Promise<number | undefined> {
    if (!TX_HASH_HEX.test(txHash)) return undefined; // not a SHA-256 in hex: no entry can have it
    const tx = Buffer.from(txHash, 'hex');
    return this.#stmt.byTx.get(tx.subarray(0, TX_PREFIX), tx) as number | undefined;
  }

  async txOfNonce(signer: string, nonce: string): Promise<{ index: number; txHash: string } | undefined> {
    const row = this.#stmt.byNonce.get(signer, nonce) as { idx: number; tx_hash: Buffer } | undefined;
    return row === undefined ? undefined : { index: row.idx, txHash: row.tx_hash.toString('hex') };
  }

  async latestCheckpoint(): Promise<CheckpointRecord | undefined> {
    return toCheckpoint(this.#stmt.latestCheckpoint.get());
  }

  async checkpointAt(size: number): Promise<CheckpointRecord | undefined> {
    return toCheckpoint(this.#stmt.checkpointAt.get(size));
  }

  async checkpointsIn(from: number, to: number): Promise<CheckpointRecord[]> {
    return this.#stmt.checkpointsIn.all(from, to).map((row) => toCheckpoint(row)!);
  }

  async getState(keys: readonly { kind: Kind; id: string }[]): Promise<Map<string, StateRecord>> {
    const found = new Map<string, StateRecord>();
    for (const { kind, id } of keys) {
      const row = this.#stmt.getState.get(kind, id) as { value: string; idx: number } | undefined;
      if (row !== undefined) found.set(stateKey(kind, id), toState(row));
    }
    return found;
  }

  async queryState(query: StateQuery): Promise<StateRecord[]> {
    const after = query.after ?? '';
    const limit = query.limit ?? 100;
    const rows =
      query.ref === undefined
        ? this.#stmt.queryAll.all(query.kind, after, limit)
        : this.#stmt.queryRef.all(query.ref, query.kind, after, limit);
    return (rows as { value: string; idx: number }[]).map(toState);
  }

  async events(fromIndex: number, limit: number): Promise<EventRecord[]> {
    const rows = this.#stmt.events.all(fromIndex, limit) as { idx: number; seq: number; value: string }[];
    return rows.map((r) => ({ index: r.idx, seq: r.seq, event: JSON.parse(r.value) }));
  }

  async eventsByRef(ref: string, fromIndex: number, limit: number): Promise<EventRecord[]> {
    const rows = this.#stmt.eventsByRef.all(ref, fromIndex, limit) as { idx: number; seq: number; value: string }[];
    return rows.map((r) => ({ index: r.idx, seq: r.seq, event: JSON.parse(r.value) }));
  }

  async close(): Promise<void> {
    if (this.#ownsDb && this.db.open) this.db.close();
  }

  // One statement per kind of key for the whole batch (json_each), prepared on first use.
  #committedStmts: { byTxPrefix: Statement; byNonce: Statement } | undefined;

  async findCommitted(keys: readonly TxKey[]): Promise<CommittedMatch[]> {
    this.#committedStmts ??= {
      byTxPrefix: this.db.prepare(
        `SELECT idx, tx_hash FROM entries WHERE substr(tx_hash, 1, ${TX_PREFIX}) IN (SELECT unhex(value) FROM json_each(?))`,
      ),
      byNonce: this.db.prepare(
        'SELECT e.idx, e.tx_hash, e.signer, e.nonce FROM json_each(?) j JOIN entries e ON e.signer = j.value ->> 0 AND e.nonce = j.value ->> 1',
      ),
    };
    const { byTxPrefix, byNonce } = this.#committedStmts;
    const prefixes = keys.filter((k) => TX_HASH_HEX.test(k.txHash)).map((k) => k.txHash.slice(0, 2 * TX_PREFIX));
    const byTx = new Map<string, number>();
    for (const r of byTxPrefix.all(JSON.stringify(prefixes)) as { idx: number; tx_hash: Buffer }[]) byTx.set(r.tx_hash.toString('hex'), r.idx);
    const nonces = new Map<string, { index: number; txHash: string }>();
    const rows = byNonce.all(JSON.stringify(keys.map((k) => [k.signer, k.nonce]))) as { idx: number; tx_hash: Buffer; signer: string; nonce: string }[];
    for (const r of rows) nonces.set(`${r.signer}\n${r.nonce}`, { index: r.idx, txHash: r.tx_hash.toString('hex') });
    return keys.map((k) => ({ index: byTx.get(k.txHash), byNonce: nonces.get(`${k.signer}\n${k.nonce}`) }));
  }
}

function toCheckpoint(row: unknown): CheckpointRecord | undefined {
  if (row === undefined) return undefined;
  const r = row as { size: number; root_hash: Buffer; note: string };
  return { size: r.size, rootHash: new Uint8Array(r.root_hash), note: r.note };
}

function toState(row: { value: string; idx: number }): StateRecord {
  return { object: JSON.parse(row.value) as StateObject, index: row.idx };
}

