// Real mqtt.js device clients for integration tests: connect with a device token, publish signed readings, and
// tell a PUBACK from a closed connection. Every client is ended by `endAll`.
import mqtt, { type MqttClient } from 'mqtt';
import { telemetryTopic } from '../../../iot-gateway/broker/topics.js';
import type { Channel } from '../../../iot-gateway/formats/telemetry-message.js';
import { makeDeviceToken } from '../../../iot-gateway/verify/device-token.js';
import { testKey } from '../../support/ledger-harness.js';
import { WAREHOUSE } from './world.js';

const clients = new Set<MqttClient>();

export interface ConnectOpts {
  readonly clientId?: string;
  readonly username?: string;
  readonly password?: string;
  /** Token time; defaults to `nowMs`. */
  readonly tokenMs?: number;
  readonly clean?: boolean;
  readonly protocol?: 'mqtt' | 'mqtts';
  readonly ca?: Buffer;
}

/** Connects as device `id`; rejects with the CONNACK error (its `code` is the return code) when refused. */
export async function connectDevice(port: number, id: string, nowMs: number, opts: ConnectOpts = {}): Promise<MqttClient> {
  const client = mqtt.connect(`${opts.protocol ?? 'mqtt'}://127.0.0.1:${port}`, {
    clientId: opts.clientId ?? id, username: opts.username ?? id,
    password: opts.password ?? makeDeviceToken(id, opts.tokenMs ?? nowMs, testKey(id).seed),
    reconnectPeriod: 0, connectTimeout: 5000, clean: opts.clean ?? true, ...(opts.ca ? { ca: opts.ca, rejectUnauthorized: true, servername: 'localhost' } : {}),
  });
  clients.add(client);
  client.setMaxListeners(0); // publish() waits on 'close' once per message in flight
  client.on('error', () => undefined); // refusals surface through the promise below
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', (e) => reject(e));
    client.once('close', () => reject(new Error('closed before CONNACK')));
  });
}

export type PublishResult = 'acked' | 'closed';

/** Publishes and resolves 'acked' on PUBACK (QoS 1) / send (QoS 0), or 'closed' when the connection closes first. */
export function publish(client: MqttClient, topic: string, payload: string | Uint8Array, qos: 0 | 1 = 1): Promise<PublishResult> {
  if (!client.connected) return Promise.resolve('closed');
  return new Promise((resolve) => {
    const onClose = (): void => resolve('closed');
    client.once('close', onClose);
    client.publish(topic, Buffer.from(payload), { qos }, (err) => {
      client.removeListener('close', onClose);
      resolve(err ? 'closed' : 'acked');
    });
  });
}

export function topicOf(device: string, channel: Channel = 'telemetry'): string {
  return telemetryTopic(WAREHOUSE, device, channel);
}

export async function endAll(): Promise<void> {
  await Promise.all([...clients].map((c) => c.endAsync(true).catch(() => undefined)));
  clients.clear();
}

/** Polls `check` until it is true or `ms` pass. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 3000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}
