// Two gateway processes on the real Mosquitto (shared subscription) writing to one PostgreSQL, the batcher among
// them SIGKILLed mid-stream and restarted under the same name (its MQTT session keeps what the broker routed to
// it meanwhile). Every reading the broker acknowledged is stored exactly once, devices' retransmissions are
// duplicates, every reading is sealed into exactly one batch, every batch is anchored once, and the ledger audits
// clean. Children: test/scale/pg-gateway-child.ts; set-up: test/scale/pg-gateway-world.ts.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { batchRoot } from '../../iot-gateway/anchor/telemetry-batch.js';
import { PgTelemetryStore } from '../../iot-gateway/store/pg-telemetry-store.js';
import { storeSource } from '../../ledger/auditor/store-source.js';
import { auditLedger } from '../../ledger/auditor/verify-ledger.js';
import { toHex } from '../../ledger/encoding/bytes.js';
import { FastVerifier } from '../../ledger/crypto/ed25519-node.js';
import { LogSigner } from '../../ledger/pipeline/log-signer.js';
import { contractServices } from '../../server/system.js';
import { ORIGIN, testKey } from '../support/ledger-harness.js';
import { TEST_PG_URL } from '../support/pg.js';
import { openScaleWorld, type GatewayProc, type ScaleWorld } from './pg-gateway-world.js';

const MQTT_URL = process.env.LH_TEST_MQTT_URL || undefined;
const DEVICES = 4;
const PER_DEVICE = 80;
/** Each device retransmits this many of its first readings at the end (a device that lost its PUBACKs). */
const REPLAYS = 5;

async function eventually(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('Gateway processes on Mosquitto + PostgreSQL', function () {
  this.timeout(150_000); // child start-up (tsx) takes 5 s on an idle machine, 30 s under a load of 15
  before(function () {
    if (TEST_PG_URL === undefined || MQTT_URL === undefined) {
      console.log('      SKIPPED: set LH_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test and LH_TEST_MQTT_URL=mqtt://127.0.0.1:1883 to run the multi-gateway test');
      this.skip();
    }
  });

  it('When two gateways share the subscription and the batcher is SIGKILLed mid-stream, then every acknowledged reading is stored once, in exactly one anchored batch, and the ledger audits clean', async () => {
    const world: ScaleWorld = await openScaleWorld({ pgUrl: TEST_PG_URL!, mqttUrl: MQTT_URL!, devices: DEVICES });
    const observer = await PgTelemetryStore.open(world.schema.pool(2)); // reads only; never asks for the batcher lock
    try {
      const gws: GatewayProc[] = [world.startGateway('a', { batchMs: 150, batchMax: 100 }), world.startGateway('b', { batchMs: 150, batchMax: 100 })];
      await Promise.all(gws.map((g) => g.ready));
      const clients = await world.connectDevices();
      const sent = new Map<string, { topic: string; payload: string }>();
      const acked = new Set<string>();
      const stored = async (): Promise<{ total: number; unbatched: number; unanchored: number }> => {
        const { rows } = await observer.pool.query<{ total: number; unbatched: number; unanchored: number }>(`SELECT
          (SELECT count(*)::int FROM tl_readings) AS total, (SELECT count(*)::int FROM tl_readings WHERE batch_id IS NULL) AS unbatched,
          (SELECT count(*)::int FROM tl_batches WHERE anchor_index IS NULL) AS unanchored`);
        return rows[0]!;
      };

      const publishing = Promise.all(clients.map(async (c, i) => {
        const device = world.devices[i]!;
        for (let seq = 0; seq < PER_DEVICE; seq++) {
          const m = world.reading(device, seq);
          sent.set(`${device}/${seq}`, m);
          await c.publishAsync(m.topic, m.payload, { qos: 1 }); // resolves on the broker's PUBACK
          acked.add(`${device}/${seq}`);
          await sleep(20);
        }
      }));

      // Mid-stream: kill whichever gateway holds the batcher lock, once it has stored a share of the stream.
      await eventually(async () => gws.some((g) => g.stats?.batcher === true && g.stats.stored >= 40), 30_000, 'the batcher to store 40 readings');
      const victim = gws.find((g) => g.stats?.batcher === true)!;
      const survivor = gws.find((g) => g !== victim)!;
      victim.kill();
      const killedAt = (await stored()).total;
      assert.ok(killedAt < DEVICES * PER_DEVICE, 'killed mid-stream');
      await victim.exit;
      await eventually(async () => survivor.stats?.batcher === true, 5000, 'the survivor to take over batching');
      await sleep(1000); // the broker keeps routing the victim's share to its (offline) session meanwhile
      const revived = world.startGateway(victim.instance.split('-')[0]!, { batchMs: 150, batchMax: 100 });
      await revived.ready;
      await publishing;
      await Promise.all(clients.map(async (c, i) => {
        for (let seq = 0; seq < REPLAYS; seq++) {
          const m = sent.get(`${world.devices[i]}/${seq}`)!;
          await c.publishAsync(m.topic, m.payload, { qos: 1 }); // the same bytes again: a retransmission
        }
      }));
      await eventually(async () => {
        const s = await stored();
        return s.total === DEVICES * PER_DEVICE && s.unbatched === 0 && s.unanchored === 0;
      }, 40_000, 'every reading stored, sealed and anchored');
      const gotDuplicates = (): number => [survivor, revived].reduce((n, g) => n + (g.stats?.duplicates ?? 0), 0);
      await eventually(async () => gotDuplicates() >= DEVICES * REPLAYS, 20_000, 'the retransmissions to arrive');
      const finals = await Promise.all([survivor.stop(), revived.stop()]);

      // Stored exactly once: exactly the acknowledged (device, seq) pairs, each one row.
      assert.equal(acked.size, DEVICES * PER_DEVICE);
      const { rows } = await observer.pool.query<{ device: string; seq: number; batch_id: string | null }>('SELECT device, seq, batch_id FROM tl_readings');
      assert.equal(rows.length, acked.size);
      assert.deepEqual(new Set(rows.map((r) => `${r.device}/${r.seq}`)), acked);
      const duplicates = finals.reduce((n, s) => n + (s?.duplicates ?? 0), 0);
      assert.ok(duplicates >= DEVICES * REPLAYS, `retransmissions were duplicates (${duplicates})`);

      // Every reading in exactly one batch; every batch's root covers exactly its readings; one anchor per batch.
      const batches = (await observer.pool.query<{ id: string }>('SELECT id FROM tl_batches')).rows.map((r) => r.id);
      let inBatches = 0;
      const size = await world.store.size();
      const entries = await world.store.entries(0, size);
      for (const id of batches) {
        const b = (await observer.batch(id))!;
        const readings = await observer.batchReadings(id);
        assert.equal(readings.length, b.count, `${id}: count`);
        assert.equal(toHex(batchRoot(readings.map((r) => r.record))), b.root, `${id}: root`);
        assert.ok(b.anchor !== undefined, `${id} anchored`);
        assert.equal(entries[b.anchor.index]?.nonce, id, `${id}: its anchor entry`);
        inBatches += readings.length;
      }
      assert.equal(inBatches, rows.length, 'no reading in two batches, none in none');
      const anchors = entries.filter((e) => e.type === 'telemetry.anchor');
      assert.equal(anchors.length, batches.length, 'one anchor per batch, none twice');
      assert.equal(new Set(anchors.map((a) => a.nonce)).size, anchors.length);

      const fast = new FastVerifier();
      const report = await auditLedger(storeSource(world.store), {
        logKey: new LogSigner(ORIGIN, testKey('log').seed).verifierKey, verify: (s, m, k) => fast.verify(s, m, k), services: contractServices(),
      });
      assert.equal(report.ok, true, report.finding?.what);
      console.log(`      (${rows.length} readings, ${batches.length} batches; ${victim.instance} killed at ${killedAt} stored, `
        + `${survivor.instance} took over batching; duplicates ${duplicates})`);
    } finally {
      await observer.close();
      await world.close();
    }
  });
});
