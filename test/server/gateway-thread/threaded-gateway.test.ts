// A whole node (LH_ROLE=all) with the gateway in its own thread (LH_GATEWAY_THREAD=true): real aedes in
// the thread, real mqtt.js devices, SQLite on a temp dir shared by both threads' connections.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { telemetryTopic } from '../../../iot-gateway/broker/topics.js';
import { signReading } from '../../../iot-gateway/formats/telemetry-signing.js';
import { PortInUseError, verifyReadingProof, type GatewayEventMap } from '../../../iot-gateway/index.js';
import { systemClock } from '../../../ledger/clock.js';
import { LogSigner } from '../../../ledger/pipeline/log-signer.js';
import { startSystem, type System } from '../../../server/system.js';
import { connectDevice, endAll, publish } from '../../iot-gateway/support/devices.js';
import { registerWarehouseDevice, testKey } from '../../support/ledger-harness.js';
import { createTestSchema, describePg } from '../../support/pg.js';
import { tempDir } from '../../support/temp-dir.js';
import { threadedNodeConfig } from './node-config.js';

/** A load-cell reading of `device`, signed with its test key, as a device publishes it. */
const signedWeight = (device: string, seq: number): string =>
  JSON.stringify(signReading({ device, seq, ts: new Date().toISOString(), kind: 'load-cell', values: { kg: 100 + seq } }, testKey(device).seed));


describe('The gateway in its own thread (server/gateway-thread)', function () {
  this.timeout(30_000);
  const data = tempDir('lh-gwthread-');
  let system: System;
  const device = 'scale-t1';
  const warehouse = 'wh-thread';

  before(async () => {
    system = await startSystem(threadedNodeConfig(data.dir), systemClock);
    await registerWarehouseDevice(system, warehouse, device);
  });
  after(async () => {
    await endAll();
    await system?.close();
    data.remove();
  });


  it('When a device registered on the main thread publishes, then the thread stores and anchors its readings through the one sequencer, and events, counters and proofs reach the main thread', async () => {
    const seen: GatewayEventMap['reading'][] = [];
    const anchored: GatewayEventMap['anchored'][] = [];
    const offReading = system.gateway.on('reading', (e) => seen.push(e));
    const offAnchored = system.gateway.on('anchored', (e) => anchored.push(e));
    const c = await connectDevice(system.mqttPort, device, Date.now());
    const topic = telemetryTopic(warehouse, device, 'telemetry');
    for (let seq = 0; seq < 5; seq++) assert.equal(await publish(c, topic, signedWeight(device, seq)), 'acked');
    await system.gateway.flush();
    offReading();
    offAnchored();
    assert.deepEqual(seen.map((e) => e.record.seq), [0, 1, 2, 3, 4]);
    assert.equal(system.gateway.stats().stored, 5);
    assert.equal(anchored.reduce((n, a) => n + a.readings, 0), 5);
    // The anchor is an entry of the main thread's log, and the API's own connection reads the readings.
    const entry = (await system.store.entries(anchored[0]!.index, anchored[0]!.index + 1))[0]!;
    assert.match(new TextDecoder().decode(entry.leaf), /"telemetry\.anchor"/);
    const latest = await system.gateway.telemetry.latest(device);
    assert.equal(latest?.record.seq, 4);
    const proof = await system.gateway.proof(seen[4]!.id);
    assert.equal(proof.status, 'ok');
    const logKey = new LogSigner(system.config.origin, system.keys.log.seed).verifierKey;
    if (proof.status === 'ok') assert.deepEqual(verifyReadingProof(proof.proof, { logKey }), { ok: true });
  });

  it('When the MQTT port is taken, then the node does not start and says which port, as it does with the gateway on the main thread', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const other = tempDir('lh-gwthread-port-');
    try {
      await assert.rejects(startSystem(threadedNodeConfig(other.dir, { LH_MQTT_PORT: String(port) }), systemClock), (e: unknown) => e instanceof PortInUseError && e.port === port);
    } finally {
      blocker.close();
      other.remove();
    }
  });
});

describePg('The gateway in its own thread on PostgreSQL (LH_ROLE=all with LH_DATABASE_URL)', (url) => {
  it('When a device publishes, then the thread stores its readings in PostgreSQL and anchors them through the main thread, and the API reads them', async function () {
    this.timeout(60_000);
    const schema = await createTestSchema(url);
    const data = tempDir('lh-gwthread-pg-');
    const device = 'scale-pg1';
    const warehouse = 'wh-thread-pg';
    let system: System | undefined;
    try {
      const databaseUrl = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema.name}`)}`;
      system = await startSystem(threadedNodeConfig(data.dir, { LH_DATABASE_URL: databaseUrl }), systemClock);
      await registerWarehouseDevice(system, warehouse, device);
      const anchored: GatewayEventMap['anchored'][] = [];
      const off = system.gateway.on('anchored', (e) => anchored.push(e));
      const c = await connectDevice(system.mqttPort, device, Date.now());
      const topic = telemetryTopic(warehouse, device, 'telemetry');
      for (let seq = 0; seq < 3; seq++) assert.equal(await publish(c, topic, signedWeight(device, seq)), 'acked');
      await system.gateway.flush();
      off();
      assert.equal(anchored.reduce((n, a) => n + a.readings, 0), 3);
      const { rows } = await schema.pool(1).query<{ n: string }>('SELECT count(*) AS n FROM tl_readings');
      assert.equal(Number(rows[0]!.n), 3, 'the readings are in the PostgreSQL schema');
      assert.equal((await system.gateway.telemetry.latest(device))?.record.seq, 2);
    } finally {
      await endAll();
      await system?.close();
      data.remove();
      await schema.drop();
    }
  });
});
