import assert from 'node:assert/strict';
import { CHANNELS } from '../../../server/stream/channels.js';
import type { ServerMessage } from '../../../server/stream/stream-protocol.js';
import { LOT, issueBody, pledgeBody, runLifecycle } from '../../support/lifecycle.js';
import { openStreamHarness, type StreamClient, type StreamHarness } from './stream-harness.js';

const ALL = [...CHANNELS];
const mentions = (m: ServerMessage, ids: string[]) => ids.some((id) => JSON.stringify(m).includes(`"${id}"`));

describe('server/stream: each party sees only what it may read', () => {
  let h: StreamHarness;
  let r2: string;
  before(async () => {
    h = await openStreamHarness();
    ({ r2 } = await runLifecycle(h.ledger, h.cast));
  });
  after(async () => h.close());

  async function subscribed(party: string, since?: number): Promise<StreamClient> {
    const c = await h.connect(party);
    c.subscribe(ALL, since);
    await c.waitFor((m) => m.type === 'caught-up');
    return c;
  }

  it("When bank-a is subscribed to everything, then it receives nothing about bank-b's pledge, live or replayed", async () => {
    const from = (await h.ledger.store.latestCheckpoint())!.size;
    const [bankA, bankB, regulator] = [await subscribed('bank-a'), await subscribed('bank-b'), await subscribed('regulator')];
    const { warehouse, bob, bankB: bankBKey, alice, bankA: bankAKey } = h.cast;
    const issued = await h.ledger.submit('receipt.issue', issueBody('35.000', 'bob'), [warehouse]);
    const r3 = `rc-${String(issued.index).padStart(12, '0')}`;
    const pledgeB = `pl-${String((await h.ledger.submit('pledge.create', pledgeBody(r3, 'bank-b'), [bob, bankBKey])).index).padStart(12, '0')}`;
    // A sentinel bank-a may see, committed after bank-b's pledge: events arrive in log order, so once bank-a has
    // it, anything about bank-b's pledge would already have arrived.
    const pledgeA = `pl-${String((await h.ledger.submit('pledge.create', { ...pledgeBody(r2, 'bank-a'), covenants: { quantityFloor: '20.000' } }, [alice, bankAKey])).index).padStart(12, '0')}`;
    await bankA.waitFor((m) => m.type === 'event' && m.event.type === 'pledge.created' && mentions(m, [pledgeA]));
    await bankB.waitFor((m) => m.type === 'event' && m.event.type === 'pledge.created' && mentions(m, [pledgeB]));
    await regulator.waitFor((m) => m.type === 'event' && mentions(m, [pledgeA]));

    assert.deepEqual(bankA.messages.filter((m) => mentions(m, [r3, pledgeB, 'bob'])), []);
    assert.deepEqual(bankB.messages.filter((m) => mentions(m, [r2, pledgeA])), []);
    assert.ok(regulator.messages.some((m) => mentions(m, [pledgeB])));
    // Checkpoints are public: bank-a got them, although it saw no event of those entries.
    assert.ok(bankA.messages.some((m) => m.type === 'checkpoint' && m.size > from));

    const replayA = await subscribed('bank-a', from);
    assert.deepEqual(replayA.messages.filter((m) => mentions(m, [r3, pledgeB])), []);
    assert.ok(replayA.messages.some((m) => mentions(m, [pledgeA])));
  });

  it("When several sessions of two banks share each committed batch, then every session gets its own bank's events only, as text frames", async () => {
    const sessions = [];
    for (let i = 0; i < 3; i++) for (const party of ['bank-b', 'bank-a']) sessions.push({ party, client: await subscribed(party) });
    const { warehouse, bob, bankB: bankBKey } = h.cast;
    await h.ledger.submit('lot.deposit', { ...LOT, lot: 'LOT-SESSIONS' }, [warehouse]);
    const issued = await h.ledger.submit('receipt.issue', { ...issueBody('50.000', 'bob'), lot: 'LOT-SESSIONS' }, [warehouse]);
    const receipt = `rc-${String(issued.index).padStart(12, '0')}`;
    const pledge = `pl-${String((await h.ledger.submit('pledge.create', pledgeBody(receipt, 'bank-b'), [bob, bankBKey])).index).padStart(12, '0')}`;
    const checkpointed = (c: StreamClient) => c.waitFor((m) => m.type === 'checkpoint' && m.size > issued.index + 1);
    await Promise.all(sessions.map(({ client }) => checkpointed(client)));
    for (const { party, client } of sessions) {
      assert.equal(client.messages.some((m) => m.type === 'event' && mentions(m, [pledge])), party === 'bank-b', `${party} session`);
      assert.equal(client.binaryFrames, 0);
    }
  });

  it('When a holder subscribes to receipts only, then it gets its receipt events and no pledge events', async () => {
    const receiptsOnly = await h.connect('alice');
    receiptsOnly.subscribe(['receipts'], 0);
    await receiptsOnly.waitFor((m) => m.type === 'caught-up');
    assert.ok(receiptsOnly.events().length > 0);
    assert.ok(receiptsOnly.events().every((e) => e.channel === 'receipts' && /^(receipt|lot)\./.test(e.event.type)));
    assert.ok(receiptsOnly.messages.every((m) => m.type !== 'checkpoint'));
  });
});
