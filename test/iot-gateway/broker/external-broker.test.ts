// Integration against a real external broker (Mosquitto) at LH_TEST_MQTT_URL; skipped when it is unset.
// Topics and the share group are unique to this run, and the gateway's session expires a minute after the test.
import assert from 'node:assert/strict';
import mqtt, { type MqttClient } from 'mqtt';
import { signReading } from '../../../iot-gateway/formats/telemetry-signing.js';
import { createGateway } from '../../../iot-gateway/index.js';
import { MemoryTelemetryStore } from '../../../iot-gateway/store/memory-telemetry-store.js';
import type { AppendResult, ReadingRecord } from '../../../iot-gateway/store/telemetry-store.js';
import { GATEWAY_ID } from '../../../server/system.js';
import { verifyReadingProof } from '../../../iot-gateway/reading-proof.js';
import { testKey } from '../../support/ledger-harness.js';
import { eventually, topicOf } from '../support/devices.js';
import { openGatewayWorld, silent, type GatewayWorld } from '../support/gateway-world.js';
import { signed, T0, weight } from '../support/readings.js';

const URL = process.env['LH_TEST_MQTT_URL'];
const run = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
const dev = `sx-${run}`;

describe('iot-gateway external broker (Mosquitto)', function () {
  this.timeout(20_000);
  let g: GatewayWorld;
  let publisher: MqttClient;

  before(async function () {
    if (URL === undefined) {
      console.log('      SKIPPED: set LH_TEST_MQTT_URL=mqtt://127.0.0.1:1883 to run the external-broker tests against Mosquitto');
      this.skip();
    }
    g = await openGatewayWorld({ mqttUrl: URL, shareGroup: `lh-test-${run}`, mqttSessionExpirySeconds: 60 });
    await g.w.registerDevice(dev, ['load-cell']);
    await g.restart({ mqttUrl: URL, shareGroup: `lh-test-${run}`, mqttSessionExpirySeconds: 60 });
    publisher = await mqtt.connectAsync(URL, { clientId: `lh-test-pub-${run}`, reconnectPeriod: 0 });
  });
  after(async () => {
    await publisher?.endAsync();
    await g?.close();
  });

  const stored = async (seq: number): Promise<boolean> =>
    (await g.gw.telemetry.readings({ device: dev, limit: 100 })).readings.some((r) => r.record.seq === seq);

  it('When a device publishes through the broker, then the gateway stores it (acking only then), anchors it and its proof verifies', async () => {
    await publisher.publishAsync(topicOf(dev), JSON.stringify(signed(weight(dev, 0, 42, T0))), { qos: 1 });
    await eventually(() => stored(0), 5000, 'reading stored');
    await g.gw.flush();
    const out = await g.gw.proof(1);
    assert.equal(out.status, 'ok');
    if (out.status === 'ok') assert.deepEqual(verifyReadingProof(out.proof, { logKey: g.w.h.signer.verifierKey }), { ok: true });
  });

  it('When the broker lets through an unknown device or a forged signature, then the gateway still refuses and counts them', async () => {
    const ghost = `sg-${run}`;
    await publisher.publishAsync(topicOf(ghost), JSON.stringify(signed(weight(ghost, 0, 1, T0))), { qos: 1 });
    await publisher.publishAsync(topicOf(dev), JSON.stringify(signReading(weight(dev, 1, 1, T0), testKey('mallory').seed)), { qos: 1 });
    await eventually(() => (g.gw.stats().rejected.SIGNATURE_INVALID ?? 0) >= 1 && (g.gw.stats().rejected.DEVICE_UNKNOWN ?? 0) >= 1, 5000, 'refusals');
    assert.equal(await stored(1), false, 'the forged reading was not stored');
    assert.equal(await g.gw.telemetry.highWater(ghost), undefined);
  });

  it('When the store fails, then nothing is acknowledged and the broker redelivers until the reading is stored', async () => {
    /** A real memory store whose disk is "full" for the first two writes (fault injection, not a mock). */
    class FullDisk extends MemoryTelemetryStore {
      failures = 2;
      override async append(records: readonly ReadingRecord[]): Promise<AppendResult[]> {
        if (this.failures-- > 0) throw new Error('SQLITE_FULL: database or disk is full');
        return super.append(records);
      }
    }
    const store = new FullDisk();
    const gw = await createGateway({
      telemetry: store, pipeline: g.w.h.pipeline, store: g.w.h.store, gateway: { id: GATEWAY_ID, seed: g.w.gateway.seed }, clock: g.w.h.clock,
      logger: silent, options: { mqttHost: '127.0.0.1', mqttPort: 0, mqttUrl: URL!, shareGroup: `lh-test-flaky-${run}`, mqttSessionExpirySeconds: 60, batchMs: 60_000, batchMax: 100 },
    });
    try {
      await publisher.publishAsync(topicOf(dev), JSON.stringify(signed(weight(dev, 5, 9, T0))), { qos: 1 });
      await eventually(async () => (await store.highWater(dev)) === 5, 10_000, 'stored after redelivery');
      assert.equal(gw.stats().rejected.STORE_FAILED, 2);
      assert.equal(gw.stats().stored, 1);
    } finally {
      await gw.close();
    }
  });

  it('When the gateway is away, then the broker keeps messages for its persistent session and delivers them on return', async () => {
    await g.gw.close({ anchor: false });
    await publisher.publishAsync(topicOf(dev), JSON.stringify(signed(weight(dev, 2, 7, T0))), { qos: 1 });
    await g.restart({ mqttUrl: URL, shareGroup: `lh-test-${run}`, mqttSessionExpirySeconds: 60 });
    await eventually(() => stored(2), 8000, 'queued reading delivered after the restart');
  });
});
