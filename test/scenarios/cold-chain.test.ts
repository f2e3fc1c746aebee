// Scenario 4: a cold-chain breach on a perishable lot. See docs/scenarios.md.
import assert from 'node:assert/strict';
import type { Alert, Receipt } from '../../contracts/index.js';
import { verifyReadingProof, type ReadingProof } from '../../iot-gateway/index.js';
import type { TestKey } from '../support/ledger-harness.js';
import { BankStream } from './support/bank-feeds.js';
import { registerDevice, type Device } from './support/devices.js';
import { deposit, issueBody, lotOf, pledge } from './support/goods.js';
import { eventually, nowIso, receiptId, startWorld, type World } from './support/world.js';

describe('Scenario: a cold-chain breach on a perishable lot', function () {
  this.timeout(60_000);
  let w: World;
  let warehouse: TestKey;
  let bank: TestKey;
  let bankToken: string;
  let stream: BankStream;
  let probe: Device;
  let receipt: string;

  before(async () => {
    w = await startWorld();
    let borrower: TestKey;
    [warehouse, borrower, bank] = await Promise.all([w.party('wh-cold', 'warehouse'), w.party('fishery', 'holder'), w.party('bank-cold', 'bank')]);
    bankToken = await w.token(bank.id);
    const l = { ...lotOf('lot-fish', '20.000', 't'), commodity: 'frozen tuna' };
    await deposit(w, warehouse, l);
    receipt = receiptId(await w.commit('receipt.issue', { ...issueBody(warehouse, borrower, l), expiry: nowIso(Date.now() + 30 * 86_400_000) }, [warehouse]));
    probe = await registerDevice(w, warehouse, 'probe-cold', ['temperature'], l.site, l.lot);
    await pledge(w, receipt, borrower, bank, { temperature: { minC: -25, maxC: -15, maxOutOfRangeSeconds: 60 } });
    stream = await BankStream.open(w.url, bankToken, ['alerts']);
    await probe.connect(w.system.mqttPort);
  });
  after(async () => {
    await Promise.all([probe.end(), stream?.close()]);
    await w.close();
  });

  it('When the temperature leaves the range only briefly (within maxOutOfRangeSeconds), then no alert is raised', async () => {
    const t0 = Date.now() - 600_000; // the probe uploads its buffered readings, device-timed
    for (const [s, c] of [[0, -20], [10, -10], [40, -11], [50, -19]] as const) assert.equal(await probe.send('temperature', { values: { c } }, { tsMs: t0 + s * 1000 }), 'acked');
    await new Promise((r) => setTimeout(r, 1500)); // past a monitor tick
    const alerts = (await w.get<{ items: Alert[] }>('/v1/alerts', bankToken)).body.items;
    assert.deepEqual(alerts, []);
  });

  it('When the temperature stays out of range longer than maxOutOfRangeSeconds, then the bank gets a temperature alert with the anchored evidence, and the receipt is not frozen (a warning)', async () => {
    const t0 = Date.now() - 300_000;
    for (const [s, c] of [[0, -8], [30, -6], [61, -5], [120, -4]] as const) assert.equal(await probe.send('temperature', { values: { c } }, { tsMs: t0 + s * 1000 }), 'acked');
    const pushed = await stream.waitFor((m) => m.type === 'event' && m.event?.type === 'alert.raised', 3000);
    assert.equal(pushed.msg.event?.data?.['severity'], 'warning');
    const alert = (await w.get<{ items: Alert[] }>('/v1/alerts', bankToken)).body.items.find((a) => a.receipt === receipt)!;
    assert.equal(alert.covenant, 'temperature');
    assert.deepEqual(alert.devices, ['probe-cold']);
    // Observed by the reading that crossed the tolerance, or by the monitor's next tick, whichever came first.
    assert.ok(Date.parse(alert.observedAt) - t0 >= 60_000, alert.observedAt);
    const r = (await w.get<Receipt>(`/v1/receipts/${receipt}`, bankToken)).body;
    assert.deepEqual(r.frozenBy, [], 'a warning does not freeze');

    // The bank can prove the breaching reading to a court: it is anchored in the signed log.
    const readings = (await w.get<{ readings: { id: number; ts: string; values: { c: number } }[] }>('/v1/telemetry?device=probe-cold', bankToken)).body.readings;
    const crossing = readings.find((x) => x.ts === new Date(t0 + 61_000).toISOString())!;
    assert.equal(crossing.values.c, -5);
    const logKey = (await w.get('/v1/ledger/key')).body as unknown as string;
    const proof = await eventually(async () => {
      const a = await w.get<ReadingProof>(`/v1/telemetry/readings/${crossing.id}/proof`, bankToken);
      return a.status === 200 ? a.body : undefined;
    }, 5000, 'the reading to be anchored');
    assert.deepEqual(verifyReadingProof(proof, { logKey: logKey.trim() }), { ok: true });
  });
});
