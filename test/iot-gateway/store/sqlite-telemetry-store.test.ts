import assert from 'node:assert/strict';
import path from 'node:path';
import { batchRoot, readingLeafHash, sealBatch } from '../../../iot-gateway/anchor/telemetry-batch.js';
import { SqliteTelemetryStore, TELEMETRY_MIGRATIONS } from '../../../iot-gateway/store/sqlite-telemetry-store.js';
import { toHex } from '../../../ledger/encoding/bytes.js';
import { canonicalJson } from '../../../ledger/encoding/canonical.js';
import { migrate, openSqlite } from '../../../ledger/store/sqlite-database.js';
import { GATEWAY_ID } from '../../../server/system.js';
import { testKey } from '../../support/ledger-harness.js';
import { SqliteLedgerStore } from '../../../ledger/store/sqlite-ledger-store.js';
import { tempDir } from '../../support/temp-dir.js';
import { iso, record, T0 } from '../support/readings.js';
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

describe('SQLite telemetry store: leaf hashes (migration 3)', () => {
  it('When a database from before leaf hashes is opened, then its readings get sealed with the same root as freshly stored ones', async () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, 'old.db');
      const old = openSqlite(file);
      migrate(old, 'telemetry', TELEMETRY_MIGRATIONS.slice(0, 2)); // the schema as shipped before version 3
      const rs = [record('d-1', 0), record('d-1', 1), record('d-2', 0)];
      const insert = old.prepare('INSERT INTO tl_readings (device, seq, ts, kind, record) VALUES (?, ?, ?, ?, ?)');
      insert.run(rs[0]!.device, rs[0]!.seq, rs[0]!.ts, rs[0]!.kind, canonicalJson(rs[0]));
      old.close();

      const store = new SqliteTelemetryStore(file);
      await store.append(rs.slice(1));
      const leaves = await store.unbatchedLeaves(10);
      assert.deepEqual(leaves.map((l) => toHex(l.leafHash)), rs.map((r) => toHex(readingLeafHash(r))), 'old row hashed from its record');
      const gw = { id: GATEWAY_ID, seed: testKey(GATEWAY_ID).seed };
      const fromLeaves = sealBatch({ instance: 'i', gateway: gw, readings: leaves, now: iso(T0) });
      const fromRecords = sealBatch({ instance: 'i', gateway: gw, readings: await store.unbatched(10), now: iso(T0) });
      assert.deepEqual(fromLeaves, fromRecords);
      assert.equal(fromLeaves.root, toHex(batchRoot(rs)));
      await store.close();
    } finally {
      tmp.remove();
    }
  });
});
