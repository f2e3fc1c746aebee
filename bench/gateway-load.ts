// The gateway benchmark's load: simulated devices (the simulator's keys, readings and signing code) as real mqtt.js
// clients over loopback, publishing pre-signed QoS 1 messages closed-loop with a fixed window in flight per device.
import mqtt from 'mqtt';
import { telemetryTopic } from '../iot-gateway/broker/topics.js';
import { signBatch, signReading } from '../iot-gateway/formats/telemetry-signing.js';
import type { BatchItem } from '../iot-gateway/formats/telemetry-message.js';
import { modelReading, seededRandom } from '../iot-gateway/simulator/device-model.js';
import type { SimDevice } from '../iot-gateway/simulator/simulator.js';
import { makeDeviceToken } from '../iot-gateway/verify/device-token.js';
import { signFast } from '../ledger/crypto/ed25519-node.js';
import { canonicalJson } from '../ledger/encoding/canonical.js';
import { readingKey, wallNow } from './gateway-child.js';
import { BENCH_WAREHOUSE } from './gateway-ledger.js';
import { clientKind, connectWire, type BenchPublisher, type ClientKind } from './mqtt-wire-client.js';

/** One MQTT message to publish: its payload, how many readings it carries, and the sampled readings in it. */
export interface Outgoing {
  readonly payload: Buffer;
  readonly readings: number;
  readonly keys: readonly string[];
}

/** A device's client and the messages it publishes in a round, in order. */
export interface DeviceLoad {
  readonly client: BenchPublisher;
  readonly topic: string;
  readonly messages: readonly Outgoing[];
}

export interface RoundStats {
  readonly messages: number;
  readonly readings: number;
  /** First publish → last PUBACK, ms. */
  readonly wallMs: number;
  /** Publish → PUBACK of every message, ms. */
  readonly ackMs: readonly number[];
  /** Wall time (wallNow) each sampled reading's message was published. */
  readonly publishedAt: ReadonlyMap<string, number>;
  /** Wall time of every message's publish, by topic, in order (the baseline matches deliveries against it). */
  readonly publishTimes: ReadonlyMap<string, readonly number[]>;
  readonly startedAt: number;
  readonly failed: number;
}

const SITE = { lat: -1.2921, lon: 36.8219 };

/** Connects every device with a fresh device token (or anonymously, for bare aedes), `concurrency` at a time. */
export async function connectFleet(port: number, devices: readonly SimDevice[], opts: { auth: boolean; concurrency: number; client?: ClientKind }): Promise<BenchPublisher[]> {
  const kind = opts.client ?? clientKind();
  const clients: BenchPublisher[] = [];
  for (let i = 0; i < devices.length; i += opts.concurrency) {
    clients.push(...await Promise.all(devices.slice(i, i + opts.concurrency).map((d) => {
      const password = opts.auth ? makeDeviceToken(d.id, Date.now(), d.seed, signFast) : undefined;
      return kind === 'wire'
        ? connectWire(port, { clientId: d.id, username: d.id, ...(password === undefined ? {} : { password }) })
        : mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: d.id, username: d.id, reconnectPeriod: 0, connectTimeout: 60_000, ...(password === undefined ? {} : { password }) });
    })));
  }
  return clients;
}

export async function endFleet(clients: readonly BenchPublisher[]): Promise<void> {
  await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
}

/**
 * Pre-signed messages for each device, continuing its sequence numbers (`seqs` is advanced): `perDevice` messages
 * of `perMessage` readings each — one signature per reading when perMessage is 1, else batch messages under one
 * signature. Readings whose seq is a multiple of `sampleEvery` are listed in `keys`.
 */
export function presign(devices: readonly SimDevice[], seqs: Map<string, number>, o: { perDevice: number; perMessage: number; sampleEvery: number }): Outgoing[][] {
  const random = seededRandom(7);
  const now = Date.now();
  return devices.map((d) => Array.from({ length: o.perDevice }, () => {
    const keys: string[] = [];
    const readings = Array.from({ length: o.perMessage }, () => {
      const seq = seqs.get(d.id) ?? 0;
      seqs.set(d.id, seq + 1);
      if (seq % o.sampleEvery === 0) keys.push(readingKey(d.id, seq));
      return modelReading({ device: d.id, kind: d.kind, seq, tMs: now, step: seq, faults: new Set(), site: SITE, periodMs: 1000, random });
    });
    const message = o.perMessage === 1
      ? signReading(readings[0]!, d.seed, signFast)
      : signBatch(d.id, readings.map(({ device: _device, ...item }) => item as BatchItem), d.seed, signFast);
    return { payload: Buffer.from(canonicalJson(message)), readings: o.perMessage, keys }; // RFC 8785, as the simulator sends
  }));
}

/** The loads of one round: each device's client, its topic, its messages. */
export function loads(devices: readonly SimDevice[], clients: readonly BenchPublisher[], messages: readonly Outgoing[][]): DeviceLoad[] {
  return devices.map((d, i) => ({ client: clients[i]!, topic: telemetryTopic(BENCH_WAREHOUSE, d.id, 'telemetry'), messages: messages[i]! }));
}

/**
 * Publishes every device's messages at QoS 1 with at most `window` unacknowledged per device; resolves when all are
 * acknowledged, or after `timeoutMs` with the rest counted as failed (a refused or dropped connection).
 */
export function publishRound(devices: readonly DeviceLoad[], window: number, timeoutMs: number): Promise<RoundStats> {
  const ackMs: number[] = [];
  const publishedAt = new Map<string, number>();
  const publishTimes = new Map<string, number[]>();
  const total = devices.reduce((n, d) => n + d.messages.length, 0);
  const readings = devices.reduce((n, d) => n + d.messages.reduce((m, o) => m + o.readings, 0), 0);
  const startedAt = wallNow();
  let settled = 0;
  let failed = 0;
  return new Promise((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      resolve({ messages: total, readings, wallMs: wallNow() - startedAt, ackMs, publishedAt, publishTimes, startedAt, failed: failed + total - settled });
    };
    const timer = setTimeout(finish, timeoutMs);
    for (const d of devices) {
      const times: number[] = [];
      publishTimes.set(d.topic, times);
      let next = 0;
      let acked = 0;
      const pump = (): void => {
        while (next < d.messages.length && next - acked < window) publishOne(d.messages[next++]!);
      };
      const publishOne = (o: Outgoing): void => {
        const at = wallNow();
        times.push(at);
        for (const k of o.keys) publishedAt.set(k, at);
        d.client.publish(d.topic, o.payload, { qos: 1 }, (err) => {
          acked++;
          settled++;
          if (err) failed++;
          else ackMs.push(wallNow() - at);
          if (settled === total) finish();
          else pump();
        });
      };
      pump();
    }
    if (total === 0) finish();
  });
}
