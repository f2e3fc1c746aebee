import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqlite } from '../../../ledger/store/sqlite-database.js';
import { SqliteLedgerStore } from '../../../ledger/store/sqlite-ledger-store.js';
import { tempDir } from '../../support/temp-dir.js';
import { ledgerStoreConformance } from './ledger-store-conformance.js';

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
  it('When any connection is opened through openSqlite, then it runs in WAL mode with synchronous=FULL', () => {
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
      }
      assert.equal(plain.pragma('synchronous', { simple: true }), 1, 'a plain connection to a WAL file is NORMAL (1)');
      [a, b, plain].forEach((db) => db.close());
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
