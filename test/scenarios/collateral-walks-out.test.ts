// Scenario 3: goods leave the warehouse while pledged. See docs/scenarios.md.
import assert from 'node:assert/strict';
import type { Alert, Receipt } from '../../contracts/index.js';
import { verifyWebhookSignature } from '../../server/webhooks/webhook-signature.js';
import { fromBase64 } from '../../ledger/encoding/bytes.js';
import type { TestKey } from '../support/ledger-harness.js';
import { BankStream, WebhookReceiver } from './support/bank-feeds.js';
import { registerDevice, type Device } from './support/devices.js';
import { depositAndIssue, lotOf, pledge, releaseBody } from './support/goods.js';
import { codeOf, eventually, startWorld, type World } from './support/world.js';

const SITE = { lat: 51.8925, lon: 4.4311 };

describe('Scenario: pledged goods walk out of the warehouse', function () {
  this.timeout(60_000);
  let w: World;
  let warehouse: TestKey;
  let borrower: TestKey;
  let bank: TestKey;
  let bankToken: string;
  let stream: BankStream;
  let hooks: WebhookReceiver;
  let scale: Device;
  let gps: Device;
  let receipt: string;
  let pledged: string;

  before(async () => {
    w = await startWorld();
    [warehouse, borrower, bank] = await Promise.all([w.party('wh-exit', 'warehouse'), w.party('borrower-ex', 'holder'), w.party('bank-ex', 'bank')]);
    bankToken = await w.token(bank.id);
    const l = lotOf('lot-steel', '1000.000');
    receipt = await depositAndIssue(w, warehouse, borrower, l);
    scale = await registerDevice(w, warehouse, 'scale-ex', ['load-cell'], l.site, l.lot);
    gps = await registerDevice(w, warehouse, 'gps-ex', ['gps'], l.site, l.lot);
    pledged = await pledge(w, receipt, borrower, bank, {
      quantityFloor: '900.000', geofence: { shape: 'circle', center: SITE, radiusM: 400 },
    });
    stream = await BankStream.open(w.url, bankToken, ['alerts', 'receipts']);
    hooks = await WebhookReceiver.start();
    const reg = await w.post('/v1/webhooks', { url: hooks.url, channels: ['alerts'] }, bankToken);
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    await Promise.all([scale.connect(w.system.mqttPort), gps.connect(w.system.mqttPort)]);
    // All is well: the full weight on the scale, the tag in the yard.
    assert.equal(await scale.send('load-cell', { values: { kg: 1000 } }), 'acked');
    assert.equal(await gps.send('gps', { values: SITE }), 'acked');
  });
  after(async () => {
    await Promise.all([scale.end(), gps.end(), stream?.close(), hooks?.close()]);
    await w.close();
  });

  it('When the load cells drop and the GPS tag leaves the geofence, then the bank is alerted over WebSocket and webhook within 2 s and the receipt is frozen', async () => {
    const sent = Date.now();
    assert.equal(await scale.send('load-cell', { values: { kg: 310 } }), 'acked');
    assert.equal(await gps.send('gps', { values: { lat: SITE.lat + 0.05, lon: SITE.lon } }), 'acked');
    // Two critical alerts (weight and position), each pushed to the bank both ways.
    const isRaise = (e: { type: string; refs: Record<string, string[]> } | undefined) => e?.type === 'alert.raised' && e.refs['receipt']?.[0] === receipt;
    const pushed = await eventually(() => {
      const ws = stream.messages.filter((m) => m.msg.type === 'event' && isRaise(m.msg.event));
      return ws.length >= 2 ? ws : undefined;
    }, 2000, 'two alerts over WebSocket');
    const delivered = await eventually(() => {
      const d = hooks.deliveries.filter((h) => isRaise(h.json.event));
      return d.length >= 2 ? d : undefined;
    }, 2000, 'two alerts by webhook');
    for (const m of [...pushed, ...delivered]) assert.ok(m.at - sent <= 2000, `alert pushed after ${m.at - sent} ms`);
    assert.ok(pushed.every((m) => m.msg.event?.data?.['severity'] === 'critical'));
    // Each delivery is signed by the node's webhook key, verifiable from the raw body.
    const key = (await w.get<{ publicKey: string }>('/v1/webhooks/key')).body;
    const pub = typeof key === 'string' ? key : key.publicKey;
    for (const d of hooks.deliveries) assert.ok(verifyWebhookSignature(d.raw, d.signature, fromBase64(pub, 'key'), 'webhook'));

    const alerts = (await w.get<{ items: Alert[] }>(`/v1/alerts?status=open`, bankToken)).body.items.filter((a) => a.receipt === receipt);
    assert.deepEqual(alerts.map((a) => a.covenant).sort(), ['geofence', 'quantityFloor']);
    assert.ok(alerts.every((a) => a.severity === 'critical' && a.pledge === pledged));
    const r = (await w.get<Receipt>(`/v1/receipts/${receipt}`, bankToken)).body;
    assert.deepEqual([...r.frozenBy].sort(), alerts.map((a) => a.id).sort());
  });

  it('When the borrower and warehouse try to redeem, or the bank is talked into a transfer, while frozen, then both are refused until the bank resolves the alerts', async () => {
    const redeem = await w.tx('receipt.redeem', { receipt }, [borrower, warehouse]);
    assert.equal(codeOf(redeem), 'RECEIPT_PLEDGED');
    const transfer = await w.tx('receipt.transfer', { receipt, to: warehouse.id }, [borrower, bank]);
    assert.equal(codeOf(transfer), 'RECEIPT_FROZEN');
    // Even once the loan is repaid and the lien lifted, the open critical alerts keep the goods frozen.
    await w.commit('pledge.release', releaseBody(pledged), [bank]);
    assert.equal(codeOf(await w.tx('receipt.redeem', { receipt }, [borrower, warehouse])), 'RECEIPT_FROZEN');
    // The borrower cannot clear the alerts itself.
    const open = (await w.get<{ items: Alert[] }>(`/v1/alerts?status=open`, bankToken)).body.items.filter((a) => a.receipt === receipt);
    assert.equal(codeOf(await w.tx('alert.resolve', { alert: open[0]!.id, resolution: 'nothing to see' }, [borrower])), 'ALERT_NOT_RESOLVER');
    for (const a of open) await w.commit('alert.resolve', { alert: a.id, resolution: 'goods recounted on site; truck returned' }, [bank]);
    await stream.waitFor((m) => m.type === 'event' && m.event?.type === 'alert.resolved');
    const r = (await w.get<Receipt>(`/v1/receipts/${receipt}`, bankToken)).body;
    assert.deepEqual(r.frozenBy, []);
    const redeemed = await w.tx('receipt.redeem', { receipt }, [borrower, warehouse]);
    assert.equal(redeemed.status, 201, JSON.stringify(redeemed.body));
    await eventually(async () => (await w.get<{ status: string }>(`/v1/verify/${receipt}`)).body.status === 'redeemed', 2000, 'redeemed');
  });
});
