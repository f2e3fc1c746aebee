// One suite every WebhookStore adapter must pass (memory, SQLite, PostgreSQL).
import assert from 'node:assert/strict';
import type { NewDelivery, WebhookRecord, WebhookStore } from '../../../server/webhooks/webhook-store.js';

export interface OpenedStore {
  readonly store: WebhookStore;
  close(): void | Promise<void>;
}

const T0 = '2026-11-24T00:00:00.000Z';
const T1 = '2026-11-24T00:00:01.000Z';

export function hook(id: string, owner = 'bank-a', extra: Partial<WebhookRecord> = {}): WebhookRecord {
  return {
    id, owner, url: `https://example.test/${id}`, channels: ['pledges', 'alerts'], status: 'active',
    cursor: { index: 7, seq: 0 }, createdAt: T0, updatedAt: T0, ...extra,
  };
}

const delivery = (webhook: string, index: number, seq = 0): NewDelivery => ({ webhook, index, seq, eventType: 'pledge.created', createdAt: T0 });

/** `open(kept)`: a fresh, empty store keeping `kept` deliveries per webhook. */
export function webhookStoreConformance(name: string, open: (kept: number) => OpenedStore | Promise<OpenedStore>): void {
  describe(`WebhookStore conformance: ${name}`, () => {
    let opened: OpenedStore;
    let store: WebhookStore;
    beforeEach(async () => {
      opened = await open(5);
      store = opened.store;
    });
    afterEach(async () => {
      await opened.close();
    });

    it('When a webhook is created, then get and list return it as stored', async () => {
      const w = hook('wh_00000000000000000001', 'bank-a', { pausedReason: undefined });
      await store.create(w);
      assert.deepEqual(await store.get(w.id), hook(w.id));
      assert.deepEqual(await store.list(), [hook(w.id)]);
      assert.equal(await store.get('wh_missing'), undefined);
    });

    it('When an id is created twice, then the second create fails and the first is kept', async () => {
      await store.create(hook('wh_1'));
      await assert.rejects(store.create(hook('wh_1', 'bank-b')));
      assert.equal((await store.get('wh_1'))?.owner, 'bank-a');
    });

    it('When webhooks of several owners exist, then list(owner) returns only that owner’s, by id', async () => {
      await store.create(hook('wh_3', 'bank-b'));
      await store.create(hook('wh_2', 'bank-a'));
      await store.create(hook('wh_1', 'bank-a'));
      assert.deepEqual((await store.list('bank-a')).map((w) => w.id), ['wh_1', 'wh_2']);
      assert.deepEqual((await store.list('bank-b')).map((w) => w.id), ['wh_3']);
      assert.deepEqual((await store.list()).map((w) => w.id), ['wh_1', 'wh_2', 'wh_3']);
      assert.deepEqual(await store.list('nobody'), []);
    });

    it('When a webhook is patched, then only the given fields change, and a null reason clears it', async () => {
      await store.create(hook('wh_1'));
      assert.equal(await store.update('wh_1', { status: 'paused', pausedReason: 'HTTP 500 ×10', updatedAt: T1 }), true);
      assert.deepEqual(await store.get('wh_1'), { ...hook('wh_1'), status: 'paused', pausedReason: 'HTTP 500 ×10', updatedAt: T1 });
      await store.update('wh_1', { cursor: { index: 9, seq: 2 }, updatedAt: T1 });
      assert.deepEqual((await store.get('wh_1'))?.pausedReason, 'HTTP 500 ×10');
      await store.update('wh_1', { status: 'active', pausedReason: null, updatedAt: T1 });
      assert.deepEqual(await store.get('wh_1'), { ...hook('wh_1'), cursor: { index: 9, seq: 2 }, updatedAt: T1 });
      assert.equal(await store.update('wh_missing', { status: 'paused', updatedAt: T1 }), false);
    });

    it('When deliveries are logged, then they get increasing dl_ ids, start pending with 0 attempts, and list newest first', async () => {
      await store.create(hook('wh_1'));
      const a = await store.addDelivery(delivery('wh_1', 7));
      const b = await store.addDelivery(delivery('wh_1', 8, 1));
      assert.match(a.id, /^dl_\d{12}$/);
      assert.ok(a.id < b.id);
      assert.deepEqual(a, { id: a.id, webhook: 'wh_1', index: 7, seq: 0, eventType: 'pledge.created', status: 'pending', attempts: 0, createdAt: T0, updatedAt: T0 });
      assert.deepEqual((await store.deliveries('wh_1', { limit: 10 })).map((d) => d.id), [b.id, a.id]);
      assert.deepEqual((await store.deliveries('wh_1', { limit: 1 })).map((d) => d.id), [b.id]);
      assert.deepEqual((await store.deliveries('wh_1', { limit: 10, before: b.id })).map((d) => d.id), [a.id]);
    });

    it('When an attempt is recorded, then status, attempts, HTTP status and last error are kept', async () => {
      await store.create(hook('wh_1'));
      const d = await store.addDelivery(delivery('wh_1', 7));
      await store.recordAttempt(d.id, { status: 'pending', attempts: 1, httpStatus: 500, lastError: 'HTTP 500', updatedAt: T1 });
      assert.deepEqual((await store.deliveries('wh_1', { limit: 1 }))[0], { ...d, attempts: 1, httpStatus: 500, lastError: 'HTTP 500', updatedAt: T1 });
      await store.recordAttempt(d.id, { status: 'failed', attempts: 2, lastError: 'ECONNREFUSED', updatedAt: T1 });
      assert.deepEqual((await store.deliveries('wh_1', { limit: 1 }))[0], { ...d, status: 'failed', attempts: 2, lastError: 'ECONNREFUSED', updatedAt: T1 });
    });

    it('When a delivery completes, then it is marked delivered and the cursor moves past its event, together', async () => {
      await store.create(hook('wh_1'));
      const d = await store.addDelivery(delivery('wh_1', 7));
      await store.completeDelivery('wh_1', d.id, { status: 'delivered', attempts: 3, httpStatus: 204, lastError: 'HTTP 500', updatedAt: T1 }, { index: 7, seq: 1 });
      assert.deepEqual((await store.deliveries('wh_1', { limit: 1 }))[0], { ...d, status: 'delivered', attempts: 3, httpStatus: 204, lastError: 'HTTP 500', updatedAt: T1 });
      assert.deepEqual((await store.get('wh_1'))?.cursor, { index: 7, seq: 1 });
    });

    it('When more deliveries are logged than are kept, then the oldest are dropped, per webhook', async () => {
      await store.create(hook('wh_1'));
      await store.create(hook('wh_2'));
      const other = await store.addDelivery(delivery('wh_2', 1));
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) ids.push((await store.addDelivery(delivery('wh_1', 10 + i))).id);
      assert.deepEqual((await store.deliveries('wh_1', { limit: 100 })).map((d) => d.id), ids.slice(3).reverse());
      assert.deepEqual((await store.deliveries('wh_2', { limit: 100 })).map((d) => d.id), [other.id]);
    });

    it('When a webhook is removed, then it and its delivery log are gone, and other webhooks are untouched', async () => {
      await store.create(hook('wh_1'));
      await store.create(hook('wh_2'));
      await store.addDelivery(delivery('wh_1', 7));
      const kept = await store.addDelivery(delivery('wh_2', 7));
      assert.equal(await store.remove('wh_1'), true);
      assert.equal(await store.remove('wh_1'), false);
      assert.equal(await store.get('wh_1'), undefined);
      assert.deepEqual(await store.deliveries('wh_1', { limit: 10 }), []);
      assert.deepEqual((await store.deliveries('wh_2', { limit: 10 })).map((d) => d.id), [kept.id]);
    });

    it('When a delivery is logged for an unknown webhook, then it is refused', async () => {
      await assert.rejects(store.addDelivery(delivery('wh_missing', 1)));
    });
  });
}
