// One conformance suite for every MqttSource adapter (embedded aedes, external broker client): the same device
// traffic must have the same outcome through either. A harness says how a device reaches the broker.
import assert from 'node:assert/strict';
import type { MqttClient } from 'mqtt';
import { signReading } from '../../../iot-gateway/formats/telemetry-signing.js';
import { testKey } from '../../support/ledger-harness.js';
import { eventually, publish, topicOf } from '../support/devices.js';
import type { GatewayWorld } from '../support/gateway-world.js';
import { batchOf, iso, signed, T0, weight } from '../support/readings.js';

export interface SourceHarness {
  readonly g: GatewayWorld;
  /** A connected MQTT client that may publish as `device`. */
  publisher(device: string): Promise<MqttClient>;
  cleanup(): Promise<void>;
}

export function mqttSourceConformance(adapter: string, open: (devices: readonly string[]) => Promise<SourceHarness | undefined>): void {
  describe(`MqttSource conformance: ${adapter}`, function () {
    this.timeout(20_000);
    const run = `${process.pid.toString(36)}${Date.now().toString(36).slice(-3)}`;
    const dev = `mc-${run}`;
    let h: SourceHarness | undefined;
    let pub: MqttClient;

    before(async function () {
      h = await open([dev]);
      if (h === undefined) return this.skip();
      pub = await h.publisher(dev);
    });
    after(async () => {
      await h?.cleanup();
    });

    const seqs = async (): Promise<number[]> => (await h!.g.gw.telemetry.readings({ device: dev, limit: 100 })).readings.map((r) => r.record.seq);

    it('When a device publishes a signed reading with QoS 1, then it is stored once', async () => {
      assert.equal(await publish(pub, topicOf(dev), JSON.stringify(signed(weight(dev, 0, 10, T0)))), 'acked');
      await eventually(async () => (await seqs()).includes(0), 5000, 'stored');
    });

    it('When the same reading comes again, then it is a duplicate and not stored twice', async () => {
      const before = h!.g.gw.stats().duplicates;
      assert.equal(await publish(pub, topicOf(dev), JSON.stringify(signed(weight(dev, 0, 10, T0)))), 'acked');
      await eventually(() => h!.g.gw.stats().duplicates === before + 1, 5000, 'duplicate counted');
      assert.deepEqual(await seqs(), [0]);
    });

    it('When a reading is forged or malformed, then it is refused, counted and not stored', async () => {
      const forged = signReading(weight(dev, 1, 10, T0), testKey('mallory').seed);
      await publish(pub, topicOf(dev), JSON.stringify(forged));
      await publish(pub, topicOf(dev), '{"device":');
      await eventually(() => (h!.g.gw.stats().rejected.SIGNATURE_INVALID ?? 0) >= 1 && (h!.g.gw.stats().rejected.TELEMETRY_MALFORMED ?? 0) >= 1, 5000, 'refusals');
      assert.deepEqual(await seqs(), [0]);
    });

    it('When a batch of readings comes under one signature, then each is stored and anchored with a proof', async () => {
      const b = batchOf(dev, [2, 3, 4].map((seq) => ({ seq, ts: iso(T0), kind: 'load-cell' as const, values: { kg: seq } })));
      assert.equal(await publish(pub, topicOf(dev), JSON.stringify(b)), 'acked');
      await eventually(async () => (await seqs()).length === 4, 5000, 'batch stored');
      await h!.g.gw.flush();
      const last = (await h!.g.gw.telemetry.readings({ device: dev, limit: 100 })).readings.at(-1)!;
      assert.equal((await h!.g.gw.proof(last.id)).status, 'ok');
    });
  });
}
