import assert from 'node:assert/strict';
import path from 'node:path';
import { batchRoot, readingLeafHash, sealBatch } from '../../../iot-gateway/anchor/telemetry-batch.js';
import { SqliteTelemetryStore, TELEMETRY_MIGRATIONS } from '../../../iot-gateway/store/sqlite-telemetry-store.js';
import { MemoryTelemetryStore } from '../../../iot-gateway/store/memory-telemetry-store.js';
import { BatchConflict, type TelemetryStore } from '../../../iot-gateway/store/telemetry-store.js';
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

describe('SQLite telemetry store: runs (a batch message\'s readings are one row)', () => {
  const batchRecord = (id: string, firstId: number, lastId: number) => ({
    id, firstId, lastId, count: lastId - firstId + 1, root: 'ab'.repeat(32), firstReadingAt: iso(T0), lastReadingAt: iso(T0),
    devices: ['d-1'], anchorTx: { tx: { v: 1 as const, type: 'telemetry.anchor', nonce: id, ts: iso(T0), body: {} }, sigs: [] }, createdAt: iso(T0),
  });
  const seqs = (dev: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => record(dev, from + i));
  /** Readings written in runs, single readings, retransmits that overlap a run, gaps filled later, batches that split runs. */
  const script = async (s: TelemetryStore): Promise<unknown[]> => {
    const out: unknown[] = [];
    out.push(await s.append(seqs('d-1', 0, 299)));
    out.push(await s.append([record('d-2', 0), ...seqs('d-1', 300, 309), record('d-2', 1), record('d-3', 0)]));
    out.push(await s.append([...seqs('d-1', 250, 320), record('d-2', 1)])); // partly a retransmission
    out.push(await s.append([...seqs('d-2', 10, 19), ...seqs('d-2', 5, 7), record('d-2', 6)])); // a gap, then filled in part
    out.push(await s.append([{ ...record('d-3', 1), kind: 'rfid', values: { count: 3 } } as never, record('d-3', 2, { ts: iso(T0 - 1) })]));
    await s.createBatch(batchRecord('b-1', 1, 150));
    await s.createBatch(batchRecord('b-3', 320, 330));
    await s.createBatch(batchRecord('b-2', 151, 319));
    out.push(await s.append(seqs('d-1', 321, 330)));
    return out;
  };
  const views = async (s: TelemetryStore): Promise<unknown> => {
    const byId = [];
    for (let id = 1; id <= 360; id++) byId.push(await s.reading(id));
    const pages = [];
    for (const q of [
      { device: 'd-1', limit: 7, after: 145 }, { device: 'd-1', from: iso(T0 + 305_000), to: iso(T0 + 312_000), limit: 100 },
      { device: 'd-2', limit: 100 }, { device: 'd-2', limit: 3, after: 0 }, { device: 'd-3', limit: 5 },
      { device: 'd-1', from: iso(T0 + 318_000), limit: 100 }, { device: 'd-1', to: iso(T0 + 3_000), limit: 100 },
      { device: 'd-3', from: iso(T0 - 1), to: iso(T0 + 1), limit: 100 }, { device: 'd-3', from: iso(T0 + 1), limit: 100 },
      { device: 'd-2', from: iso(T0 + 6_000), to: iso(T0 + 11_000), limit: 2, after: 3 }, { device: 'd-1', from: iso(T0 + 999_000), limit: 5 },
    ]) {
      pages.push(await s.readings(q));
    }
    const latest = [];
    for (const [d, k] of [['d-1'], ['d-2'], ['d-3'], ['d-3', 'rfid'], ['d-3', 'load-cell'], ['d-9']] as [string, string?][]) {
      latest.push(await s.latest(d, k));
    }
    return {
      byId, pages, latest, unbatched: await s.unbatched(40), batch: await s.batchReadings('b-2'),
      highWater: [await s.highWater('d-1'), await s.highWater('d-2')], gaps: await s.gaps('d-2'),
    };
  };

  it('When the same writes and seals go to the SQLite and the memory store, then every read answers the same', async () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, 'ledgerhouse.db');
      const sqlite = new SqliteTelemetryStore(file);
      const memory = new MemoryTelemetryStore();
      assert.deepEqual(await script(sqlite), await script(memory));
      assert.deepEqual(await views(sqlite), await views(memory));
      const db = openSqlite(file);
      const runs = db.prepare('SELECT count(*) FROM tl_runs').pluck().get() as number;
      const readings = db.prepare('SELECT sum(last_id - first_id + 1) FROM tl_runs').pluck().get() as number;
      db.close();
      assert.ok(runs < readings / 10, `${runs} rows for ${readings} readings`);
      const reopened = new SqliteTelemetryStore(file); // a connection without the writer's recent leaves
      const fromTable = await reopened.unbatchedLeaves(40);
      assert.deepEqual(fromTable.map((l) => [l.id, l.device, l.ts, toHex(l.leafHash)]), (await memory.unbatched(40)).map((r) =>
        [r.id, r.record.device, r.record.ts, toHex(readingLeafHash(r.record))]));
      await reopened.close();
      await sqlite.close();
    } finally {
      tmp.remove();
    }
  });

  it('When a database of one row per reading (version 3) is opened, then its readings, batches and views carry over', async () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, 'v3.db');
      const old = openSqlite(file);
      migrate(old, 'telemetry', TELEMETRY_MIGRATIONS.slice(0, 3));
      const camera = { ...record('cam-1', 0), kind: 'camera', segment: { sha256: 'aa'.repeat(32), durationMs: 10_000, start: iso(T0) } } as never as ReturnType<typeof record>;
      const rs = [record('d-1', 0), record('d-1', 1), camera, record('d-1', 2, { ts: iso(T0 - 5) }), record('d-2', 0)];
      const insert = old.prepare('INSERT INTO tl_readings (device, seq, ts, kind, record, leaf, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?)');
      rs.forEach((r, i) => insert.run(r.device, r.seq, r.ts, r.kind, canonicalJson(r), Buffer.from(readingLeafHash(r)), i < 2 ? 'b-1' : null));
      old.prepare('INSERT INTO tl_high_water (device, seq) VALUES (?, ?)').run('d-1', 2);
      old.prepare('INSERT INTO tl_batches (id, first_id, value) VALUES (?, ?, ?)').run('b-1', 1, JSON.stringify(batchRecord('b-1', 1, 2)));
      old.close();

      const store = new SqliteTelemetryStore(file);
      assert.deepEqual(await store.reading(1), { id: 1, record: rs[0], batchId: 'b-1' });
      assert.deepEqual(await store.reading(3), { id: 3, record: rs[2] });
      assert.equal((await store.latest('d-1'))!.id, 2, 'latest by device time, as before');
      assert.deepEqual((await store.segments('aa'.repeat(32))).map((r) => r.id), [3]);
      const ids = async (q: { from?: string; to?: string }) => (await store.readings({ device: 'd-1', limit: 10, ...q })).readings.map((r) => r.id);
      assert.deepEqual(await ids({ to: iso(T0 + 1) }), [1, 4], 'a reading that came late (id 4, older device time) is found before `to`');
      assert.deepEqual(await ids({ from: iso(T0 + 500) }), [2]);
      assert.deepEqual((await store.unbatched(10)).map((r) => r.id), [3, 4, 5]);
      assert.deepEqual(await store.append([record('d-1', 1), record('d-1', 3)]), [{ status: 'duplicate', id: 2 }, { status: 'stored', id: 6 }]);
      await assert.rejects(store.createBatch(batchRecord('b-2', 2, 4)), BatchConflict);
      await store.createBatch(batchRecord('b-2', 3, 6));
      assert.deepEqual(await store.unbatched(10), []);
      await store.close();
    } finally {
      tmp.remove();
    }
  });
});
