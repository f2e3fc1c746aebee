import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PAGE_SIZE_BYTES, WAL_AUTOCHECKPOINT_BYTES, openSqlite } from '../../../ledger/store/sqlite-database.js';
import { SqliteLedgerStore } from '../../../ledger/store/sqlite-ledger-store.js';
import { nodesSql } from '../../../ledger/store/sqlite-node-reader.js';
import { tempDir } from '../../support/temp-dir.js';
import { ledgerStoreConformance, makeBatch } from './ledger-store-conformance.js';
import { emptyEdge } from '../../../ledger/merkle/compact-range.js';

ledgerStoreConformance('SQLite (temp file)', async () => {
  const tmp = tempDir();
  const file = path.join(tmp.dir, 'ledger.db');
  let store = new SqliteLedgerStore(file);
  return {
    store,
    async reopen() {
      await store.close();
      store = new SqliteLedgerStore(file);
      return store;
    },
    async cleanup() {
      await store.close();
      tmp.remove();
    },
  };
});

describe('SQLite connection settings', () => {
  it('When any connection is opened through openSqlite, then it runs in WAL mode with synchronous=FULL and a ~39 MiB (5,000-page) autocheckpoint', () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, 'ledger.db');
      const a = openSqlite(file);
      const b = openSqlite(file);
      // A plain connection to the same WAL file comes up as NORMAL (2): the reason every connection sets FULL.
      const plain = new Database(file);
      for (const db of [a, b]) {
        assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
        assert.equal(db.pragma('synchronous', { simple: true }), 2, 'synchronous=FULL (2)');
        assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 5000);
        assert.equal(5000 * PAGE_SIZE_BYTES, WAL_AUTOCHECKPOINT_BYTES);
      }
      assert.equal(plain.pragma('synchronous', { simple: true }), 1, 'a plain connection to a WAL file is NORMAL (1)');
      [a, b, plain].forEach((db) => db.close());
    } finally {
      tmp.remove();
    }
  });
});

describe('SQLite page size', () => {
  it('When a new file is opened through openSqlite, then it gets 8 KiB pages; an existing 4 KiB file keeps its pages and its ledger opens', async () => {
    const tmp = tempDir();
    try {
      const fresh = openSqlite(path.join(tmp.dir, 'new.db'));
      assert.equal(fresh.pragma('page_size', { simple: true }), PAGE_SIZE_BYTES);
      fresh.close();
      const file = path.join(tmp.dir, 'old.db');
      const old = new Database(file); // as a file created before the page size was set
      old.pragma('journal_mode = WAL');
      old.exec('CREATE TABLE before (x)');
      old.close();
      const store = new SqliteLedgerStore(openSqlite(file));
      assert.equal(store.db.pragma('page_size', { simple: true }), 4096);
      assert.equal(store.db.pragma('wal_autocheckpoint', { simple: true }), 10_000, 'the same ~39 MiB of WAL between checkpoints');
      assert.equal(await store.size(), 0);
      store.db.close(); // the store does not own a database it was given
    } finally {
      tmp.remove();
    }
  });
});

describe('SQLite query plans', () => {
  it('When an object is rewritten, then its old references are found through an index, not a table scan', () => {
    const tmp = tempDir();
    try {
      const store = new SqliteLedgerStore(path.join(tmp.dir, 'ledger.db'));
      const plan = store.db.prepare('EXPLAIN QUERY PLAN DELETE FROM state_refs WHERE kind = ? AND id = ?').all('receipt', 'r1') as { detail: string }[];
      assert.ok(plan.some((p) => /USING (COVERING )?INDEX state_refs_object/.test(p.detail)), JSON.stringify(plan));
      store.db.close();
    } finally {
      tmp.remove();
    }
  });
});

describe('SQLite node reads', () => {
  it('When many nodes are read by one statement, then each is an indexed point lookup, not a scan', () => {
    const tmp = tempDir();
    try {
      const store = new SqliteLedgerStore(path.join(tmp.dir, 'ledger.db'));
      const plan = store.db.prepare(`EXPLAIN QUERY PLAN ${nodesSql(3)}`).all([0, 0, 1, 1, 1, 0, 2, 3, 0]) as { detail: string }[];
      const details = plan.map((p) => p.detail);
      assert.ok(details.some((d) => /SEARCH e USING INTEGER PRIMARY KEY/.test(d)), JSON.stringify(details));
      assert.ok(details.some((d) => /SEARCH n USING PRIMARY KEY/.test(d)), JSON.stringify(details));
      assert.ok(!details.some((d) => /SCAN (e|n)\b/.test(d)), JSON.stringify(details));
      store.db.close();
    } finally {
      tmp.remove();
    }
  });
});

describe('SQLite tx hash storage (migration v4)', () => {
  /** A database as schema v3 left it: tx_hash as 64-character text with a unique index. */
  function v3Database(file: string, txHash: string): void {
    const db = openSqlite(file);
    db.exec(`
      CREATE TABLE schema_versions (scope TEXT PRIMARY KEY, version INTEGER NOT NULL);
      INSERT INTO schema_versions VALUES ('ledger', 3);
      CREATE TABLE entries (idx INTEGER PRIMARY KEY, leaf BLOB NOT NULL, leaf_hash BLOB NOT NULL, tx_hash TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL, signer TEXT NOT NULL, nonce TEXT NOT NULL, UNIQUE (signer, nonce));
      CREATE TABLE nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;
      CREATE TABLE checkpoints (size INTEGER PRIMARY KEY, root_hash BLOB NOT NULL, note TEXT NOT NULL);
      CREATE TABLE state (kind TEXT NOT NULL, id TEXT NOT NULL, value TEXT NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID;
      CREATE TABLE state_refs (ref TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (ref, kind, id)) WITHOUT ROWID;
      CREATE TABLE events (idx INTEGER NOT NULL, seq INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY (idx, seq)) WITHOUT ROWID;
      CREATE TABLE event_refs (ref TEXT NOT NULL, idx INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (ref, idx, seq)) WITHOUT ROWID;
      CREATE INDEX state_refs_object ON state_refs (kind, id);
    `);
    db.prepare('INSERT INTO entries VALUES (0, ?, ?, ?, ?, ?, ?)').run(Buffer.from('{"index":0}'), Buffer.alloc(32, 7), txHash, 't', 'p-1', 'n-1');
    db.close();
  }

  it('When a v3 database is opened, then its text tx hashes become 32-byte blobs and every lookup still finds them', async () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, 'ledger.db');
      const tx = 'ab'.repeat(16) + '0123456789abcdef'.repeat(2);
      v3Database(file, tx);
      const store = new SqliteLedgerStore(file);
      assert.equal(store.db.prepare("SELECT version FROM schema_versions WHERE scope = 'ledger'").pluck().get(), 4);
      assert.equal(store.db.prepare('SELECT typeof(tx_hash) || length(tx_hash) FROM entries').pluck().get(), 'blob32');
      assert.equal(await store.indexOfTx(tx), 0);
      assert.deepEqual(await store.txOfNonce('p-1', 'n-1'), { index: 0, txHash: tx });
      assert.equal((await store.entries(0, 1))[0]!.txHash, tx);
      assert.deepEqual((await store.nodes([{ level: 0, index: 0 }]))[0], new Uint8Array(32).fill(7));
      await store.close();
    } finally {
      tmp.remove();
    }
  });

  it('When a v3 database holds a tx hash that is not hex, then opening fails and the file stays at v3, unchanged', () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, 'ledger.db');
      v3Database(file, 'not-a-hash');
      assert.throws(() => new SqliteLedgerStore(file), /NOT NULL constraint failed: entries_v4\.tx_hash/);
      const db = new Database(file);
      assert.equal(db.prepare("SELECT version FROM schema_versions WHERE scope = 'ledger'").pluck().get(), 3);
      assert.equal(db.prepare('SELECT tx_hash FROM entries').pluck().get(), 'not-a-hash');
      db.close();
    } finally {
      tmp.remove();
    }
  });

  it('When a tx hash is looked up, then the small prefix index is used, not a table scan', () => {
    const tmp = tempDir();
    try {
      const store = new SqliteLedgerStore(path.join(tmp.dir, 'ledger.db'));
      const plan = store.db.prepare('EXPLAIN QUERY PLAN SELECT idx FROM entries WHERE substr(tx_hash, 1, 8) = ? AND tx_hash = ?')
        .all(Buffer.alloc(8), Buffer.alloc(32)) as { detail: string }[];
      assert.ok(plan.some((p) => /USING INDEX entries_tx_prefix/.test(p.detail)), JSON.stringify(plan));
      store.db.close();
    } finally {
      tmp.remove();
    }
  });
});

describe('SQLite ledger commits while another connection writes', () => {
  it('When another connection holds the write lock, then a commit waits for it without stopping the event loop, and lands once the lock is free', async () => {
    const tmp = tempDir();
    const file = path.join(tmp.dir, 'ledger.db');
    const store = new SqliteLedgerStore(file);
    const other = openSqlite(file);
    try {
      other.exec('BEGIN IMMEDIATE'); // as the telemetry writer thread does for each group of readings
      const { batch } = makeBatch(emptyEdge(), 3);
      let committed = false;
      const commit = store.commit(batch).then(() => (committed = true));
      const ticks: number[] = [];
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 10));
        ticks.push(i);
      }
      assert.deepEqual(ticks, [0, 1, 2, 3, 4], 'timers ran while the commit waited');
      assert.equal(committed, false, 'the commit waits while the lock is held');
      other.exec('COMMIT');
      await commit;
      assert.equal(await store.size(), 3);
      assert.equal(store.db.pragma('busy_timeout', { simple: true }), 5000, "the connection's busy_timeout is back for its other statements");
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
      await store.close();
      tmp.remove();
    }
  });

  it('When the lock stays held past lockWaitMs, then the commit fails with SQLITE_BUSY and nothing of it is stored', async () => {
    const tmp = tempDir();
    const file = path.join(tmp.dir, 'ledger.db');
    const store = new SqliteLedgerStore(file, { lockWaitMs: 50 });
    const other = openSqlite(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      const t0 = performance.now();
      await assert.rejects(store.commit(makeBatch(emptyEdge(), 2).batch), (e: { code?: string }) => e.code === 'SQLITE_BUSY');
      assert.ok(performance.now() - t0 >= 50, 'it waited lockWaitMs first');
      other.exec('ROLLBACK');
      assert.equal(await store.size(), 0);
      assert.deepEqual(await store.entries(0, 10), []);
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
      await store.close();
      tmp.remove();
    }
  });
});
