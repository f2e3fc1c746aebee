// Integration: embedded aedes on port 0, real mqtt.js device clients, telemetry in SQLite on a temp file, a real
// ledger. Each misbehaviour gets its documented outcome and counter while a well-behaved device keeps being served.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { MqttClient } from 'mqtt';
import { createGateway } from '../../../iot-gateway/index.js';
import { PortInUseError } from '../../../iot-gateway/broker/embedded-broker.js';
import { LIMITS } from '../../../iot-gateway/formats/telemetry-message.js';
import { signReading } from '../../../iot-gateway/formats/telemetry-signing.js';
import { verifyReadingProof } from '../../../iot-gateway/reading-proof.js';
import { MemoryTelemetryStore } from '../../../iot-gateway/store/memory-telemetry-store.js';
import { GATEWAY_ID } from '../../../server/system.js';
import { testKey } from '../../support/ledger-harness.js';
import { connectDevice, endAll, eventually, publish, topicOf } from '../support/devices.js';
import { openGatewayWorld, silent, type GatewayWorld } from '../support/gateway-world.js';
import { iso, signed, T0, weight } from '../support/readings.js';

describe('iot-gateway embedded broker: intake end to end', function () {
  this.timeout(15_000);
  let g: GatewayWorld;
  let good: MqttClient;
  let goodSeq = 0;

  /** The well-behaved device publishes one more reading and must get its PUBACK. */
  async function stillServed(): Promise<void> {
    goodSeq++;
    assert.equal(await publish(good, topicOf('scale-1'), JSON.stringify(signed(weight('scale-1', goodSeq, 500, T0 + goodSeq)))), 'acked');
  }

  before(async () => {
    g = await openGatewayWorld();
    await g.w.registerDevice('scale-1', ['load-cell']);
    await g.w.registerDevice('scale-2', ['load-cell']);
    await g.w.registerDevice('old-1', ['load-cell']);
    await g.w.revokeDevice('old-1');
    await new Promise((r) => setTimeout(r, 20)); // device directory refresh from the commit stream
    good = await connectDevice(g.gw.mqttPort, 'scale-1', T0);
  });
  after(async () => {
    await g.close();
  });

  it('When a registered device publishes QoS 1, then PUBACK follows the durable store, and the anchored reading has a proof that verifies', async () => {
    const msg = signed(weight('scale-1', 0, 1234.5, T0));
    assert.equal(await publish(good, topicOf('scale-1'), JSON.stringify(msg)), 'acked');
    const stored = await g.gw.telemetry.reading(1);
    assert.equal(stored?.record.seq, 0, 'stored before the PUBACK was sent');
    assert.equal(stored?.record.receivedAt, iso(T0));
    await g.gw.flush();
    const out = await g.gw.proof(1);
    assert.equal(out.status, 'ok');
    if (out.status !== 'ok') return;
    assert.deepEqual(verifyReadingProof(out.proof, { logKey: g.w.h.signer.verifierKey }), { ok: true });
    assert.equal(g.gw.stats().batchesAnchored, 1);
  });

  it('When a payload is malformed JSON, then it is acknowledged, dropped and counted', async () => {
    assert.equal(await publish(good, topicOf('scale-1'), '{"device": "scale-1", '), 'acked');
    assert.equal(g.gw.stats().rejected.TELEMETRY_MALFORMED, 1);
    await stillServed();
  });

  it('When a reading is replayed, then it is acknowledged and dropped as a duplicate', async () => {
    const before = g.gw.stats();
    assert.equal(await publish(good, topicOf('scale-1'), JSON.stringify(signed(weight('scale-1', 0, 1234.5, T0)))), 'acked');
    assert.equal(g.gw.stats().duplicates, before.duplicates + 1);
    assert.equal(g.gw.stats().stored, before.stored);
  });

  it('When a signature is forged, then it is acknowledged, dropped and counted SIGNATURE_INVALID', async () => {
    const forged = signReading(weight('scale-1', 99, 1, T0), testKey('mallory').seed);
    assert.equal(await publish(good, topicOf('scale-1'), JSON.stringify(forged)), 'acked');
    assert.equal(g.gw.stats().rejected.SIGNATURE_INVALID, 1);
    assert.equal(await g.gw.telemetry.highWater('scale-1'), goodSeq);
    await stillServed();
  });

  it('When a packet is larger than the limit, then the connection is dropped before it is buffered, and counted', async () => {
    const big = await connectDevice(g.gw.mqttPort, 'scale-2', T0);
    assert.equal(await publish(big, topicOf('scale-2'), new Uint8Array(LIMITS.maxPayloadBytes + 2048)), 'closed');
    assert.equal(g.gw.stats().oversizePackets, 1);
    await stillServed();
  });

  it('When a device publishes on another device\'s topic, then its connection is closed and counted', async () => {
    const rogue = await connectDevice(g.gw.mqttPort, 'scale-2', T0);
    assert.equal(await publish(rogue, topicOf('scale-1'), JSON.stringify(signed(weight('scale-1', 50, 1)))), 'closed');
    assert.equal(g.gw.stats().aclDenied, 1);
    await stillServed();
  });

  it('When a device subscribes, then only its own cmd topic is granted', async () => {
    const c = await connectDevice(g.gw.mqttPort, 'scale-2', T0);
    const own = await c.subscribeAsync('lh/v1/wh-a/scale-2/cmd', { qos: 1 });
    assert.equal(own[0]!.qos, 1);
    await assert.rejects(c.subscribeAsync('lh/v1/wh-a/+/telemetry', { qos: 1 }),
      (e: { packet?: { granted?: number[] } }) => e.packet?.granted?.[0] === 128); // SUBACK failure [MQTT-3.9.3]
    assert.equal(g.gw.stats().subscribeDenied, 1);
  });

  it('When an unknown or revoked device connects, then CONNACK 5; a stale token 4; an empty client id 2', async () => {
    await assert.rejects(connectDevice(g.gw.mqttPort, 'ghost-1', T0), (e: { code?: number }) => e.code === 5);
    await assert.rejects(connectDevice(g.gw.mqttPort, 'old-1', T0), (e: { code?: number }) => e.code === 5);
    await assert.rejects(connectDevice(g.gw.mqttPort, 'scale-2', T0, { tokenMs: T0 - 5 * 60_000 - 1 }), (e: { code?: number }) => e.code === 4);
    await assert.rejects(connectDevice(g.gw.mqttPort, 'scale-2', T0, { clientId: '' }), (e: { code?: number }) => e.code === 2);
    assert.deepEqual(g.gw.stats().connectRefused, { 2: 1, 4: 1, 5: 2 });
    await stillServed();
  });

  it('When a connected device is revoked on the ledger, then it is disconnected', async () => {
    await g.w.registerDevice('scale-3', ['load-cell']);
    await new Promise((r) => setTimeout(r, 20));
    const c = await connectDevice(g.gw.mqttPort, 'scale-3', T0);
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    await g.w.revokeDevice('scale-3');
    await closed;
    await stillServed();
  });

  it('When one client floods QoS 0 at 10× its rate, then the gateway survives, drops the excess, and others still get PUBACKs', async () => {
    const flood = await connectDevice(g.gw.mqttPort, 'scale-2', T0);
    const payload = Buffer.from(JSON.stringify(signed(weight('scale-2', 1, 1))));
    for (let i = 0; i < 2000; i++) flood.publish(topicOf('scale-2'), payload, { qos: 0 });
    await stillServed();
    await eventually(() => (g.gw.stats().rejected.RATE_LIMITED ?? 0) > 1000, 5000, 'rate limiting');
    await stillServed();
  });
});

describe('iot-gateway embedded broker: startup', () => {
  it('When the MQTT port is taken, then startup fails with an error naming the port and LH_MQTT_PORT', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as AddressInfo).port;
    const g = await openGatewayWorld();
    try {
      await assert.rejects(createGateway({
        telemetry: new MemoryTelemetryStore(), pipeline: g.w.h.pipeline, store: g.w.h.store, gateway: { id: GATEWAY_ID, seed: g.w.gateway.seed },
        clock: g.w.h.clock, logger: silent, options: { mqttHost: '127.0.0.1', mqttPort: port, batchMs: 1000, batchMax: 10 },
      }), (e: Error) => e instanceof PortInUseError && e.message.includes(String(port)) && e.message.includes('LH_MQTT_PORT'));
    } finally {
      await new Promise((r) => blocker.close(r));
      await g.close();
      await endAll();
    }
  });
});
