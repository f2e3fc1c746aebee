import assert from 'node:assert/strict';
import path from 'node:path';
import { ThreadedSqliteTelemetryStore } from '../../../iot-gateway/store/threaded-sqlite-telemetry-store.js';
import { openSqlite } from '../../../ledger/store/sqlite-database.js';
import { SqliteLedgerStore } from '../../../ledger/store/sqlite-ledger-store.js';
import { tempDir } from '../../support/temp-dir.js';
import { record } from '../support/readings.js';
import { telemetryStoreConformance } from './telemetry-store-conformance.js';

telemetryStoreConformance('SQLite with a writer thread (temp file)', async () => {
  const tmp = tempDir();
  const file = path.join(tmp.dir, 'ledgerhouse.db');
  let store = await ThreadedSqliteTelemetryStore.open(file);
  return {
    store,
    async reopen() {
      await store.close();
      store = await ThreadedSqliteTelemetryStore.open(file);
      return store;
    },
    async cleanup() {
      await store.close();
      tmp.remove();
    },
  };
});

describe('SQLite telemetry store with a writer thread', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.remove());

  it('When a write is in flight, then this thread\'s event loop keeps turning until it is durable', async () => {
    const store = await ThreadedSqliteTelemetryStore.open(path.join(tmp.dir, 'ledgerhouse.db'));
    try {
      let turned = false;
      setImmediate(() => (turned = true));
      await store.append(Array.from({ length: 500 }, (_, i) => record('d-1', i)));
      assert.equal(turned, true, 'the loop turned while the writer thread stored and synced');
      assert.equal(await store.highWater('d-1'), 499);
    } finally {
      await store.close();
    }
  });

  it('When it shares the ledger\'s open database, then both live in one file, writes are readable on the ledger\'s connection and closing leaves the ledger open', async () => {
    const db = openSqlite(path.join(tmp.dir, 'ledgerhouse.db'));
    const ledger = new SqliteLedgerStore(db);
    const store = await ThreadedSqliteTelemetryStore.open(db);
    await store.append([record('d-1', 0), record('d-1', 1)]);
    assert.equal(db.prepare('SELECT sum(last_id - first_id + 1) FROM tl_runs').pluck().get(), 2);
    await store.close();
    assert.equal(db.open, true);
    assert.equal(await ledger.size(), 0);
    await ledger.close();
    if (db.open) db.close();
  });

  it('When the writer thread dies, then the writes it held fail, the next write starts a new one, and nothing is stored twice', async () => {
    const store = await ThreadedSqliteTelemetryStore.open(path.join(tmp.dir, 'ledgerhouse.db'));
    try {
      await store.append([record('d-1', 0)]);
      await store.crashWriter();
      const held = store.append([record('d-1', 1)]).then(() => 'stored', (e: Error) => e.message);
      const outcome = await held;
      assert.ok(outcome === 'stored' || /telemetry writer thread exited/.test(outcome), outcome);
      assert.deepEqual(await store.append([record('d-1', 1), record('d-1', 2)]).then((r) => r.map((x) => x.status)),
        outcome === 'stored' ? ['duplicate', 'stored'] : ['stored', 'stored']);
      assert.equal(store.replacements, 1);
      assert.equal((await store.readings({ device: 'd-1', limit: 10 })).readings.length, 3);
    } finally {
      await store.close();
    }
  });

  it('When writes are sent without waiting for each other, then they are applied and settle in call order (writesInOrder)', async () => {
    const store = await ThreadedSqliteTelemetryStore.open(path.join(tmp.dir, 'ledgerhouse.db'));
    try {
      assert.equal(store.writesInOrder, true);
      const settled: number[] = [];
      const writes = [
        [record('d-1', 0), record('d-1', 1)],
        [record('d-1', 1), record('d-1', 2)], // its first reading is the previous write's: a duplicate only if that one came first
        [record('d-1', 3)],
      ].map((records, k) => store.append(records).then((r) => (settled.push(k), r)));
      const results = await Promise.all(writes);
      assert.deepEqual(settled, [0, 1, 2]);
      assert.deepEqual(results.map((r) => r.map((x) => `${x.status}:${x.id}`)), [['stored:1', 'stored:2'], ['duplicate:2', 'stored:3'], ['stored:4']]);
    } finally {
      await store.close();
    }
  });

  it('When it is given an in-memory database, then TypeError saying it needs a file', async () => {
    const db = openSqlite(':memory:');
    try {
      await assert.rejects(ThreadedSqliteTelemetryStore.open(db), { name: 'TypeError', message: /needs a database file/ });
    } finally {
      db.close();
    }
  });

  it('When the store is closed, then further writes are refused with a clear error', async () => {
    const store = await ThreadedSqliteTelemetryStore.open(path.join(tmp.dir, 'ledgerhouse.db'));
    await store.close();
    await assert.rejects(store.append([record('d-1', 0)]), /telemetry store is closed/);
  });
});
