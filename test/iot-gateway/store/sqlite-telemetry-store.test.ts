import assert from 'node:assert/strict';
import path from 'node:path';
import { SqliteTelemetryStore } from '../../../iot-gateway/store/sqlite-telemetry-store.js';
import { openSqlite } from '../../../ledger/store/sqlite-database.js';
import { SqliteLedgerStore } from '../../../ledger/store/sqlite-ledger-store.js';
import { tempDir } from '../../support/temp-dir.js';
import { record } from '../support/readings.js';
import { telemetryStoreConformance } from './telemetry-store-conformance.js';

telemetryStoreConformance('SQLite (temp file)', async () => {
  const tmp = tempDir();
  const file = path.join(tmp.dir, 'ledgerhouse.db');
  let store = new SqliteTelemetryStore(file);
  return {
    store,
    async reopen() {
      await store.close();
      store = new SqliteTelemetryStore(file);
      return store;
    },
    async cleanup() {
      await store.close();
      tmp.remove();
    },
  };
});

describe('SQLite telemetry store sharing the ledger database', () => {
  it('When it is given the ledger\'s open database, then both live in one file and closing it leaves the ledger open', async () => {
    const tmp = tempDir();
    try {
      const db = openSqlite(path.join(tmp.dir, 'ledgerhouse.db'));
      const ledger = new SqliteLedgerStore(db);
      const telemetry = new SqliteTelemetryStore(db);
      await telemetry.append([record('d-1', 0)]);
      await telemetry.close();
      assert.equal(db.open, true);
      assert.equal(await ledger.size(), 0);
      assert.equal(db.pragma('synchronous', { simple: true }), 2, 'synchronous=FULL');
      await ledger.close();
      if (db.open) db.close();
    } finally {
      tmp.remove();
    }
  });
});
