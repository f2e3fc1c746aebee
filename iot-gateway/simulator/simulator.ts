// Device simulator: N devices publishing signed, realistic readings at R readings/s each over real MQTT, with
// fault injection. The CLI (`ledgerhouse simulate --devices N --rate R`) and the demo call `simulate`; they
// register the devices first (deviceRegistrations gives the device.register bodies).
import { createHash } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { DeviceKind } from '../../contracts/state.js';
import type { DeviceRegisterBody } from '../../contracts/tx/device-register.js';
import { systemClock, type Clock } from '../../ledger/clock.js';
import { publicKeyFromSeed } from '../../ledger/crypto/ed25519.js';
import { signFast } from '../../ledger/crypto/ed25519-node.js';
import { toBase64 } from '../../ledger/encoding/bytes.js';
import { canonicalJson } from '../../ledger/encoding/canonical.js';
import { channelOf } from '../formats/telemetry-message.js';
import { signReading } from '../formats/telemetry-signing.js';
import { telemetryTopic } from '../broker/topics.js';
import { makeDeviceToken } from '../verify/device-token.js';
import { modelReading, modelStatus, seededRandom, type FaultKind } from './device-model.js';

export interface SimDevice {
  readonly id: string;
  readonly kind: DeviceKind;
  readonly seed: Uint8Array;
  /** Base64 Ed25519 public key, for device.register. */
  readonly publicKey: string;
}

export interface Fault {
  readonly kind: FaultKind;
  readonly device: string;
  /** When it starts, ms after the simulation starts. replay and forged-signature fire once; the others last. */
  readonly afterMs: number;
}

export interface SimulatorOptions {
  /** Broker URL, e.g. mqtt://127.0.0.1:1883. */
  readonly url: string;
  readonly warehouse: string;
  readonly devices: readonly SimDevice[];
  /** Readings per second per device. */
  readonly rate: number;
  /** Stop after this long (ms) … */
  readonly durationMs?: number;
  /** … or after this many readings per device (whichever comes first); neither: until stop(). */
  readonly maxReadings?: number;
  readonly qos?: 0 | 1;
  readonly faults?: readonly Fault[];
  /** PRNG seed for sensor noise. Default 1. */
  readonly seed?: number;
  /** Where the goods are (GPS readings). Default Nairobi. */
  readonly site?: { readonly lat: number; readonly lon: number };
  /** A status heartbeat every this many readings. Default 20. */
  readonly statusEvery?: number;
  /** First sequence number per device (continue after what the gateway already stored). Default 0. */
  readonly startSeq?: Readonly<Record<string, number>>;
  /** What each load cell weighs in normal operation, kg. Default 500. */
  readonly loadKg?: number;
  /** Connect with device tokens (embedded broker) or anonymously (an external broker doing its own auth). */
  readonly auth?: 'token' | 'none';
  readonly clock?: Clock;
}

export interface SimulatorStats {
  published: number;
  acked: number;
  failed: number;
  replayed: number;
  forged: number;
  perDevice: Record<string, number>;
}

export interface Simulation {
  /** Resolves with the final counters when the simulation ends (duration, maxReadings or stop()). */
  readonly done: Promise<SimulatorStats>;
  stats(): SimulatorStats;
  stop(): Promise<SimulatorStats>;
}

const KINDS: readonly DeviceKind[] = ['load-cell', 'temperature', 'humidity', 'rfid', 'door', 'gps', 'camera'];

/** N devices with ids `<prefix>-<i>`, kinds round-robin, keys derived from `secret` (demo and tests only). */
export function simulatedDevices(count: number, opts: { secret: string; prefix?: string; kinds?: readonly DeviceKind[] }): SimDevice[] {
  if (!Number.isSafeInteger(count) || count < 1 || count > 100_000) throw new RangeError(`count: expected 1..100000, got ${count}`);
  const kinds = opts.kinds ?? KINDS;
  return Array.from({ length: count }, (_, i) => {
    const id = `${opts.prefix ?? 'sim'}-${i + 1}`;
    const seed = new Uint8Array(createHash('sha256').update(`ledgerhouse-sim:${opts.secret}:${id}`).digest());
    return { id, kind: kinds[i % kinds.length]!, seed, publicKey: toBase64(publicKeyFromSeed(seed)) };
  });
}

/** The device.register bodies for the simulated devices (signed by the warehouse). */
export function deviceRegistrations(devices: readonly SimDevice[], warehouse: string, site: string, lot?: string): DeviceRegisterBody[] {
  return devices.map((d) => ({ id: d.id, warehouse, site, kinds: [d.kind], publicKey: d.publicKey, ...(lot === undefined ? {} : { lot }) }));
}

export async function simulate(opts: SimulatorOptions): Promise<Simulation> {
  if (!(opts.rate > 0) || opts.rate > 10_000) throw new RangeError(`rate: expected 0 < rate ≤ 10000, got ${opts.rate}`);
  const clock = opts.clock ?? systemClock;
  const periodMs = 1000 / opts.rate;
  const random = seededRandom(opts.seed ?? 1);
  const stats: SimulatorStats = { published: 0, acked: 0, failed: 0, replayed: 0, forged: 0, perDevice: {} };
  const clients = await Promise.all(opts.devices.map((d) => mqtt.connectAsync(opts.url, {
    clientId: d.id, username: d.id, reconnectPeriod: 0, connectTimeout: 10_000,
    ...(opts.auth === 'none' ? {} : { password: makeDeviceToken(d.id, clock.now(), d.seed) }),
  })));
  const started = clock.now();
  const fired = new Set<Fault>();
  let pending = 0;
  let finish: (s: SimulatorStats) => void = () => undefined;
  const done = new Promise<SimulatorStats>((r) => (finish = r));

  const send = (client: MqttClient, topic: string, payload: string): void => {
    stats.published++;
    pending++;
    client.publish(topic, payload, { qos: opts.qos ?? 1 }, (err) => {
      pending--;
      if (err) stats.failed++;
      else stats.acked++;
    });
  };

  const timers = opts.devices.map((d, i) => {
    const client = clients[i]!;
    let seq = opts.startSeq?.[d.id] ?? 0;
    let step = 0;
    let first: string | undefined;
    return setInterval(() => {
      const now = clock.now();
      const active = new Set((opts.faults ?? []).filter((f) => f.device === d.id && now - started >= f.afterMs));
      const kinds = new Set([...active].map((f) => f.kind));
      if (kinds.has('silent')) return;
      if (opts.maxReadings !== undefined && step >= opts.maxReadings) return;
      const oneShot = (k: FaultKind) => [...active].find((f) => f.kind === k && !fired.has(f));
      const replay = oneShot('replay');
      if (replay && first !== undefined) {
        fired.add(replay);
        stats.replayed++;
        return send(client, telemetryTopic(opts.warehouse, d.id, channelOf(d.kind)), first);
      }
      const forged = oneShot('forged-signature');
      if (forged) fired.add(forged);
      const reading = modelReading({ device: d.id, kind: d.kind, seq: seq++, tMs: now, step: step++, faults: kinds, site: opts.site ?? { lat: -1.2921, lon: 36.8219 }, periodMs, random, ...(opts.loadKg === undefined ? {} : { loadKg: opts.loadKg }) });
      const key = forged ? createHash('sha256').update(`forger:${d.id}`).digest() : d.seed;
      if (forged) stats.forged++;
      const payload = canonicalJson(signReading(reading, new Uint8Array(key), signFast)); // RFC 8785, as devices are asked to send
      first ??= payload;
      stats.perDevice[d.id] = (stats.perDevice[d.id] ?? 0) + 1;
      send(client, telemetryTopic(opts.warehouse, d.id, channelOf(reading.kind)), payload);
      if (step % (opts.statusEvery ?? 20) === 0) {
        const status = modelStatus(d.id, seq++, now, step, periodMs);
        send(client, telemetryTopic(opts.warehouse, d.id, 'status'), canonicalJson(signReading(status, d.seed, signFast)));
      }
    }, periodMs);
  });

  let stopping: Promise<SimulatorStats> | undefined;
  const stop = (): Promise<SimulatorStats> => {
    stopping ??= (async () => {
      for (const t of timers) clearInterval(t);
      clearTimeout(deadline);
      for (let i = 0; i < 500 && pending > 0; i++) await new Promise((r) => setTimeout(r, 10)); // in-flight PUBACKs, ≤ 5 s
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
      const final = structuredClone(stats);
      finish(final);
      return final;
    })();
    return stopping;
  };
  const limitMs = opts.durationMs ?? (opts.maxReadings !== undefined ? (opts.maxReadings + 1) * periodMs + 50 : undefined);
  const deadline = limitMs === undefined ? undefined : setTimeout(() => void stop(), limitMs);
  return { done, stats: () => structuredClone(stats), stop };
}
