import assert from 'node:assert/strict';
import { CLOSE } from '../../../server/stream/stream-protocol.js';
import { openStreamHarness, StreamClient, waitUntil, type StreamHarness } from './stream-harness.js';

describe('server/stream: heartbeats and the lifetime of a connection', () => {
  let h: StreamHarness;
  before(async () => {
    h = await openStreamHarness({ heartbeatMs: 40 });
  });
  after(async () => h.close());

  it('When a client does not answer pings, then the server terminates it; a client that answers stays', async () => {
    const silent = await h.connect('bank-a', '', { autoPong: false });
    const healthy = await h.connect('bank-b');
    const closed = await silent.closed;
    assert.equal(closed.code, 1006); // terminated: no closing handshake
    await new Promise((r) => setTimeout(r, 150)); // several more beats
    assert.equal(healthy.ws.readyState, healthy.ws.OPEN);
    assert.equal(h.stream.clients(), 1);
    healthy.ws.close();
    await healthy.closed;
  });

  it('When the token is revoked while connected, then the next heartbeat closes the connection with 4001', async () => {
    const { id, token } = await h.token('bank-a');
    const c = await StreamClient.open(`${h.url}/v1/stream`, { headers: { authorization: `Bearer ${token}` } });
    await h.tokens.revoke(id, new Date(h.ledger.clock.now()).toISOString());
    const closed = await c.closed;
    assert.deepEqual(closed, { code: CLOSE.tokenInvalid, reason: 'token is revoked' });
  });

  it('When the token expires while connected, then the next heartbeat closes the connection with 4001', async () => {
    const { token } = await h.token('bank-a', 60_000);
    const c = await StreamClient.open(`${h.url}/v1/stream`, { headers: { authorization: `Bearer ${token}` } });
    h.ledger.clock.advance(61_000);
    assert.deepEqual(await c.closed, { code: CLOSE.tokenInvalid, reason: 'token is expired' });
  });

  it('When the stream is closed, then every client gets 1001 and no new upgrade is accepted', async () => {
    const other = await openStreamHarness();
    const a = await other.connect('bank-a');
    const b = await other.connect('regulator');
    b.subscribe(['ledger'], 0);
    await b.waitFor((m) => m.type === 'caught-up');
    await other.stream.close();
    assert.deepEqual((await a.closed).code, CLOSE.goingAway);
    assert.deepEqual((await b.closed).code, CLOSE.goingAway);
    assert.equal(other.stream.clients(), 0);
    await assert.rejects(other.connect('bank-a'));
    await other.close();
  });

  it('When clients come and go, then clients() counts the open ones', async () => {
    const before = h.stream.clients();
    const cs = await Promise.all([h.connect('alice'), h.connect('alice'), h.connect('bob')]);
    assert.equal(h.stream.clients(), before + 3);
    for (const c of cs) c.ws.close();
    await waitUntil(() => h.stream.clients() === before, 2_000, 'clients to go');
  });
});
