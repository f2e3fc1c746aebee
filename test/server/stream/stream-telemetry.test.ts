import assert from 'node:assert/strict';
import type { ServerMessage } from '../../../server/stream/stream-protocol.js';
import type { LiveReading } from '../../../server/stream/telemetry-feed.js';
import { testKey } from '../../support/ledger-harness.js';
import { LOT, pledgeBody, runLifecycle } from '../../support/lifecycle.js';
import { openStreamHarness, type StreamClient, type StreamHarness } from './stream-harness.js';

let readingId = 0;
function reading(device: string, c: number, extra: Partial<LiveReading> = {}): LiveReading {
  return { id: ++readingId, device, warehouse: 'wh-north', kind: 'temperature', ts: '2026-11-24T00:00:00.000Z', values: { c }, ...extra };
}

const readings = (c: StreamClient) => c.messages.filter((m): m is Extract<ServerMessage, { type: 'reading' }> => m.type === 'reading');

describe('server/stream: live telemetry', () => {
  let h: StreamHarness;
  let r1: string;
  before(async () => {
    h = await openStreamHarness();
    ({ r1 } = await runLifecycle(h.ledger, h.cast)); // r1 was pledged to bank-a and released; alice holds r1 and r2
    const body = { id: 'cell-1', warehouse: 'wh-north', site: LOT.site, lot: LOT.lot, kinds: ['temperature'], publicKey: testKey('cell-1').publicKeyB64 };
    await h.ledger.submit('device.register', body, [h.cast.warehouse]);
  });
  after(async () => h.close());

  async function subscribed(party: string, channels = ['telemetry', 'pledges', 'ledger']): Promise<StreamClient> {
    const c = await h.connect(party);
    c.subscribe(channels);
    await c.waitFor((m) => m.type === 'caught-up');
    return c;
  }

  /** Commit something and wait until `clients` have its checkpoint: every reading published before it was handled. */
  async function barrier(clients: StreamClient[]): Promise<void> {
    await h.fill(1, `barrier-${++readingId}`);
    const size = (await h.ledger.store.latestCheckpoint())!.size;
    await Promise.all(clients.map((c) => c.waitFor((m) => m.type === 'checkpoint' && m.size === size)));
  }

  it("When a reading is published, then the device's warehouse, the lot's holder and the regulator get it; a bank without an active pledge on the lot does not", async () => {
    const clients = {
      warehouse: await subscribed('wh-north'), alice: await subscribed('alice'), regulator: await subscribed('regulator'),
      bankA: await subscribed('bank-a'), bankB: await subscribed('bank-b'), bob: await subscribed('bob'),
    };
    const r = reading('cell-1', 4.5);
    h.feed.publish(r);
    await barrier(Object.values(clients));
    for (const who of ['warehouse', 'alice', 'regulator'] as const) {
      assert.deepEqual(readings(clients[who]), [{ type: 'reading', channel: 'telemetry', reading: r }], who);
    }
    for (const who of ['bankA', 'bankB', 'bob'] as const) assert.deepEqual(readings(clients[who]), [], who);
  });

  it('When a bank takes a pledge on a receipt of the lot, then it gets the readings from then on, and loses them once released', async () => {
    const bankA = await subscribed('bank-a');
    const bankB = await subscribed('bank-b');
    const { alice, bankA: bankAKey } = h.cast;
    const created = await h.ledger.submit('pledge.create', pledgeBody(r1, 'bank-a'), [alice, bankAKey]);
    const pledge = `pl-${String(created.index).padStart(12, '0')}`;
    await bankA.waitFor((m) => m.type === 'event' && m.event.type === 'pledge.created');
    const during = reading('cell-1', 5);
    h.feed.publish(during);
    await barrier([bankA, bankB]);
    assert.deepEqual(readings(bankA).map((m) => m.reading), [during]);
    assert.deepEqual(readings(bankB), []);

    await h.ledger.submit('pledge.release', { pledge, instruction: { reference: 'RI-2', reason: 'repaid' } }, [bankAKey]);
    h.feed.publish(reading('cell-1', 6));
    await barrier([bankA]);
    assert.deepEqual(readings(bankA).map((m) => m.reading), [during]);
  });

  it('When a reading names an unknown device or another warehouse, then only all-seeing parties get it', async () => {
    const warehouse = await subscribed('wh-north');
    const regulator = await subscribed('regulator');
    h.feed.publish(reading('no-such-device', 1));
    h.feed.publish(reading('cell-1', 2, { warehouse: 'wh-south' }));
    await barrier([warehouse, regulator]);
    assert.deepEqual(readings(warehouse), []);
    assert.equal(readings(regulator).length, 2);
  });

  it('When a client did not subscribe to telemetry, then it gets no readings', async () => {
    const warehouse = await subscribed('wh-north', ['receipts', 'ledger']);
    h.feed.publish(reading('cell-1', 3));
    await barrier([warehouse]);
    assert.deepEqual(readings(warehouse), []);
  });
});
