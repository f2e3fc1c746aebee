// Bearer authentication with the token cache (LH_TOKEN_CACHE_MS): the real app on port 0, a real SQLite token store,
// the harness's manual clock.
import assert from 'node:assert/strict';
import { hashToken, newToken } from '../../../server/auth/token-store.js';
import { openHttpHarness, type HttpHarness } from '../../support/http-harness.js';
import { registerCast } from '../../support/lifecycle.js';

const PATH = '/v1/ledger/entries?start=0&end=1';

describe('server/auth/authenticate: remembered tokens', () => {
  let h: HttpHarness;
  beforeEach(async () => {
    h = await openHttpHarness({ tokenCacheMs: 1_000 });
    await registerCast(h.ledger);
  });
  afterEach(() => h.close());

  const status = async (token: string): Promise<{ status: number; detail: string }> => {
    const res = await fetch(`${h.url}${PATH}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { detail?: string };
    return { status: res.status, detail: body.detail ?? '' };
  };

  it('When a token that authenticated is revoked, then it is refused once the cache period has passed, not before', async () => {
    const t = await h.token('regulator');
    assert.equal((await status(t.token)).status, 200);
    await h.tokens.revoke(t.id, new Date(h.ledger.clock.now()).toISOString());
    assert.equal((await status(t.token)).status, 200, 'remembered: the revocation takes effect within LH_TOKEN_CACHE_MS');
    h.ledger.clock.advance(1_000);
    assert.deepEqual(await status(t.token), { status: 401, detail: 'token is revoked' });
  });

  it('When a remembered token expires, then it is refused at once', async () => {
    const t = await h.token('regulator', 500);
    assert.equal((await status(t.token)).status, 200);
    h.ledger.clock.advance(500);
    assert.deepEqual(await status(t.token), { status: 401, detail: 'token is expired' });
  });

  it('When a token is refused, then the refusal is not remembered: once the token exists it is accepted', async () => {
    const t = newToken();
    assert.deepEqual(await status(t.token), { status: 401, detail: 'token is unknown' });
    const now = h.ledger.clock.now();
    await h.tokens.insert({ id: t.id, party: 'regulator', createdAt: new Date(now).toISOString(), expiresAt: new Date(now + 60_000).toISOString(), revokedAt: undefined }, hashToken(t.token));
    assert.equal((await status(t.token)).status, 200);
  });

  it('When the cache is off (0), then a revocation takes effect on the next request', async () => {
    await h.close();
    h = await openHttpHarness({ tokenCacheMs: 0 });
    await registerCast(h.ledger);
    const t = await h.token('regulator');
    assert.equal((await status(t.token)).status, 200);
    await h.tokens.revoke(t.id, new Date(h.ledger.clock.now()).toISOString());
    assert.deepEqual(await status(t.token), { status: 401, detail: 'token is revoked' });
  });
});
