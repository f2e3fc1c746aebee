// Crash safety of a whole node with the gateway in its own thread (the default): a child process runs the node,
// a device publishes QoS 1 readings, the child is killed with SIGKILL mid-stream, and the test process starts a
// node on the same data directory. Every reading that got a PUBACK is stored, every batch is anchored exactly once
// (the anchors cross from the gateway thread to the one sequencer on the main thread), and the device's
// retransmissions are duplicates. And a graceful close mid-stream: what was acknowledged is anchored before the
// node stops.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { telemetryTopic } from '../../../iot-gateway/broker/topics.js';
import { systemClock } from '../../../ledger/clock.js';
import { SqliteTelemetryStore } from '../../../iot-gateway/store/sqlite-telemetry-store.js';
import { openSqlite } from '../../../ledger/store/sqlite-database.js';
import { SqliteLedgerStore } from '../../../ledger/store/sqlite-ledger-store.js';
import { startSystem } from '../../../server/system.js';
import { connectDevice, endAll, publish } from '../../iot-gateway/support/devices.js';
import { signed, weight } from '../../iot-gateway/support/readings.js';
import { registerWarehouseDevice } from '../../support/ledger-harness.js';
import { tempDir } from '../../support/temp-dir.js';
import { threadedNodeConfig } from './node-config.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const WAREHOUSE = 'wh-crash';
const DEVICE = 'scale-crash';

describe('A whole node with the gateway in its own thread, stopped while readings stream in', function () {
  this.timeout(60_000);
  const killed = tempDir('lh-node-crash-');
  const closed = tempDir('lh-node-close-');
  after(async () => {
    await endAll();
    killed.remove();
    closed.remove();
  });

  it('When the node is killed while readings stream in, then after a restart every acknowledged reading is stored once and every batch anchored once', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'node-child.ts'), killed.dir, WAREHOUSE, DEVICE], { stdio: ['ignore', 'pipe', 'inherit'] });
    const msgs = Array.from({ length: 120 }, (_, s) => JSON.stringify(signed(weight(DEVICE, s, 1000 - s, Date.now()))));
    const topic = telemetryTopic(WAREHOUSE, DEVICE, 'telemetry');
    const acked: number[] = [];
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`node child exited with ${code}`)));
      });
      const { port } = JSON.parse(line) as { port: number };
      const dev = await connectDevice(port, DEVICE, Date.now());
      let killed = false;
      await Promise.all(msgs.map(async (m, s) => {
        if ((await publish(dev, topic, m)) !== 'acked') return;
        acked.push(s);
        if (acked.length === 40) killed = child.kill('SIGKILL'); // mid-stream: ~80 still in flight
      }));
      assert.ok(killed, 'the node was killed mid-stream');
      await new Promise((r) => (child.exitCode === null && child.signalCode === null ? child.once('exit', r) : r(undefined)));
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await endAll();
    }

    const system = await startSystem(threadedNodeConfig(killed.dir, { LH_BATCH_MS: '25' }), systemClock);
    try {
      const before = (await system.gateway.telemetry.readings({ device: DEVICE, limit: 1000 })).readings;
      for (const s of acked) assert.ok(before.some((r) => r.record.seq === s), `acknowledged seq ${s} is stored`);
      const again = await connectDevice(system.mqttPort, DEVICE, Date.now());
      assert.deepEqual(new Set(await Promise.all(msgs.map((m) => publish(again, topic, m)))), new Set(['acked']));
      await system.gateway.flush();
      const stored = (await system.gateway.telemetry.readings({ device: DEVICE, limit: 1000 })).readings;
      assert.equal(stored.length, 120, 'every reading stored once');
      assert.deepEqual(stored.map((r) => r.record.seq), msgs.map((_, s) => s));
      assert.ok(system.gateway.stats().duplicates >= acked.length, 'retransmissions of stored readings are duplicates');
      const anchors = (await system.store.entries(0, system.pipeline.size)).filter((e) => e.type === 'telemetry.anchor');
      const batchIds = new Set(stored.map((r) => r.batchId));
      assert.ok(!batchIds.has(undefined), 'every reading is in a batch');
      assert.equal(anchors.length, batchIds.size, 'one anchor per batch');
      assert.equal(new Set(anchors.map((a) => a.nonce)).size, anchors.length, 'no anchor twice');
      for (const id of batchIds) assert.ok((await system.gateway.telemetry.batch(id!))?.anchor, `batch ${id} anchored`);
    } finally {
      await endAll();
      await system.close();
    }
  });

  it('When the node is closed mid-stream, then every acknowledged reading was stored and anchored before it stopped, with no retransmission needed', async () => {
    const first = await startSystem(threadedNodeConfig(closed.dir, { LH_BATCH_MS: '1000' }), systemClock);
    const acked: number[] = [];
    let closing: Promise<void> | undefined;
    try {
      await registerWarehouseDevice(first, WAREHOUSE, DEVICE);
      const dev = await connectDevice(first.mqttPort, DEVICE, Date.now());
      const topic = telemetryTopic(WAREHOUSE, DEVICE, 'telemetry');
      await Promise.all(Array.from({ length: 120 }, async (_, s) => {
        if ((await publish(dev, topic, JSON.stringify(signed(weight(DEVICE, s, 1000 - s, Date.now()))))) !== 'acked') return;
        acked.push(s);
        if (acked.length === 40) closing = first.close(); // batches wait up to 1 s: the close must anchor them itself
      }));
      assert.ok(closing !== undefined, 'the node was closed mid-stream');
    } finally {
      await endAll();
      await (closing ?? first.close());
    }

    // Read the file as the node left it, before anything starts on it again (a new node would anchor what is left).
    const db = openSqlite(path.join(closed.dir, 'ledgerhouse.db'));
    const store = new SqliteLedgerStore(db);
    const telemetry = new SqliteTelemetryStore(db);
    try {
      const stored = (await telemetry.readings({ device: DEVICE, limit: 1000 })).readings;
      for (const s of acked) assert.ok(stored.some((r) => r.record.seq === s), `acknowledged seq ${s} is stored`);
      const anchors = (await store.entries(0, await store.size())).filter((e) => e.type === 'telemetry.anchor');
      const batchIds = new Set(stored.map((r) => r.batchId));
      assert.ok(!batchIds.has(undefined), 'every stored reading was sealed into a batch before the node stopped');
      assert.equal(anchors.length, batchIds.size, 'and every batch was anchored once');
      for (const id of batchIds) assert.ok((await telemetry.batch(id!))?.anchor, `batch ${id} anchored`);
    } finally {
      db.close();
    }
  });
});
