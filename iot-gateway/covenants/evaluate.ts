// Covenant evaluation for one pledge: pure functions over (watch, state, reading | time) → (state, breaches).
// The driver (monitor.ts) feeds readings and clock ticks, persists state and turns breaches into alert.raise.
//
// Severities (a critical alert freezes the receipt, contracts/tx/alert-raise.ts [FRZ-1]):
//   quantityFloor, geofence                       critical — the collateral itself is missing or moving
//   temperature, humidity, doorHours              warning  — the goods are at risk, not gone
//   cameraHeartbeat, deviceSilence                warning  — the evidence stopped, the goods may be fine
import type { Covenants } from '../../contracts/covenants.js';
import type { DeviceKind, Severity } from '../../contracts/state.js';
import { formatQuantity } from '../../contracts/quantity.js';
import type { Reading } from '../formats/telemetry-message.js';
import { doorOpenAllowed } from './door-hours.js';
import { lasted, stepExcursion, type Excursion, type RangeRule } from './excursion.js';
import { insideGeofence } from './geofence.js';
import { measureFor, sensorUnits, type Measure } from './quantity.js';

export type CovenantName = 'quantityFloor' | 'temperature' | 'humidity' | 'geofence' | 'cameraHeartbeat' | 'deviceSilence' | 'doorHours';

export const SEVERITY: Readonly<Record<CovenantName, Severity>> = {
  quantityFloor: 'critical', geofence: 'critical',
  temperature: 'warning', humidity: 'warning', doorHours: 'warning', cameraHeartbeat: 'warning', deviceSilence: 'warning',
};

export interface Watch {
  readonly pledge: string;
  readonly receipt: string;
  readonly covenants: Covenants;
  /** The receipt's unit. */
  readonly unit: string;
  /** Minimal units the lot must hold: the floor plus the other live receipts on the lot. Absent without a floor. */
  readonly requiredUnits?: bigint;
  /** The devices watching the receipt's lot (device.lot) or, for unbound devices, its site. */
  readonly devices: readonly { readonly id: string; readonly kinds: readonly DeviceKind[] }[];
  /** Gateway time (ms) from which silence and heartbeat gaps count. */
  readonly since: number;
}

export interface WatchState {
  /** Latest load-cell kg or RFID count per device. */
  readonly quantities: Readonly<Record<string, number>>;
  /** Device time (ms) of each device's latest reading. */
  readonly lastSeen: Readonly<Record<string, number>>;
  /** Device time (ms) of the latest camera segment. */
  readonly lastCamera?: number;
  /** Ongoing excursions, keyed `temperature:<device>` / `humidity:<device>`. */
  readonly excursions: Readonly<Record<string, Excursion>>;
}

export interface Breach {
  readonly covenant: CovenantName;
  readonly severity: Severity;
  readonly message: string;
  readonly observedAtMs: number;
  readonly devices: readonly string[];
}

export const emptyState = (): WatchState => ({ quantities: {}, lastSeen: {}, excursions: {} });

const breach = (covenant: CovenantName, message: string, observedAtMs: number, devices: readonly string[]): Breach =>
  ({ covenant, severity: SEVERITY[covenant], message, observedAtMs, devices });

/** The devices whose latest readings measure a floor-covenanted lot (its scales, or its readers), and their kind. */
export function quantitySensors(watch: Watch): { readonly measure: Measure; readonly devices: Watch['devices'] } | undefined {
  const measure = measureFor(watch.unit);
  if (watch.requiredUnits === undefined || measure === undefined) return undefined;
  return { measure, devices: watch.devices.filter((d) => d.kinds.includes(measure)) };
}

/** The quantity floor over the latest quantity of each of the lot's scales (or readers), at device time `tsMs`. */
export function quantityBreach(watch: Watch, quantities: WatchState['quantities'], tsMs: number): Breach | undefined {
  const lot = quantitySensors(watch);
  if (lot === undefined || watch.requiredUnits === undefined) return undefined;
  const { measure, devices: sensors } = lot;
  // The lot's quantity is known once every one of its scales (or readers) has reported; silence is its own covenant.
  if (sensors.length === 0 || sensors.some((d) => quantities[d.id] === undefined)) return undefined;
  const measured = sensorUnits(sensors.reduce((sum, d) => sum + quantities[d.id]!, 0), watch.unit);
  if (measured >= watch.requiredUnits) return undefined;
  const f = (u: bigint) => `${formatQuantity(u, watch.unit)} ${watch.unit}`;
  return breach('quantityFloor', `measured ${f(measured)} on ${sensors.length} ${measure} device(s), below the required ${f(watch.requiredUnits)}`, tsMs, sensors.map((d) => d.id));
}

function rangeRule(watch: Watch, kind: 'temperature' | 'humidity'): RangeRule | undefined {
  const c = watch.covenants;
  if (kind === 'temperature') return c.temperature && { min: c.temperature.minC, max: c.temperature.maxC, maxOutOfRangeSeconds: c.temperature.maxOutOfRangeSeconds };
  return c.humidity && { min: c.humidity.minPct, max: c.humidity.maxPct, maxOutOfRangeSeconds: c.humidity.maxOutOfRangeSeconds };
}

function rangeStep(watch: Watch, state: WatchState, r: Reading & { kind: 'temperature' | 'humidity' }, tsMs: number): { state: WatchState; breach?: Breach } {
  const rule = rangeRule(watch, r.kind);
  if (rule === undefined) return { state };
  const value = r.kind === 'temperature' ? r.values.c : r.values.pct;
  const key = `${r.kind}:${r.device}`;
  const step = stepExcursion(state.excursions[key], rule, value, tsMs);
  const { [key]: _old, ...rest } = state.excursions;
  const next = { ...state, excursions: step.excursion ? { ...rest, [key]: step.excursion } : rest };
  if (!step.breached) return { state: next };
  const unit = r.kind === 'temperature' ? '°C' : '%';
  const message = `${r.kind} ${value} ${unit} outside ${rule.min}–${rule.max} ${unit} for ${Math.round((tsMs - step.excursion!.since) / 1000)} s (tolerance ${rule.maxOutOfRangeSeconds} s)`;
  return { state: next, breach: breach(r.kind, message, tsMs, [r.device]) };
}

/** A reading from one of the watch's devices. */
export function onReading(watch: Watch, state: WatchState, r: Reading): { state: WatchState; breaches: Breach[] } {
  const tsMs = Date.parse(r.ts);
  const breaches: Breach[] = [];
  let next: WatchState = { ...state, lastSeen: { ...state.lastSeen, [r.device]: Math.max(tsMs, state.lastSeen[r.device] ?? -Infinity) } };
  const c = watch.covenants;
  switch (r.kind) {
    case 'load-cell':
    case 'rfid': {
      const quantities = { ...next.quantities, [r.device]: r.kind === 'load-cell' ? r.values.kg : r.values.count };
      next = { ...next, quantities };
      const b = quantityBreach(watch, quantities, tsMs);
      if (b) breaches.push(b);
      break;
    }
    case 'temperature':
    case 'humidity': {
      const step = rangeStep(watch, next, r, tsMs);
      next = step.state;
      if (step.breach) breaches.push(step.breach);
      break;
    }
    case 'gps':
      if (c.geofence && !insideGeofence(c.geofence, r.values)) {
        breaches.push(breach('geofence', `position ${r.values.lat}, ${r.values.lon} is outside the ${c.geofence.shape} geofence`, tsMs, [r.device]));
      }
      break;
    case 'door':
      if (c.doorHours && r.values.state === 'open' && !doorOpenAllowed(c.doorHours, tsMs)) {
        breaches.push(breach('doorHours', `door opened at ${r.ts}, outside the allowed hours`, tsMs, [r.device]));
      }
      break;
    case 'camera':
      next = { ...next, lastCamera: Math.max(tsMs, state.lastCamera ?? -Infinity) };
      break;
    case 'status':
      break;
  }
  return { state: next, breaches };
}

/** Breaches that show with the passing of time alone: silence, heartbeat gaps, excursions that went on. */
export function onTick(watch: Watch, state: WatchState, nowMs: number): Breach[] {
  const out: Breach[] = [];
  const c = watch.covenants;
  if (c.deviceSilence) {
    const limit = c.deviceSilence.maxGapSeconds * 1000;
    const silent = watch.devices.filter((d) => nowMs - Math.max(state.lastSeen[d.id] ?? -Infinity, watch.since) > limit).map((d) => d.id);
    if (silent.length > 0) out.push(breach('deviceSilence', `${silent.join(', ')} silent for more than ${c.deviceSilence.maxGapSeconds} s`, nowMs, silent));
  }
  const cameras = watch.devices.filter((d) => d.kinds.includes('camera')).map((d) => d.id);
  if (c.cameraHeartbeat && cameras.length > 0 && nowMs - Math.max(state.lastCamera ?? -Infinity, watch.since) > c.cameraHeartbeat.maxGapSeconds * 1000) {
    out.push(breach('cameraHeartbeat', `no camera segment for more than ${c.cameraHeartbeat.maxGapSeconds} s`, nowMs, cameras));
  }
  for (const [key, exc] of Object.entries(state.excursions)) {
    const [kind, device] = key.split(':') as ['temperature' | 'humidity', string];
    const rule = rangeRule(watch, kind);
    if (rule && lasted(exc, rule, nowMs)) {
      out.push(breach(kind, `${kind} outside ${rule.min}–${rule.max} since ${new Date(exc.since).toISOString()} (tolerance ${rule.maxOutOfRangeSeconds} s)`, nowMs, [device]));
    }
  }
  return out;
}
