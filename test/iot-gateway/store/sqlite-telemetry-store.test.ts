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

describe('SQLite telemetry store: recent leaves (the writer seals from memory)', () => {
  /** What the table says: a second connection's cache is empty, so it scans. */
  const scanned = async (file: string, limit: number): Promise<string[]> => {
    const fresh = new SqliteTelemetryStore(file);
    try {
      return (await fresh.unbatchedLeaves(limit)).map((l) => `${l.id}:${l.device}:${toHex(l.leafHash)}`);
    } finally {
      await fresh.close();
    }
  };
  const listed = async (store: SqliteTelemetryStore, limit: number): Promise<string[]> =>
    (await store.unbatchedLeaves(limit)).map((l) => `${l.id}:${l.device}:${toHex(l.leafHash)}`);
  const sealed = (id: string, firstId: number, lastId: number) => ({
    id, firstId, lastId, count: lastId - firstId + 1, root: 'ab'.repeat(32), firstReadingAt: iso(T0), lastReadingAt: iso(T0),
    devices: ['d-1'], anchorTx: { tx: { v: 1 as const, type: 'telemetry.anchor', nonce: id, ts: iso(T0), body: {} }, sigs: [] }, createdAt: iso(T0),
  });

  it('When readings are sealed oldest first, out of order, or written by another connection, then the leaves listed are the table\'s', async () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, 'ledgerhouse.db');
      const store = new SqliteTelemetryStore(file);
      const check = async (limit: number, label: string): Promise<void> => {
        assert.deepEqual(await listed(store, limit), await scanned(file, limit), label);
      };
      await store.append(Array.from({ length: 6 }, (_, i) => record('d-1', i)));
      await check(4, 'fresh writes');
      await store.createBatch(sealed('b-1', 1, 2));
      await check(10, 'after an oldest-first seal');
      await store.createBatch(sealed('b-2', 5, 5)); // not the oldest: the unbatched rows are 3, 4, 6
      await check(10, 'after a seal in the middle');
      await store.append([record('d-1', 6), record('d-1', 7)]);
      await check(10, 'writes after it');
      const other = new SqliteTelemetryStore(file);
      await other.append([record('d-2', 0)]);
      await other.close();
      await check(10, 'a row another connection wrote');
      await store.append([record('d-1', 8)]);
      await check(10, 'and one of ours after it');
      await assert.rejects(store.append([record('d-1', 9), { ...record('d-1', 10), seq: -1 }])); // rolled back as a whole
      await check(10, 'after a write that failed');
      await store.createBatch(sealed('b-3', 3, 4));
      await store.createBatch(sealed('b-4', 6, 10));
      assert.deepEqual(await listed(store, 10), []);
      await store.close();
    } finally {
      tmp.remove();
    }
  });
});
