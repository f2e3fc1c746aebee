// Warehouse devices as real MQTT clients: register on the ledger (signed by the warehouse), connect with a fresh
// device token, publish signed readings with QoS 1 (PUBACK = durably stored). Keys are reproducible test keys.
import mqtt, { type MqttClient } from 'mqtt';
import type { DeviceKind } from '../../../contracts/index.js';
import { telemetryTopic } from '../../../iot-gateway/broker/topics.js';
import type { Channel, Reading } from '../../../iot-gateway/formats/telemetry-message.js';
import { makeDeviceToken, signReading } from '../../../iot-gateway/index.js';
import { testKey, type TestKey } from '../../support/ledger-harness.js';
import { nowIso, type World } from './world.js';

export type PublishResult = 'acked' | 'closed';

export class Device {
  seq = 0;
  client: MqttClient | undefined;
  readonly key: TestKey;

  constructor(readonly id: string, readonly warehouse: string, key?: TestKey) {
    this.key = key ?? testKey(id);
  }

  async connect(port: number, tokenSeed: Uint8Array = this.key.seed): Promise<void> {
    this.client = await connectMqtt(port, this.id, makeDeviceToken(this.id, Date.now(), tokenSeed));
  }

  /** Signs (with `seed`, default the device key) and publishes a reading of this device. */
  send(kind: string, payload: Record<string, unknown>, opts: { tsMs?: number; seq?: number; seed?: Uint8Array } = {}): Promise<PublishResult> {
    const reading = { device: this.id, seq: opts.seq ?? this.seq++, ts: nowIso(opts.tsMs), kind, ...payload } as unknown as Reading;
    return this.publishRaw(signReading(reading, opts.seed ?? this.key.seed), kind === 'camera' ? 'camera' : kind === 'status' ? 'status' : 'telemetry');
  }

  publishRaw(message: unknown, channel: Channel = 'telemetry'): Promise<PublishResult> {
    return publish(this.client!, telemetryTopic(this.warehouse, this.id, channel), JSON.stringify(message));
  }

  async end(): Promise<void> {
    await this.client?.endAsync(true).catch(() => undefined);
    this.client = undefined;
  }
}

export async function registerDevice(w: World, warehouse: TestKey, id: string, kinds: readonly DeviceKind[], site: string, lot?: string): Promise<Device> {
  const key = testKey(id);
  await w.commit('device.register', { id, warehouse: warehouse.id, site, kinds, publicKey: key.publicKeyB64, ...(lot === undefined ? {} : { lot }) }, [warehouse]);
  return new Device(id, warehouse.id, key);
}

/** Connects as `id`; rejects with the CONNACK error (its `code` is the return code) when refused. */
export function connectMqtt(port: number, id: string, password: string): Promise<MqttClient> {
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId: id, username: id, password, reconnectPeriod: 0, connectTimeout: 5000, clean: true });
  client.setMaxListeners(0);
  client.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', (e) => {
      client.end(true);
      reject(e);
    });
    client.once('close', () => reject(new Error('closed before CONNACK')));
  });
}

export function publish(client: MqttClient, topic: string, payload: string): Promise<PublishResult> {
  if (!client.connected) return Promise.resolve('closed');
  return new Promise((resolve) => {
    const onClose = (): void => resolve('closed');
    client.once('close', onClose);
    client.publish(topic, payload, { qos: 1 }, (err) => {
      client.removeListener('close', onClose);
      resolve(err ? 'closed' : 'acked');
    });
  });
}
