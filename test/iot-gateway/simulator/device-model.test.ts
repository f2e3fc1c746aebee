import assert from 'node:assert/strict';
import type { DeviceKind } from '../../../contracts/state.js';
import { distanceM } from '../../../iot-gateway/covenants/geofence.js';
import { parseTelemetry } from '../../../iot-gateway/formats/parse-telemetry.js';
import { modelReading, modelStatus, seededRandom, type FaultKind, type ModelContext } from '../../../iot-gateway/simulator/device-model.js';
import { simulatedDevices, deviceRegistrations } from '../../../iot-gateway/simulator/simulator.js';
import { bytes, signed, T0 } from '../support/readings.js';

const site = { lat: -1.2921, lon: 36.8219 };
function ctx(kind: DeviceKind, faults: FaultKind[] = [], step = 0, seed = 7): ModelContext {
  return { device: 'sim-1', kind, seq: step, tMs: T0 + step * 1000, step, faults: new Set(faults), site, periodMs: 1000, random: seededRandom(seed) };
}

describe('iot-gateway simulator: device model (pure)', () => {
  it('When the same seed and schedule are used, then the same readings come out', () => {
    assert.deepEqual(modelReading(ctx('temperature')), modelReading(ctx('temperature')));
    assert.notDeepEqual(modelReading(ctx('load-cell', [], 0, 1)), modelReading(ctx('load-cell', [], 0, 2)));
  });

  it('When every kind is modelled and signed, then each reading passes the telemetry schema', () => {
    for (const kind of ['load-cell', 'rfid', 'temperature', 'humidity', 'door', 'gps', 'camera'] as const) {
      assert.equal(parseTelemetry(bytes(signed(modelReading(ctx(kind))))).ok, true, kind);
    }
    assert.equal(parseTelemetry(bytes(signed(modelStatus('sim-1', 3, T0, 40, 1000)))).ok, true);
  });

  it('When faults are active, then weight drops by 40 %, drift grows with time and GPS leaves a 1 km fence', () => {
    const kg = (f: FaultKind[]) => (modelReading(ctx('load-cell', f)) as { values: { kg: number } }).values.kg;
    assert.ok(Math.abs(kg(['weight-drop']) / kg([]) - 0.6) < 0.01);
    const c = (step: number) => (modelReading(ctx('temperature', ['drift'], step)) as { values: { c: number } }).values.c;
    assert.ok(c(200) - c(0) > 8);
    const pos = (f: FaultKind[]) => (modelReading(ctx('gps', f)) as { values: { lat: number; lon: number } }).values;
    assert.ok(distanceM(site, pos([])) < 50);
    assert.ok(distanceM(site, pos(['leave-geofence'])) > 1000);
  });

  it('When devices are generated, then ids, kinds and keys are stable and their registrations are well-formed', () => {
    const a = simulatedDevices(8, { secret: 's', prefix: 'sim' });
    assert.deepEqual(a.map((d) => d.id), ['sim-1', 'sim-2', 'sim-3', 'sim-4', 'sim-5', 'sim-6', 'sim-7', 'sim-8']);
    assert.equal(a[7]!.kind, 'load-cell');
    assert.deepEqual(simulatedDevices(1, { secret: 's', prefix: 'sim' })[0]!.publicKey, a[0]!.publicKey);
    assert.deepEqual(deviceRegistrations(a.slice(0, 1), 'wh-a', 'site-1', 'LOT-1'), [{ id: 'sim-1', warehouse: 'wh-a', site: 'site-1', kinds: ['load-cell'], publicKey: a[0]!.publicKey, lot: 'LOT-1' }]);
  });
});
