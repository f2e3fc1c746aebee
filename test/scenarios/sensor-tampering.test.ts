// Scenario 5: sensor tampering. See docs/scenarios.md.
import assert from 'node:assert/strict';
import { makeDeviceToken, signReading } from '../../iot-gateway/index.js';
import type { Reading } from '../../iot-gateway/formats/telemetry-message.js';
import { testKey, type TestKey } from '../support/ledger-harness.js';
import { connectMqtt, Device, registerDevice } from './support/devices.js';
import { lotOf } from './support/goods.js';
import { eventually, nowIso, startWorld, type World } from './support/world.js';

describe('Scenario: someone tampers with the warehouse sensors', function () {
  this.timeout(60_000);
  let w: World;
  let warehouse: TestKey;
  let whToken: string;
  // The gateway runs in its own thread: flush() waits for what it has taken in and brings its counters up to date.
  const gatewayStats = async () => {
    await w.system.gateway.flush();
    return w.system.gateway.stats();
  };
  let scale: Device;
  const l = lotOf('lot-tamper');

  const readingsOf = async (device: string) =>
    (await w.get<{ readings: { seq: number; values: { kg: number } }[] }>(`/v1/telemetry?device=${device}`, whToken)).body.readings;
  /** Rejected telemetry in /metrics, summed over codes, or for one code. */
  const rejectedInMetrics = async (code?: string): Promise<number> => {
    const text = (await w.get('/metrics')).body as unknown as string;
    return text
      .split('\n')
      .filter((x) => x.startsWith('ledgerhouse_telemetry_readings_total{outcome="rejected"') && (code === undefined || x.includes(`code="${code}"`)))
      .reduce((sum, x) => sum + Number(x.split(' ').pop()), 0);
  };

  before(async () => {
    w = await startWorld();
    warehouse = await w.party('wh-tamper', 'warehouse');
    whToken = await w.token(warehouse.id);
    scale = await registerDevice(w, warehouse, 'scale-t', ['load-cell'], l.site, l.lot);
    await scale.connect(w.system.mqttPort);
    assert.equal(await scale.send('load-cell', { values: { kg: 1000 } }), 'acked');
  });
  after(async () => {
    await scale.end();
    await w.close();
  });

  it('When a device that was never registered connects, then the broker refuses it (CONNACK 5) and the refusal is counted', async () => {
    const before = (await gatewayStats()).connectRefused['5'] ?? 0;
    const rogue = testKey('rogue-scale');
    await assert.rejects(connectMqtt(w.system.mqttPort, 'rogue-scale', makeDeviceToken('rogue-scale', Date.now(), rogue.seed)), (e: { code?: number }) => e.code === 5);
    assert.equal((await gatewayStats()).connectRefused['5'], before + 1);
    const unknown = await w.get('/v1/telemetry?device=rogue-scale', whToken);
    assert.equal(unknown.status, 404);
  });

  it('When a captured reading is replayed, then it is acknowledged and dropped as a duplicate: one reading in the evidence', async () => {
    const original = signReading({ device: scale.id, seq: scale.seq++, ts: nowIso(), kind: 'load-cell', values: { kg: 1001 } } as Reading, scale.key.seed);
    assert.equal(await scale.publishRaw(original), 'acked');
    const dupBefore = (await gatewayStats()).duplicates;
    assert.equal(await scale.publishRaw(original), 'acked');
    assert.equal((await gatewayStats()).duplicates, dupBefore + 1);
    assert.equal((await readingsOf(scale.id)).filter((r) => r.seq === original.seq).length, 1);
  });

  it('When a reading is forged (signed by another key) or timed far in the past, then it never reaches the evidence and each refusal is counted by code and in /metrics', async () => {
    const stats0 = (await gatewayStats());
    const metrics0 = await rejectedInMetrics();
    const forgedSeq = scale.seq;
    assert.equal(await scale.send('load-cell', { values: { kg: 5000 } }, { seed: testKey('impostor').seed }), 'acked');
    const staleSeq = scale.seq;
    assert.equal(await scale.send('load-cell', { values: { kg: 4000 } }, { tsMs: Date.now() - 3 * 86_400_000 }), 'acked');
    const stats = (await gatewayStats());
    assert.equal(stats.rejected.SIGNATURE_INVALID, (stats0.rejected.SIGNATURE_INVALID ?? 0) + 1);
    assert.equal(stats.rejected.TIME_SKEW, (stats0.rejected.TIME_SKEW ?? 0) + 1);
    assert.equal(await rejectedInMetrics(), metrics0 + 2);
    assert.ok((await rejectedInMetrics('SIGNATURE_INVALID')) >= 1);
    assert.ok((await rejectedInMetrics('TIME_SKEW')) >= 1);
    const stored = await readingsOf(scale.id);
    assert.ok(!stored.some((r) => r.seq === forgedSeq || r.seq === staleSeq));
    assert.ok(stored.every((r) => r.values.kg < 2000), JSON.stringify(stored));
  });

  it('When the warehouse revokes a device, then it is disconnected at once, cannot reconnect (CONNACK 5) and nothing it sends is stored', async () => {
    const before = (await readingsOf(scale.id)).length;
    const refused0 = (await gatewayStats()).connectRefused['5'] ?? 0;
    await w.commit('device.revoke', { device: scale.id, reason: 'seal broken on inspection' }, [warehouse]);
    await eventually(() => scale.client?.connected === false, 3000, 'the revoked device to be disconnected');
    assert.equal(await scale.send('load-cell', { values: { kg: 999 } }), 'closed');
    await scale.end();
    await assert.rejects(scale.connect(w.system.mqttPort), (e: { code?: number }) => e.code === 5);
    assert.equal((await gatewayStats()).connectRefused['5'], refused0 + 1);
    assert.equal((await readingsOf(scale.id)).length, before);
  });
});
