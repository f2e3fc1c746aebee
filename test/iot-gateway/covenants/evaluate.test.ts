import assert from 'node:assert/strict';
import type { Covenants } from '../../../contracts/covenants.js';
import { emptyState, onReading, onTick, type Watch, type WatchState } from '../../../iot-gateway/covenants/evaluate.js';
import type { Reading } from '../../../iot-gateway/formats/telemetry-message.js';
import { iso, T0 } from '../support/readings.js';

function watch(covenants: Covenants, over: Partial<Watch> = {}): Watch {
  return {
    pledge: 'pl-1', receipt: 'rc-1', covenants, unit: 'kg', since: T0,
    devices: [{ id: 'scale-1', kinds: ['load-cell'] }, { id: 'scale-2', kinds: ['load-cell'] }, { id: 'temp-1', kinds: ['temperature', 'humidity'] },
      { id: 'gps-1', kinds: ['gps'] }, { id: 'cam-1', kinds: ['camera'] }, { id: 'door-1', kinds: ['door'] }],
    ...over,
  };
}

function feed(w: Watch, readings: Reading[], state: WatchState = emptyState()) {
  const breaches = [];
  for (const r of readings) {
    const out = onReading(w, state, r);
    state = out.state;
    breaches.push(...out.breaches);
  }
  return { state, breaches };
}

const at = (s: number) => iso(T0 + s * 1000);
const kg = (device: string, v: number, s = 0): Reading => ({ device, seq: s, ts: at(s), kind: 'load-cell', values: { kg: v } });
const temp = (c: number, s: number): Reading => ({ device: 'temp-1', seq: s, ts: at(s), kind: 'temperature', values: { c } });

describe('iot-gateway covenants: evaluate one pledge', () => {
  it('When the load cells of the lot sum to at least the required quantity, then no breach; below it, a critical quantityFloor breach', () => {
    const w = watch({ quantityFloor: '900.000' }, { requiredUnits: 900_000n });
    assert.deepEqual(feed(w, [kg('scale-1', 450), kg('scale-2', 450)]).breaches, []);
    const drop = feed(w, [kg('scale-1', 450), kg('scale-2', 449.999, 1)]).breaches;
    assert.equal(drop.length, 1);
    assert.equal(drop[0]!.covenant, 'quantityFloor');
    assert.equal(drop[0]!.severity, 'critical');
    assert.deepEqual(drop[0]!.devices, ['scale-1', 'scale-2']);
    assert.match(drop[0]!.message, /899\.999 kg.*900\.000 kg/);
  });

  it('When not every scale of the lot has reported yet, then the quantity is unknown and nothing breaches', () => {
    const w = watch({ quantityFloor: '900.000' }, { requiredUnits: 900_000n });
    assert.deepEqual(feed(w, [kg('scale-1', 10)]).breaches, []);
  });

  it('When the covenant has no floor, then weight readings never breach', () => {
    assert.deepEqual(feed(watch({}), [kg('scale-1', 0)]).breaches, []);
  });

  it('When the temperature stays out of range past the tolerance, then a warning; a short excursion does not', () => {
    const w = watch({ temperature: { minC: 2, maxC: 8, maxOutOfRangeSeconds: 60 } });
    assert.deepEqual(feed(w, [temp(9, 0), temp(9, 30), temp(5, 45), temp(9, 50), temp(9, 100)]).breaches, []);
    const long = feed(w, [temp(9, 0), temp(9, 30), temp(9.5, 60)]).breaches;
    assert.deepEqual(long.map((b) => [b.covenant, b.severity]), [['temperature', 'warning']]);
  });

  it('When an excursion continues without new readings, then the tick reports it once the tolerance passed', () => {
    const w = watch({ humidity: { minPct: 30, maxPct: 70, maxOutOfRangeSeconds: 120 } });
    const { state } = feed(w, [{ device: 'temp-1', seq: 0, ts: at(0), kind: 'humidity', values: { pct: 80 } }]);
    assert.deepEqual(onTick(w, state, T0 + 119_000), []);
    assert.deepEqual(onTick(w, state, T0 + 120_000).map((b) => b.covenant), ['humidity']);
  });

  it('When a GPS position leaves the geofence, then a critical geofence breach', () => {
    const w = watch({ geofence: { shape: 'circle', center: { lat: 0, lon: 0 }, radiusM: 1000 } });
    const gps = (lat: number): Reading => ({ device: 'gps-1', seq: 0, ts: at(0), kind: 'gps', values: { lat, lon: 0 } });
    assert.deepEqual(feed(w, [gps(0.005)]).breaches, []);
    assert.deepEqual(feed(w, [gps(0.01)]).breaches.map((b) => [b.covenant, b.severity]), [['geofence', 'critical']]);
  });

  it('When a door opens outside its hours, then a doorHours warning; closing it or opening inside hours does not', () => {
    const w = watch({ doorHours: { utcOffsetMinutes: 0, windows: [{ days: ['tue'], from: '00:00', to: '00:30' }] } });
    const door = (state: 'open' | 'closed', s: number): Reading => ({ device: 'door-1', seq: s, ts: at(s), kind: 'door', values: { state } });
    // T0 = Tuesday 2026-11-24 00:00 UTC.
    assert.deepEqual(feed(w, [door('open', 60), door('closed', 3600)]).breaches, []);
    assert.deepEqual(feed(w, [door('open', 3600)]).breaches.map((b) => b.covenant), ['doorHours']);
  });

  it('When a device stays silent past the gap, then the tick names it; devices that report are not named', () => {
    const w = watch({ deviceSilence: { maxGapSeconds: 60 } }, { devices: [{ id: 'scale-1', kinds: ['load-cell'] }, { id: 'scale-2', kinds: ['load-cell'] }] });
    const { state } = feed(w, [kg('scale-1', 1, 30)]);
    assert.deepEqual(onTick(w, state, T0 + 60_000), []);
    const b = onTick(w, state, T0 + 60_001);
    assert.deepEqual(b.map((x) => [x.covenant, x.devices]), [['deviceSilence', ['scale-2']]]);
    assert.deepEqual(onTick(w, state, T0 + 90_001).map((x) => x.devices), [['scale-1', 'scale-2']]);
  });

  it('When camera segments stop for longer than the heartbeat gap, then a cameraHeartbeat warning', () => {
    const w = watch({ cameraHeartbeat: { maxGapSeconds: 30 } });
    const seg: Reading = { device: 'cam-1', seq: 0, ts: at(10), kind: 'camera', segment: { sha256: 'ab'.repeat(32), durationMs: 10_000, start: at(0) } };
    const { state } = feed(w, [seg]);
    assert.deepEqual(onTick(w, state, T0 + 40_000), []);
    assert.deepEqual(onTick(w, state, T0 + 40_001).map((b) => b.covenant), ['cameraHeartbeat']);
    const noCamera = watch({ cameraHeartbeat: { maxGapSeconds: 30 } }, { devices: [{ id: 'scale-1', kinds: ['load-cell'] }] });
    assert.deepEqual(onTick(noCamera, emptyState(), T0 + 10 * 60_000), [], 'no camera on the lot: nothing to miss');
  });
});
