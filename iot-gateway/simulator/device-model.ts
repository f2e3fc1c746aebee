// Realistic readings for simulated devices, with fault injection. Deterministic: a seeded PRNG and the time come
// in, so the same seed and schedule give the same stream (demo and tests). No I/O.
import { sha256 } from '@noble/hashes/sha2.js';
import type { DeviceKind } from '../../contracts/state.js';
import { toHex, utf8 } from '../../ledger/encoding/bytes.js';
import type { Reading } from '../formats/telemetry-message.js';

/** Faults the simulator can inject (see simulator.ts for when they start). */
export const FAULTS = ['drift', 'weight-drop', 'leave-geofence', 'replay', 'forged-signature', 'silent'] as const;
export type FaultKind = (typeof FAULTS)[number];

export interface ModelContext {
  readonly device: string;
  readonly kind: DeviceKind;
  readonly seq: number;
  readonly tMs: number;
  /** Readings this device has produced so far (drift grows with it). */
  readonly step: number;
  /** Faults active for this device now. */
  readonly faults: ReadonlySet<FaultKind>;
  /** Where the goods are: GPS readings jitter around it. */
  readonly site: { readonly lat: number; readonly lon: number };
  /** Milliseconds between this device's readings (camera segment length). */
  readonly periodMs: number;
  readonly random: () => number;
  /** What a load cell weighs in normal operation, kg (default 500). */
  readonly loadKg?: number;
}

/** mulberry32: a small, fast, seeded PRNG (uniform in [0, 1)); good enough for sensor noise. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const round = (v: number, decimals: number): number => Math.round(v * 10 ** decimals) / 10 ** decimals;
const noise = (random: () => number, amplitude: number): number => (random() * 2 - 1) * amplitude;
const HOUR_MS = 3_600_000;

/** The next reading of a device of `kind`. */
export function modelReading(c: ModelContext): Reading {
  const head = { device: c.device, seq: c.seq, ts: new Date(c.tMs).toISOString() };
  const drift = c.faults.has('drift') ? 0.05 * c.step : 0;
  const daily = Math.sin((2 * Math.PI * c.tMs) / (24 * HOUR_MS));
  switch (c.kind) {
    case 'load-cell': {
      const kg = (c.loadKg ?? 500) * (c.faults.has('weight-drop') ? 0.6 : 1) + drift + noise(c.random, 0.5);
      return { ...head, kind: 'load-cell', values: { kg: round(kg, 3) } };
    }
    case 'rfid':
      return { ...head, kind: 'rfid', values: { count: c.faults.has('weight-drop') ? 24 : 40 } };
    case 'temperature':
      return { ...head, kind: 'temperature', values: { c: round(5 + 1.5 * daily + drift + noise(c.random, 0.1), 2) } };
    case 'humidity':
      return { ...head, kind: 'humidity', values: { pct: round(Math.min(100, Math.max(0, 55 + 5 * daily + drift + noise(c.random, 0.5))), 1) } };
    case 'door':
      return { ...head, kind: 'door', values: { state: Math.floor(c.step / 10) % 2 === 0 ? 'closed' : 'open' } };
    case 'gps': {
      const away = c.faults.has('leave-geofence') ? 0.05 : 0; // ≈ 5.5 km north
      return { ...head, kind: 'gps', values: { lat: round(c.site.lat + away + noise(c.random, 0.00005), 6), lon: round(c.site.lon + noise(c.random, 0.00005), 6) } };
    }
    case 'camera': {
      const durationMs = Math.max(1, Math.min(3_600_000, Math.round(c.periodMs)));
      const clip = toHex(sha256(utf8(`${c.device}:${c.seq}:${c.random()}`)));
      return { ...head, kind: 'camera', segment: { sha256: clip, durationMs, start: new Date(c.tMs - durationMs).toISOString() } };
    }
  }
}

/** Every `every`-th reading a device also reports its health. */
export function modelStatus(device: string, seq: number, tMs: number, step: number, periodMs: number): Reading {
  return {
    device, seq, ts: new Date(tMs).toISOString(), kind: 'status',
    status: { state: 'online', uptimeS: Math.floor((step * periodMs) / 1000), batteryPct: 100 - (step % 100) / 2, firmware: 'sim-1.0' },
  };
}
