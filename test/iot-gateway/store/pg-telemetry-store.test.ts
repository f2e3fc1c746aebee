// PgTelemetryStore against the real PostgreSQL at LH_TEST_PG_URL (a fresh schema per test): the shared conformance
// suite, then what several gateways sharing one store need — one copy per (device, seq) under concurrent appends,
// one batcher at a time with takeover, contiguous batches across id holes — and bad input.
import assert from 'node:assert/strict';
import { PgTelemetryStore } from '../../../iot-gateway/store/pg-telemetry-store.js';
import type { BatchRecord, StoredReading } from '../../../iot-gateway/store/telemetry-store.js';
import { sealBatch } from '../../../iot-gateway/anchor/telemetry-batch.js';
import { createTestSchema, describePg, type TestSchema } from '../../support/pg.js';
import { testKey } from '../../support/ledger-harness.js';
import { record, iso, T0 } from '../support/readings.js';
import { telemetryStoreConformance } from './telemetry-store-conformance.js';

const seal = (readings: StoredReading[]): BatchRecord =>
  sealBatch({ instance: 't', gateway: { id: 'gateway', seed: testKey('gateway').seed }, readings, now: iso(T0) });

describePg('PgTelemetryStore', (url) => {
  telemetryStoreConformance('PostgreSQL (fresh schema)', async () => {
    const schema = await createTestSchema(url);
    let store = await PgTelemetryStore.open(schema.pool(3));
    return {
      store,
      async reopen() {
        await store.close();
        store = await PgTelemetryStore.open(schema.pool(3));
        return store;
      },
      async cleanup() {
        await store.close();
        await schema.drop();
      },
    };
  });

  describe('several gateways on one store', () => {
    let schema: TestSchema;
    let a: PgTelemetryStore;
    let b: PgTelemetryStore;
    beforeEach(async () => {
      schema = await createTestSchema(url);
      a = await PgTelemetryStore.open(schema.pool(3), { instance: 'gw-a', batcherRetryMs: 0 });
      b = await PgTelemetryStore.open(schema.pool(3), { instance: 'gw-b', batcherRetryMs: 0 });
    });
    afterEach(async () => {
      await a.close();
      await b.close();
      await schema.drop();
    });

    it('When two gateways append overlapping readings at the same moment, then each (device, seq) is stored once and the other copy is a duplicate naming it', async () => {
      for (let round = 0; round < 5; round++) {
        const rs = [0, 1, 2, 3].map((s) => record(`d-${round}`, s));
        const [ra, rb] = await Promise.all([a.append(rs), b.append([...rs].reverse())]);
        for (let i = 0; i < rs.length; i++) {
          const x = ra[i]!;
          const y = rb[rs.length - 1 - i]!;
          assert.deepEqual([x.status, y.status].sort(), ['duplicate', 'stored'], `seq ${i} stored by exactly one gateway`);
          assert.equal(x.id, y.id, 'both name the one stored row');
        }
        assert.equal((await a.readings({ device: `d-${round}`, limit: 10 })).readings.length, 4);
      }
    });

    it('When gateways interleave one device\'s readings, then the high-water mark is the largest stored seq and never goes back', async () => {
      await a.append([record('d-1', 5)]);
      await b.append([record('d-1', 3)]);
      assert.equal(await b.highWater('d-1'), 5);
      assert.deepEqual((await a.append([record('d-1', 3)]))[0], { status: 'duplicate', id: 2 });
    });

    it('When both ask for work, then only the batcher-lock holder sees unbatched readings and unanchored batches; when it closes, the other takes over', async () => {
      await a.append([0, 1, 2].map((s) => record('d-1', s)));
      assert.equal((await a.unbatched(10)).length, 3, 'a took the lock first');
      assert.deepEqual(await b.unbatched(10), []);
      await a.createBatch(seal((await a.unbatched(2))));
      assert.deepEqual(await b.unanchoredBatches(), []);
      assert.equal(await b.isBatcher(), false);
      await a.close();
      assert.equal(await b.isBatcher(), true, 'the lock was freed with a\'s session');
      assert.deepEqual((await b.unanchoredBatches()).map((x) => [x.firstId, x.lastId]), [[1, 2]]);
      assert.deepEqual((await b.unbatched(10)).map((r) => r.id), [3]);
    });

    it('When an id is skipped (a rolled-back append), then unbatched stops before the hole and the rest seals into the next batch', async () => {
      await a.append([record('d-1', 0), record('d-1', 1)]);
      await schema.pool(1).query("SELECT nextval(pg_get_serial_sequence('tl_readings', 'id'))");
      await a.append([record('d-1', 2)]);
      const first = await a.unbatched(10);
      assert.deepEqual(first.map((r) => r.id), [1, 2]);
      await a.createBatch(seal(first));
      const next = await a.unbatched(10);
      assert.deepEqual(next.map((r) => r.id), [4]);
      await a.createBatch(seal(next));
      assert.deepEqual(await a.unbatched(10), []);
    });

    it('When a stale batcher seals readings its successor already sealed, then BatchConflict and no reading is in two batches', async () => {
      await a.append([0, 1, 2].map((s) => record('d-1', s)));
      const seen = await a.unbatched(10);
      await a.close();
      const mine = await b.unbatched(10);
      await b.createBatch(seal(mine));
      await assert.rejects(b.createBatch({ ...seal(seen), id: 'tb-stale-1' }), { name: 'BatchConflict' });
      assert.equal(await b.batch('tb-stale-1'), undefined);
      assert.deepEqual(new Set((await b.batchReadings(seal(mine).id)).map((r) => r.id)), new Set([1, 2, 3]));
    });
  });

  describe('bad input', () => {
    let schema: TestSchema;
    beforeEach(async () => {
      schema = await createTestSchema(url);
    });
    afterEach(async () => {
      await schema.drop();
    });

    it('When the instance name is not a lowercase name, then TypeError naming it, before touching the database', async () => {
      await assert.rejects(PgTelemetryStore.open(schema.pool(1), { instance: 'Gateway A' }), { name: 'TypeError', message: /instance: expected/ });
      await assert.rejects(PgTelemetryStore.open(schema.pool(1), { batcherRetryMs: -1 }), { name: 'RangeError', message: /batcherRetryMs/ });
    });

    it('When an append carries a negative seq, then RangeError and none of its readings is stored', async () => {
      const store = await PgTelemetryStore.open(schema.pool(2));
      try {
        await assert.rejects(store.append([record('d-1', 0), { ...record('d-1', 1), seq: -1 }]), { name: 'RangeError', message: /seq/ });
        assert.equal(await store.highWater('d-1'), undefined);
        assert.deepEqual(await store.append([record('d-1', 0)]), [{ status: 'stored', id: 1 }]);
      } finally {
        await store.close();
      }
    });

    it('When the schema is not migrated and migrate is false, then a clear error says to migrate first', async () => {
      await assert.rejects(PgTelemetryStore.open(schema.pool(1), { migrate: false }), /schema 'telemetry' is at version 0/);
    });
  });
});
