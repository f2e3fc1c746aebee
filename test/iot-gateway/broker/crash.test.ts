// Crash safety with a real SIGKILL: a child process runs the gateway; the device publishes QoS 1 readings; the
// child is killed mid-stream; the test process reopens the same file. Every reading that got a PUBACK is stored,
// every batch is anchored exactly once, and the device's retransmissions are duplicates.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { telemetryTopic } from '../../../iot-gateway/broker/topics.js';
import { tempDir } from '../../support/temp-dir.js';
import { connectDevice, endAll, publish } from '../support/devices.js';
import { CRASH_DEVICE, openFileSystem } from '../support/file-ledger.js';
import { signed, weight } from '../support/readings.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('iot-gateway crash safety (SIGKILL of a child process)', function () {
  this.timeout(60_000);
  const tmp = tempDir('lh-crash-');
  after(async () => {
    await endAll();
    tmp.remove();
  });

  it('When the gateway process is killed mid-stream, then acknowledged readings survive and are anchored exactly once after restart', async () => {
    const file = path.join(tmp.dir, 'ledgerhouse.db');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, '../support/gateway-child.ts'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
      });
      const { port } = JSON.parse(line) as { port: number };
      const dev = await connectDevice(port, CRASH_DEVICE, Date.now());
      const topic = telemetryTopic('wh-a', CRASH_DEVICE, 'telemetry');
      const msgs = Array.from({ length: 120 }, (_, s) => JSON.stringify(signed(weight(CRASH_DEVICE, s, 1000 - s, Date.now()))));
      const acked: number[] = [];
      let killed = false;
      await Promise.all(msgs.map(async (m, s) => {
        if ((await publish(dev, topic, m)) !== 'acked') return;
        acked.push(s);
        if (acked.length === 40) killed = child.kill('SIGKILL'); // mid-stream: ~80 still in flight
      }));
      assert.ok(killed);
      assert.ok(acked.length > 0, 'some readings were acknowledged before the kill');
      await new Promise((r) => (child.exitCode === null && child.signalCode === null ? child.once('exit', r) : r(undefined)));
      await endAll();

      const sys = await openFileSystem(file, 60_000);
      try {
        for (const s of acked) {
          const page = await sys.gw.telemetry.readings({ device: CRASH_DEVICE, limit: 1000 });
          assert.ok(page.readings.some((r) => r.record.seq === s), `acked seq ${s} is stored`);
        }
        const again = await connectDevice(sys.gw.mqttPort, CRASH_DEVICE, Date.now());
        assert.deepEqual(new Set(await Promise.all(msgs.map((m) => publish(again, topic, m)))), new Set(['acked']));
        await sys.gw.flush();
        const stored = (await sys.gw.telemetry.readings({ device: CRASH_DEVICE, limit: 1000 })).readings;
        assert.equal(stored.length, 120, 'every reading stored once');
        assert.equal(sys.gw.stats().duplicates + sys.gw.stats().stored, 120);
        assert.ok(sys.gw.stats().duplicates >= acked.length, 'retransmissions of stored readings are duplicates');
        const anchors = (await sys.store.entries(0, sys.pipeline.size)).filter((e) => e.type === 'telemetry.anchor');
        const batchIds = new Set(stored.map((r) => r.batchId));
        assert.ok(!batchIds.has(undefined), 'every reading is in a batch');
        assert.equal(anchors.length, batchIds.size, 'one anchor per batch');
        assert.equal(new Set(anchors.map((a) => a.nonce)).size, anchors.length);
        for (const id of batchIds) assert.ok((await sys.gw.telemetry.batch(id!))!.anchor, `${id} anchored`);
      } finally {
        await endAll();
        await sys.close();
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
