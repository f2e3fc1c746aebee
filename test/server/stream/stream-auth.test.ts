import assert from 'node:assert/strict';
import { openStreamHarness, StreamClient, upgradeStatus, type StreamHarness } from './stream-harness.js';

describe('server/stream: token at the upgrade', () => {
  let h: StreamHarness;
  before(async () => {
    h = await openStreamHarness();
  });
  after(async () => h.close());

  it('When no token is given, then the upgrade is answered 401 problem+json and no socket is opened', async () => {
    const { status, body } = await upgradeStatus(`${h.url}/v1/stream`);
    assert.equal(status, 401);
    assert.equal(JSON.parse(body).code, 'UNAUTHENTICATED');
    assert.equal(h.stream.clients(), 0);
  });

  it('When the token is malformed, unknown, expired or revoked, then the upgrade is answered 401', async () => {
    const expired = await h.token('bank-a', 1_000);
    const revoked = await h.token('bank-a');
    await h.tokens.revoke(revoked.id, new Date(h.ledger.clock.now()).toISOString());
    h.ledger.clock.advance(2_000);
    const unknown = (await h.token('bank-a')).token.slice(0, -4) + 'AAAA';
    for (const token of ['nonsense', unknown, expired.token, revoked.token]) {
      const { status, body } = await upgradeStatus(`${h.url}/v1/stream`, { authorization: `Bearer ${token}` });
      assert.equal(status, 401, token);
      assert.match(JSON.parse(body).detail, /token is (malformed|unknown|expired|revoked)/);
      const viaQuery = await upgradeStatus(`${h.url}/v1/stream?token=${encodeURIComponent(token)}`);
      assert.equal(viaQuery.status, 401);
    }
    assert.equal(h.stream.clients(), 0);
  });

  it('When the Authorization header is not "Bearer <token>", then the upgrade is answered 401', async () => {
    const { token } = await h.token('bank-a');
    assert.equal((await upgradeStatus(`${h.url}/v1/stream`, { authorization: `Basic ${token}` })).status, 401);
  });

  it('When the query is malformed (bad since, unknown parameter, token twice), then the upgrade is answered 400', async () => {
    const { token } = await h.token('bank-a');
    const auth = { authorization: `Bearer ${token}` };
    assert.equal((await upgradeStatus(`${h.url}/v1/stream?since=-1`, auth)).status, 400);
    assert.equal((await upgradeStatus(`${h.url}/v1/stream?since=1e3`, auth)).status, 400);
    assert.equal((await upgradeStatus(`${h.url}/v1/stream?channels=x`, auth)).status, 400);
    assert.equal((await upgradeStatus(`${h.url}/v1/stream?token=${token}`, auth)).status, 400);
    assert.equal((await upgradeStatus(`${h.url}/v1/stream?token=${token}&token=${token}`)).status, 400);
  });

  it('When the path is not /v1/stream, then the upgrade is answered 404', async () => {
    const { token } = await h.token('bank-a');
    assert.equal((await upgradeStatus(`${h.url}/v1/other`, { authorization: `Bearer ${token}` })).status, 404);
  });

  it('When a valid token is given in the header or as ?token=, then the socket opens and counts as a client', async () => {
    const viaHeader = await h.connect('bank-a');
    const { token } = await h.token('bank-b');
    const viaQuery = await StreamClient.open(`${h.url}/v1/stream?token=${encodeURIComponent(token)}`);
    assert.equal(h.stream.clients(), 2);
    viaHeader.ws.close();
    viaQuery.ws.close();
    await Promise.all([viaHeader.closed, viaQuery.closed]);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.stream.clients(), 0);
  });

  it('When the party of a valid token has been revoked, then the upgrade is answered 401', async () => {
    const { token } = await h.token('bob');
    await h.ledger.submit('party.revoke', { party: 'bob', reason: 'test' }, [h.ledger.operator]);
    const { status } = await upgradeStatus(`${h.url}/v1/stream`, { authorization: `Bearer ${token}` });
    assert.equal(status, 401);
  });
});
