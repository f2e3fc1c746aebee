// Integration: the simulator's devices against the embedded gateway on a real ledger, with every fault injected.
import assert from 'node:assert/strict';
import { systemClock } from '../../../ledger/clock.js';
import { simulate, simulatedDevices, deviceRegistrations } from '../../../iot-gateway/simulator/simulator.js';
import { openGatewayWorld, type GatewayWorld } from '../support/gateway-world.js';
import { WAREHOUSE, SITE } from '../support/world.js';
import { eventually } from '../support/devices.js';

describe('iot-gateway simulator: against the embedded gateway', function () {
  this.timeout(20_000);
  let g: GatewayWorld;
  after(async () => {
    await g.close();
  });

  it('When 7 devices publish with faults, then readings are stored, the replay is a duplicate, the forgery refused, the silent device absent, and the weight drop raises an alert', async () => {
    g = await openGatewayWorld({ monitorTickMs: 100 });
    g.w.h.clock.set(Date.now());
    const devices = simulatedDevices(7, { secret: 'test', prefix: 'sim' }); // load-cell, temperature, humidity, rfid, door, gps, camera
    for (const body of deviceRegistrations(devices, WAREHOUSE, SITE, 'LOT-S')) await g.w.h.submit('device.register', body, [g.w.warehouse]);
    const receipt = await g.w.issue('LOT-S', '500.000', 'kg');
    await g.w.pledge(receipt, { quantityFloor: '400.000' });
    await g.restart({ monitorTickMs: 100 });
    const alerts: string[] = [];
    g.gw.on('alert', (a) => alerts.push(a.covenant));

    const sim = await simulate({
      url: `mqtt://127.0.0.1:${g.gw.mqttPort}`, warehouse: WAREHOUSE, devices, rate: 20, durationMs: 1200, clock: systemClock, statusEvery: 5,
      faults: [
        { kind: 'weight-drop', device: 'sim-1', afterMs: 400 },
        { kind: 'replay', device: 'sim-2', afterMs: 300 },
        { kind: 'forged-signature', device: 'sim-3', afterMs: 300 },
        { kind: 'silent', device: 'sim-4', afterMs: 0 },
        { kind: 'drift', device: 'sim-2', afterMs: 0 },
        { kind: 'leave-geofence', device: 'sim-6', afterMs: 600 },
      ],
    });
    const final = await sim.done;
    assert.equal(final.failed, 0);
    assert.ok(final.acked > 60, `acked ${final.acked}`);
    assert.equal(final.replayed, 1);
    assert.equal(final.forged, 1);
    assert.equal(final.perDevice['sim-4'], undefined);
    await g.gw.flush();
    const s = g.gw.stats();
    assert.equal(s.duplicates, 1);
    assert.equal(s.rejected.SIGNATURE_INVALID, 1);
    assert.equal(s.stored, final.published - 2);
    assert.equal(s.gaps, 1, 'the forged reading\'s seq is a gap');
    await eventually(() => alerts.includes('quantityFloor'), 2000, 'quantityFloor alert');
  });
});
