// SQLite LedgerStore (better-sqlite3, WAL, synchronous=FULL). A batch commit is one synchronous transaction:
// entries, Merkle nodes, state projection, events and the signed checkpoint become durable together or not at all.
// Statements are prepared once. Leaf hashes (level-0 nodes) are read from `entries`, not stored twice.
import type { Kind, StateObject } from '../../contracts/types.js';
import type { NodeId } from '../merkle/node-id.js';
import {
  SequenceConflict,
  eventRefs,
  refsOf,
  stateKey,
  type CheckpointRecord,
  type CommitBatch,
  type EntryRecord,
  type EventRecord,
  type LedgerStore,
  type StateQuery,
  type StateRecord,
} from './ledger-store.js';
import { migrate, openSqlite, type Migration, type SqliteDatabase } from './sqlite-database.js';

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
];

interface EntryRow {
  idx: number;
  leaf: Buffer;
  leaf_hash: Buffer;
  tx_hash: string;
  type: string;
  signer: string;
  nonce: string;
}

const toEntry = (r: EntryRow): EntryRecord => ({
  index: r.idx,
  leaf: new Uint8Array(r.leaf),
  leafHash: new Uint8Array(r.leaf_hash),
  txHash: r.tx_hash,
  type: r.type,
  signer: r.signer,
  nonce: r.nonce,
});

export class SqliteLedgerStore implements LedgerStore {
  readonly db: SqliteDatabase;
  readonly #ownsDb: boolean;
  readonly #stmt;
  readonly #commitTx: (batch: CommitBatch) => void;

  /** Open (and migrate) the ledger tables in `file`, or in an already open database shared with other adapters. */
  constructor(fileOrDb: string | SqliteDatabase) {
    this.#ownsDb = typeof fileOrDb === 'string';
    this.db = typeof fileOrDb === 'string' ? openSqlite(fileOrDb) : fileOrDb;
    migrate(this.db, 'ledger', MIGRATIONS);
    const db = this.db;
    this.#stmt = {
      size: db.prepare('SELECT COALESCE(MAX(idx) + 1, 0) AS n FROM entries').pluck(),
      insertEntry: db.prepare(
        'INSERT INTO entries (idx, leaf, leaf_hash, tx_hash, type, signer, nonce) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      insertNode: db.prepare('INSERT OR REPLACE INTO nodes (level, idx, hash) VALUES (?, ?, ?)'),
      node: db.prepare('SELECT hash FROM nodes WHERE level = ? AND idx = ?').pluck(),
      leafHash: db.prepare('SELECT leaf_hash FROM entries WHERE idx = ?').pluck(),
      entries: db.prepare('SELECT * FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx'),
      byTx: db.prepare('SELECT idx FROM entries WHERE tx_hash = ?').pluck(),
      byNonce: db.prepare('SELECT idx, tx_hash FROM entries WHERE signer = ? AND nonce = ?'),
      insertCheckpoint: db.prepare('INSERT INTO checkpoints (size, root_hash, note) VALUES (?, ?, ?)'),
      latestCheckpoint: db.prepare('SELECT * FROM checkpoints ORDER BY size DESC LIMIT 1'),
      checkpointAt: db.prepare('SELECT * FROM checkpoints WHERE size = ?'),
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
  }

  /** The synchronous body of `commit`; runs inside one SQLite transaction. */
  #commitSync(batch: CommitBatch): void {
    const s = this.#stmt;
    const size = s.size.get() as number;
    const first = batch.entries[0]?.index ?? size;
    if (first !== size) throw new SequenceConflict(size, first);
    batch.entries.forEach((e, i) => {
      if (e.index !== first + i) throw new RangeError(`batch entry ${i} has index ${e.index}, expected ${first + i}`);
      s.insertEntry.run(e.index, e.leaf, e.leafHash, e.txHash, e.type, e.signer, e.nonce);
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

  async commit(batch: CommitBatch): Promise<void> {
    this.#commitTx(batch);
  }

  async entries(start: number, end: number): Promise<EntryRecord[]> {
    return (this.#stmt.entries.all(start, end) as EntryRow[]).map(toEntry);
  }

  async nodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    return ids.map((id) => {
      const hash = (id.level === 0 ? this.#stmt.leafHash.get(id.index) : this.#stmt.node.get(id.level, id.index)) as
        | Buffer
        | undefined;
      if (hash === undefined) throw new RangeError(`node level ${id.level} index ${id.index} is not stored`);
      return new Uint8Array(hash);
    });
  }

  async indexOfTx(txHash: string): Promise<number | undefined> {
    return this.#stmt.byTx.get(txHash) as number | undefined;
  }

  async txOfNonce(signer: string, nonce: string): Promise<{ index: number; txHash: string } | undefined> {
    const row = this.#stmt.byNonce.get(signer, nonce) as { idx: number; tx_hash: string } | undefined;
    return row === undefined ? undefined : { index: row.idx, txHash: row.tx_hash };
  }

  async latestCheckpoint(): Promise<CheckpointRecord | undefined> {
    return toCheckpoint(this.#stmt.latestCheckpoint.get());
  }

  async checkpointAt(size: number): Promise<CheckpointRecord | undefined> {
    return toCheckpoint(this.#stmt.checkpointAt.get(size));
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
}

function toCheckpoint(row: unknown): CheckpointRecord | undefined {
  if (row === undefined) return undefined;
  const r = row as { size: number; root_hash: Buffer; note: string };
  return { size: r.size, rootHash: new Uint8Array(r.root_hash), note: r.note };
}

function toState(row: { value: string; idx: number }): StateRecord {
  return { object: JSON.parse(row.value) as StateObject, index: row.idx };
}

