// Integration: covenant monitor on a real ledger behind the embedded broker, with real mqtt.js devices.
import assert from 'node:assert/strict';
import type { Alert, Receipt } from '../../../contracts/state.js';
import type { GatewayEventMap } from '../../../iot-gateway/gateway-events.js';
import type { Gateway } from '../../../iot-gateway/index.js';
import { connectDevice, endAll, publish, topicOf } from '../support/devices.js';
import { openGatewayWorld, type GatewayWorld } from '../support/gateway-world.js';
import { iso, signed, T0, weight } from '../support/readings.js';

function nextAlert(gw: Gateway, ms = 2000): Promise<GatewayEventMap['alert']> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no alert within ${ms} ms`));
    }, ms);
    const off = gw.on('alert', (a) => {
      clearTimeout(timer);
      off();
      resolve(a);
    });
  });
}

describe('iot-gateway covenant monitor: alerts on the ledger', function () {
  this.timeout(15_000);
  let g: GatewayWorld;
  let receipt: string;
  let pledge: string;

  before(async () => {
    g = await openGatewayWorld({ monitorTickMs: 50 });
    await g.w.registerDevice('scale-1', ['load-cell'], { lot: 'LOT-1' });
    await g.w.registerDevice('scale-2', ['load-cell'], { lot: 'LOT-1' });
    await g.w.registerDevice('temp-1', ['temperature']);
    await g.w.registerDevice('other-1', ['load-cell'], { lot: 'LOT-9' });
    receipt = await g.w.issue('LOT-1', '1000.000', 'kg');
    pledge = await g.w.pledge(receipt, { quantityFloor: '900.000', temperature: { minC: 2, maxC: 8, maxOutOfRangeSeconds: 60 } });
    await g.restart();
  });
  after(async () => {
    await g.close();
  });

  it('When the weight on a pledged lot drops below the floor, then a critical alert.raise is committed within 2 s and freezes the receipt', async () => {
    const s1 = await connectDevice(g.gw.mqttPort, 'scale-1', T0);
    const s2 = await connectDevice(g.gw.mqttPort, 'scale-2', T0);
    const other = await connectDevice(g.gw.mqttPort, 'other-1', T0);
    assert.equal(await publish(s1, topicOf('scale-1'), JSON.stringify(signed(weight('scale-1', 0, 500)))), 'acked');
    assert.equal(await publish(s2, topicOf('scale-2'), JSON.stringify(signed(weight('scale-2', 0, 500)))), 'acked');
    assert.equal(await publish(other, topicOf('other-1'), JSON.stringify(signed(weight('other-1', 0, 0)))), 'acked', 'another lot\'s scale');
    await g.gw.flush();
    assert.equal(g.gw.stats().alertsRaised, 0);

    const started = Date.now();
    const alert = nextAlert(g.gw);
    assert.equal(await publish(s2, topicOf('scale-2'), JSON.stringify(signed(weight('scale-2', 1, 300, T0 + 1000)))), 'acked');
    const a = await alert;
    assert.ok(Date.now() - started < 2000);
    assert.deepEqual([a.pledge, a.receipt, a.covenant, a.severity], [pledge, receipt, 'quantityFloor', 'critical']);
    const state = await g.w.h.store.getState([{ kind: 'alert', id: a.alertId }, { kind: 'receipt', id: receipt }]);
    assert.equal((state.get(`alert:${a.alertId}`)!.object as Alert).status, 'open');
    assert.deepEqual((state.get(`receipt:${receipt}`)!.object as Receipt).frozenBy, [a.alertId]);

    // Still breached, and even after recovery: the open alert is not raised again nor cleared.
    assert.equal(await publish(s2, topicOf('scale-2'), JSON.stringify(signed(weight('scale-2', 2, 200, T0 + 2000)))), 'acked');
    assert.equal(await publish(s2, topicOf('scale-2'), JSON.stringify(signed(weight('scale-2', 3, 500, T0 + 3000)))), 'acked');
    await g.gw.flush();
    assert.equal(g.gw.stats().alertsRaised, 1);
    const again = await g.w.h.store.getState([{ kind: 'alert', id: a.alertId }]);
    assert.equal((again.get(`alert:${a.alertId}`)!.object as Alert).status, 'open');
    await endAll();
  });

  it('When a temperature excursion started before a restart, then its start time survives and the breach is raised after it', async () => {
    const temp = (seq: number, ms: number) => JSON.stringify(signed({ device: 'temp-1', seq, ts: iso(ms), kind: 'temperature', values: { c: 12 } }));
    const t1 = await connectDevice(g.gw.mqttPort, 'temp-1', g.w.h.clock.now());
    assert.equal(await publish(t1, topicOf('temp-1'), temp(0, T0)), 'acked');
    await g.gw.flush();
    await endAll();
    await g.restart({ monitorTickMs: 60_000 });
    g.w.h.clock.advance(61_000);
    const alert = nextAlert(g.gw);
    const t2 = await connectDevice(g.gw.mqttPort, 'temp-1', g.w.h.clock.now());
    assert.equal(await publish(t2, topicOf('temp-1'), temp(1, T0 + 61_000)), 'acked');
    const a = await alert;
    assert.deepEqual([a.covenant, a.severity, a.devices], ['temperature', 'warning', ['temp-1']]);
    assert.match(a.message, /for 61 s/);
  });
});
