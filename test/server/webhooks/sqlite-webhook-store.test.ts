import assert from 'node:assert/strict';
import path from 'node:path';
import { openSqlite } from '../../../ledger/store/sqlite-database.js';
import { SqliteWebhookStore } from '../../../server/webhooks/sqlite-webhook-store.js';
import { tempDir } from '../../support/temp-dir.js';
import { hook, webhookStoreConformance } from './webhook-store-conformance.js';

webhookStoreConformance('sqlite', (kept) => {
  const tmp = tempDir();
  const db = openSqlite(path.join(tmp.dir, 'webhooks.db'));
  return {
    store: new SqliteWebhookStore(db, kept),
    close: () => {
      db.close();
      tmp.remove();
    },
  };
});

describe('SqliteWebhookStore', () => {
  it('When the database is reopened, then webhooks, cursors and deliveries are still there and ids keep increasing', async () => {
    const tmp = tempDir();
    const file = path.join(tmp.dir, 'webhooks.db');
    try {
      let db = openSqlite(file);
      let store = new SqliteWebhookStore(db);
      await store.create(hook('wh_1'));
      const first = await store.addDelivery({ webhook: 'wh_1', index: 7, seq: 0, eventType: 'pledge.created', createdAt: '2026-11-24T00:00:00.000Z' });
      await store.completeDelivery('wh_1', first.id, { status: 'delivered', attempts: 1, httpStatus: 200, updatedAt: '2026-11-24T00:00:01.000Z' }, { index: 7, seq: 1 });
      db.close();
      db = openSqlite(file);
      store = new SqliteWebhookStore(db); // migration is idempotent
      assert.deepEqual((await store.get('wh_1'))?.cursor, { index: 7, seq: 1 });
      const second = await store.addDelivery({ webhook: 'wh_1', index: 8, seq: 0, eventType: 'pledge.released', createdAt: '2026-11-24T00:00:02.000Z' });
      assert.ok(second.id > first.id);
      assert.deepEqual((await store.deliveries('wh_1', { limit: 10 })).map((d) => [d.id, d.status]), [[second.id, 'pending'], [first.id, 'delivered']]);
      db.close();
    } finally {
      tmp.remove();
    }
  });
});
