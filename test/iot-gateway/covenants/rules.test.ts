import assert from 'node:assert/strict';
import type { DoorHoursCovenant } from '../../../contracts/covenants.js';
import { doorOpenAllowed } from '../../../iot-gateway/covenants/door-hours.js';
import { lasted, stepExcursion } from '../../../iot-gateway/covenants/excursion.js';
import { distanceM, insideGeofence, insidePolygon } from '../../../iot-gateway/covenants/geofence.js';
import { measureFor, sensorUnits } from '../../../iot-gateway/covenants/quantity.js';

describe('iot-gateway covenants: geofence', () => {
  const nairobi = { lat: -1.2921, lon: 36.8219 };
  it('When two points are one degree of latitude apart, then the distance is about 111.2 km', () => {
    assert.ok(Math.abs(distanceM({ lat: 0, lon: 0 }, { lat: 1, lon: 0 }) - 111_195) < 5);
  });
  it('When a point is just inside or just outside a circle, then it is in or out', () => {
    const fence = { shape: 'circle' as const, center: nairobi, radiusM: 500 };
    assert.equal(insideGeofence(fence, { lat: nairobi.lat + 0.0044, lon: nairobi.lon }), true); // ≈ 489 m
    assert.equal(insideGeofence(fence, { lat: nairobi.lat + 0.0046, lon: nairobi.lon }), false); // ≈ 511 m
  });
  it('When a point is inside, outside or in the notch of a concave polygon, then the even-odd rule decides', () => {
    const u = [{ lat: 0, lon: 0 }, { lat: 0, lon: 3 }, { lat: 3, lon: 3 }, { lat: 3, lon: 2 }, { lat: 1, lon: 2 }, { lat: 1, lon: 1 }, { lat: 3, lon: 1 }, { lat: 3, lon: 0 }];
    assert.equal(insidePolygon({ lat: 0.5, lon: 1.5 }, u), true);
    assert.equal(insidePolygon({ lat: 2, lon: 1.5 }, u), false, 'in the notch');
    assert.equal(insidePolygon({ lat: 2, lon: 0.5 }, u), true);
    assert.equal(insidePolygon({ lat: -1, lon: 1 }, u), false);
    assert.equal(insideGeofence({ shape: 'polygon', points: u }, { lat: 2, lon: 2.5 }), true);
  });
});

describe('iot-gateway covenants: door hours', () => {
  const cov: DoorHoursCovenant = { utcOffsetMinutes: 180, windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' }] };
  // 2026-11-23 is a Monday.
  it('When the door opens at the window edges in local time, then from is allowed and to is not', () => {
    assert.equal(doorOpenAllowed(cov, Date.UTC(2026, 10, 23, 5, 0)), true, '08:00 local');
    assert.equal(doorOpenAllowed(cov, Date.UTC(2026, 10, 23, 4, 59)), false, '07:59 local');
    assert.equal(doorOpenAllowed(cov, Date.UTC(2026, 10, 23, 14, 59)), true, '17:59 local');
    assert.equal(doorOpenAllowed(cov, Date.UTC(2026, 10, 23, 15, 0)), false, '18:00 local');
  });
  it('When the UTC day differs from the local day, then the local weekday decides', () => {
    // Saturday 01:00 local = Friday 22:00 UTC: closed (not a weekday window at 01:00 anyway); Monday 08:30 local = Monday 05:30 UTC.
    assert.equal(doorOpenAllowed(cov, Date.UTC(2026, 10, 27, 22, 0)), false);
    const late: DoorHoursCovenant = { utcOffsetMinutes: -300, windows: [{ days: ['sun'], from: '20:00', to: '24:00' }] };
    assert.equal(doorOpenAllowed(late, Date.UTC(2026, 10, 23, 2, 0)), true, 'Sunday 21:00 local is Monday 02:00 UTC');
  });
});

describe('iot-gateway covenants: excursions and quantities', () => {
  const rule = { min: 2, max: 8, maxOutOfRangeSeconds: 60 };
  it('When a value leaves the range, then the excursion starts and breaches only once the tolerance has passed', () => {
    const a = stepExcursion(undefined, rule, 9, 0);
    assert.deepEqual(a, { excursion: { since: 0 }, breached: false });
    assert.equal(stepExcursion(a.excursion, rule, 9, 59_999).breached, false);
    assert.equal(stepExcursion(a.excursion, rule, 9, 60_000).breached, true);
    assert.equal(lasted(a.excursion, rule, 60_000), true);
  });
  it('When the value returns to range, even at the bounds, then the excursion ends', () => {
    assert.deepEqual(stepExcursion({ since: 0 }, rule, 8, 10), { excursion: undefined, breached: false });
    assert.deepEqual(stepExcursion({ since: 0 }, rule, 2, 10), { excursion: undefined, breached: false });
  });
  it('When the tolerance is zero, then the first out-of-range reading breaches', () => {
    assert.equal(stepExcursion(undefined, { ...rule, maxOutOfRangeSeconds: 0 }, 1.9, 5).breached, true);
  });
  it('When sensor totals are converted to the receipt unit, then kg, t and counts map exactly', () => {
    assert.equal(measureFor('kg'), 'load-cell');
    assert.equal(measureFor('bag'), 'rfid');
    assert.equal(measureFor('l'), undefined);
    assert.equal(sensorUnits(1234.5678, 'kg'), 1_234_568n);
    assert.equal(sensorUnits(1234.5, 't'), 1_235n, '1.2345 t to the kg');
    assert.equal(sensorUnits(40, 'bag'), 40n);
    assert.equal(sensorUnits(-3, 'kg'), 0n);
  });
});
