import assert from 'node:assert/strict';
import { CLOSE } from '../../../server/stream/stream-protocol.js';
import { openStreamHarness, type StreamHarness } from './stream-harness.js';

describe('server/stream: a client that breaks the protocol', () => {
  let h: StreamHarness;
  before(async () => {
    h = await openStreamHarness({ maxPayload: 4096 });
  });
  after(async () => h.close());

  it('When a client sends text that is not JSON, then it gets an error message and close 1007', async () => {
    const c = await h.connect('bank-a');
    c.send('hello');
    const closed = await c.closed;
    assert.equal(closed.code, CLOSE.invalidPayload);
    assert.deepEqual(c.messages.map((m) => m.type), ['error']);
    assert.equal((c.messages[0] as { code: string }).code, 'MESSAGE_MALFORMED');
  });

  it('When a client sends an unknown channel, then it gets MESSAGE_INVALID and close 1008', async () => {
    const c = await h.connect('bank-a');
    c.subscribe(['receipts', 'gossip']);
    assert.equal((await c.closed).code, CLOSE.policy);
    assert.equal((c.messages[0] as { code: string }).code, 'MESSAGE_INVALID');
  });

  it('When a client sends a binary message, then it is closed with 1003', async () => {
    const c = await h.connect('bank-a');
    c.ws.send(Buffer.from('{"op":"subscribe","channels":["receipts"]}'));
    assert.equal((await c.closed).code, CLOSE.unsupportedData);
  });

  it('When a client sends more than maxPayload bytes, then it is closed with 1009 before the message is parsed', async () => {
    const c = await h.connect('bank-a');
    c.send(JSON.stringify({ op: 'subscribe', channels: ['receipts'], pad: 'x'.repeat(5000) }));
    assert.equal((await c.closed).code, CLOSE.tooBig);
    assert.equal(c.messages.length, 0);
  });

  it('When a client subscribes twice, then the second subscribe is refused with ALREADY_SUBSCRIBED and close 1008', async () => {
    const c = await h.connect('bank-a');
    c.subscribe(['receipts']);
    await c.waitFor((m) => m.type === 'caught-up');
    c.subscribe(['pledges']);
    assert.equal((await c.closed).code, CLOSE.policy);
    assert.ok(c.messages.some((m) => m.type === 'error' && m.code === 'ALREADY_SUBSCRIBED'));
  });

  it('When since is beyond the log size, then the client gets SINCE_OUT_OF_RANGE and close 1008', async () => {
    const c = await h.connect('bank-a');
    c.subscribe(['receipts'], 1_000_000);
    assert.equal((await c.closed).code, CLOSE.policy);
    assert.ok(c.messages.some((m) => m.type === 'error' && m.code === 'SINCE_OUT_OF_RANGE'));
  });

  it('When a client subscribes without since, then it is told the log size and is live at once', async () => {
    const c = await h.connect('bank-a');
    c.subscribe(['ledger']);
    const subscribed = await c.waitFor((m) => m.type === 'subscribed');
    const size = (await h.ledger.store.latestCheckpoint())!.size;
    assert.deepEqual(subscribed, { type: 'subscribed', channels: ['ledger'], since: null, size });
    assert.deepEqual(await c.waitFor((m) => m.type === 'caught-up'), { type: 'caught-up', next: size });
    c.ws.close();
    await c.closed;
  });
});
