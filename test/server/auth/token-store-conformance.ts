// One conformance suite for every TokenStore adapter (SQLite, PostgreSQL): an adapter is conformant when all of
// these pass against it unchanged.
import assert from 'node:assert/strict';
import { checkToken, hashToken, newToken, type TokenRecord, type TokenStore } from '../../../server/auth/token-store.js';

export interface TokenStoreHarness {
  readonly store: TokenStore;
  /** Close and reopen the same storage (durable adapters). */
  reopen?(): Promise<TokenStore>;
  cleanup(): Promise<void>;
}

const NOW = Date.UTC(2026, 10, 24);
const iso = (ms: number): string => new Date(ms).toISOString();

function issue(party: string, opts: { expiresInMs?: number } = {}): { record: TokenRecord; token: string; hash: string } {
  const { id, token } = newToken();
  const record: TokenRecord = { id, party, createdAt: iso(NOW), expiresAt: iso(NOW + (opts.expiresInMs ?? 86_400_000)), revokedAt: undefined };
  return { record, token, hash: hashToken(token) };
}

export function tokenStoreConformance(adapter: string, open: () => Promise<TokenStoreHarness>): void {
  describe(`TokenStore conformance: ${adapter}`, () => {
    let h: TokenStoreHarness;
    beforeEach(async () => {
      h = await open();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('When the store is new, then it lists nothing and finds nothing', async () => {
      assert.deepEqual(await h.store.list(), []);
      assert.equal(await h.store.findByHash(hashToken('lh_000000000000_x')), undefined);
    });

    it('When a token is inserted, then it is found by the hash of its secret exactly as given, and not by anything else', async () => {
      const t = issue('bank-1');
      await h.store.insert(t.record, t.hash);
      assert.deepEqual(await h.store.findByHash(t.hash), t.record);
      assert.equal(await h.store.findByHash(hashToken(`${t.token}x`)), undefined);
      assert.equal(await h.store.findByHash(t.record.id), undefined, 'the public id is not a secret');
    });

    it('When a token is revoked, then the first revocation stamps it and later ones change nothing', async () => {
      const t = issue('bank-1');
      await h.store.insert(t.record, t.hash);
      assert.equal(await h.store.revoke(t.record.id, iso(NOW + 1000)), true);
      assert.equal(await h.store.revoke(t.record.id, iso(NOW + 2000)), false);
      assert.equal(await h.store.revoke('tk_000000000000', iso(NOW)), false, 'an unknown id');
      assert.equal((await h.store.findByHash(t.hash))?.revokedAt, iso(NOW + 1000));
    });

    it('When tokens of several parties exist, then list returns them in id order, all or one party', async () => {
      const made = [issue('bank-1'), issue('wh-1'), issue('bank-1'), issue('holder-9')];
      for (const t of made) await h.store.insert(t.record, t.hash);
      const byId = [...made].sort((a, b) => (a.record.id < b.record.id ? -1 : 1));
      assert.deepEqual((await h.store.list()).map((r) => r.id), byId.map((t) => t.record.id));
      assert.deepEqual(
        (await h.store.list('bank-1')).map((r) => r.id),
        byId.filter((t) => t.record.party === 'bank-1').map((t) => t.record.id),
      );
      assert.deepEqual(await h.store.list('nobody'), []);
    });

    it('When a token id or secret hash is inserted twice, then the second insert is refused and the first stays', async () => {
      const t = issue('bank-1');
      await h.store.insert(t.record, t.hash);
      const other = issue('wh-1');
      await assert.rejects(h.store.insert({ ...other.record, id: t.record.id }, other.hash));
      await assert.rejects(h.store.insert(other.record, t.hash));
      assert.deepEqual(await h.store.list(), [t.record]);
    });

    it('When checkToken asks the store, then valid, revoked, expired, unknown and malformed tokens are told apart', async () => {
      const valid = issue('bank-1');
      const revoked = issue('bank-1');
      const expired = issue('bank-1', { expiresInMs: -1 });
      for (const t of [valid, revoked, expired]) await h.store.insert(t.record, t.hash);
      await h.store.revoke(revoked.record.id, iso(NOW));
      const check = async (token: string) => {
        const r = await checkToken(h.store, token, NOW);
        return r.ok ? 'ok' : r.reason;
      };
      assert.equal(await check(valid.token), 'ok');
      assert.equal(await check(revoked.token), 'revoked');
      assert.equal(await check(expired.token), 'expired');
      assert.equal(await check(newToken().token), 'unknown');
      assert.equal(await check('Bearer nonsense'), 'malformed');
    });

    it('When the storage is reopened, then tokens and revocations are still there', async function () {
      if (h.reopen === undefined) this.skip();
      const a = issue('bank-1');
      const b = issue('wh-1');
      await h.store.insert(a.record, a.hash);
      await h.store.insert(b.record, b.hash);
      await h.store.revoke(b.record.id, iso(NOW));
      const again = await h.reopen!();
      assert.deepEqual(await again.findByHash(a.hash), a.record);
      assert.equal((await again.findByHash(b.hash))?.revokedAt, iso(NOW));
    });
  });
}
