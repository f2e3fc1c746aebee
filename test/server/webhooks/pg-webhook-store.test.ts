// PgWebhookStore against the real PostgreSQL (a fresh schema per test): the shared conformance suite, persistence
// across a reopen, and the delivery leases several API instances use to deliver each webhook exactly once.
import assert from 'node:assert/strict';
import { PgWebhookStore } from '../../../server/webhooks/pg-webhook-store.js';
import { createTestSchema, describePg, type TestSchema } from '../../support/pg.js';
import { hook, webhookStoreConformance } from './webhook-store-conformance.js';

const T1 = '2026-11-24T00:00:01.000Z';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describePg('PgWebhookStore', (url) => {
  webhookStoreConformance('PostgreSQL (fresh schema)', async (kept) => {
    const schema = await createTestSchema(url);
    return { store: await PgWebhookStore.open(schema.pool(2), { kept }), close: () => schema.drop() };
  });

  let schema: TestSchema;
  beforeEach(async () => {
    schema = await createTestSchema(url);
  });
  afterEach(async () => {
    await schema.drop();
  });

  const instances = (leaseMs = 60_000): Promise<[PgWebhookStore, PgWebhookStore]> =>
    Promise.all([PgWebhookStore.open(schema.pool(2), { instance: 'api-1', leaseMs }), PgWebhookStore.open(schema.pool(2), { instance: 'api-2', leaseMs })]);

  it('When the schema is reopened, then webhooks, cursors and deliveries are there and delivery ids keep increasing', async () => {
    let store = await PgWebhookStore.open(schema.pool(2));
    await store.create(hook('wh_1'));
    const first = await store.addDelivery({ webhook: 'wh_1', index: 7, seq: 0, eventType: 'pledge.created', createdAt: T1 });
    await store.completeDelivery('wh_1', first.id, { status: 'delivered', attempts: 1, httpStatus: 200, updatedAt: T1 }, { index: 7, seq: 1 });
    store = await PgWebhookStore.open(schema.pool(2)); // migration is idempotent
    assert.deepEqual((await store.get('wh_1'))?.cursor, { index: 7, seq: 1 });
    const second = await store.addDelivery({ webhook: 'wh_1', index: 8, seq: 0, eventType: 'pledge.released', createdAt: T1 });
    assert.ok(second.id > first.id);
  });

  it('When two instances acquire at once, then every webhook is held by exactly one of them', async () => {
    const [a, b] = await instances();
    for (let i = 0; i < 40; i++) await a.create(hook(`wh_${String(i).padStart(2, '0')}`));
    const [heldA, heldB] = (await Promise.all([a.acquire(), b.acquire()])).map((x) => x.held) as [string[], string[]];
    assert.equal(heldA.length + heldB.length, 40);
    assert.deepEqual([...heldA, ...heldB].sort(), (await a.list()).map((w) => w.id));
    // Renewing keeps what each holds; nothing moves while both are alive.
    assert.deepEqual(await a.acquire(), { held: heldA, reclaimed: [] });
    assert.deepEqual(await b.acquire(), { held: heldB, reclaimed: [] });
  });

  it('When the holder stops renewing, then its leases expire and the other instance takes them over', async () => {
    const [a, b] = await instances(300);
    await a.create(hook('wh_1'));
    assert.deepEqual((await a.acquire()).held, ['wh_1']);
    assert.deepEqual((await b.acquire()).held, []);
    assert.equal(await b.holder('wh_1'), 'api-1');
    await sleep(400);
    assert.deepEqual(await b.acquire(), { held: ['wh_1'], reclaimed: [] }, 'a first claim by b is not a reclaim');
    assert.deepEqual((await a.acquire()).held, [], 'the old holder learns it lost the lease');
  });

  it('When an instance claims again a lease it had lost (unaware), then the renewal reports it as reclaimed, once', async () => {
    const [a] = await instances(300);
    await a.create(hook('wh_5'));
    assert.deepEqual(await a.acquire(), { held: ['wh_5'], reclaimed: [] });
    await sleep(400); // a stalled past its lease; nobody else claimed it meanwhile
    assert.deepEqual(await a.acquire(), { held: ['wh_5'], reclaimed: [] }, 'an expired lease still in its name is renewed, not reclaimed');
    await a.release();
    assert.deepEqual(await a.acquire(), { held: ['wh_5'], reclaimed: ['wh_5'] }, 'released, then claimed under a new generation');
    assert.deepEqual(await a.acquire(), { held: ['wh_5'], reclaimed: [] });
  });

  it('When the holder releases its leases, then the other instance takes them at once', async () => {
    const [a, b] = await instances();
    await a.create(hook('wh_1'));
    await a.acquire();
    await a.release();
    assert.equal(await a.holder('wh_1'), undefined);
    assert.deepEqual((await b.acquire()).held, ['wh_1']);
  });

  it('When another instance holds the lease, then this one cannot move the cursor or status (fencing), but logs attempts', async () => {
    const [a, b] = await instances();
    await a.create(hook('wh_1'));
    await b.take('wh_1');
    const d = await a.addDelivery({ webhook: 'wh_1', index: 7, seq: 0, eventType: 'pledge.created', createdAt: T1 });
    await a.completeDelivery('wh_1', d.id, { status: 'delivered', attempts: 1, httpStatus: 200, updatedAt: T1 }, { index: 7, seq: 1 });
    assert.equal(await a.update('wh_1', { status: 'paused', pausedReason: 'x', updatedAt: T1 }), false);
    const stored = await a.get('wh_1');
    assert.deepEqual([stored?.cursor, stored?.status], [{ index: 7, seq: 0 }, 'active']);
    assert.equal((await a.deliveries('wh_1', { limit: 1 }))[0]?.status, 'delivered');
    assert.equal(await b.update('wh_1', { cursor: { index: 9, seq: 0 }, updatedAt: T1 }), true);
    assert.equal(await b.take('wh_missing'), false);
  });

  it('When an instance that lost its lease completes a delivery after the new holder went further and released, then the cursor does not go back', async () => {
    const [a, b] = await instances();
    await a.create(hook('wh_2'));
    await b.take('wh_2');
    const late = await a.addDelivery({ webhook: 'wh_2', index: 7, seq: 0, eventType: 'pledge.created', createdAt: T1 });
    const done = await b.addDelivery({ webhook: 'wh_2', index: 7, seq: 0, eventType: 'pledge.created', createdAt: T1 });
    await b.completeDelivery('wh_2', done.id, { status: 'delivered', attempts: 1, httpStatus: 200, updatedAt: T1 }, { index: 9, seq: 0 });
    await b.release();
    await a.completeDelivery('wh_2', late.id, { status: 'delivered', attempts: 1, httpStatus: 200, updatedAt: T1 }, { index: 7, seq: 1 });
    assert.deepEqual((await a.get('wh_2'))?.cursor, { index: 9, seq: 0 });
  });

  it('When an instance whose lease was taken over writes after the new holder replayed and released, then nothing it writes lands (lease generation)', async () => {
    const [a, b] = await instances();
    await a.create(hook('wh_3'));
    assert.equal(await a.take('wh_3'), true);
    const late = await a.addDelivery({ webhook: 'wh_3', index: 7, seq: 0, eventType: 'pledge.created', createdAt: T1 });
    // a stalls; b takes over, its owner replays from index 3, and b shuts down cleanly.
    assert.equal(await b.take('wh_3'), true);
    assert.equal(await b.update('wh_3', { cursor: { index: 3, seq: 0 }, updatedAt: T1 }), true);
    await b.release();
    assert.equal(await a.holder('wh_3'), undefined, 'nobody holds the lease now');
    await a.completeDelivery('wh_3', late.id, { status: 'delivered', attempts: 1, httpStatus: 200, updatedAt: T1 }, { index: 7, seq: 1 });
    assert.equal(await a.update('wh_3', { cursor: { index: 8, seq: 0 }, updatedAt: T1 }), false);
    assert.deepEqual((await a.get('wh_3'))?.cursor, { index: 3, seq: 0 }, 'the replay is not skipped');
    assert.equal((await a.deliveries('wh_3', { limit: 1 }))[0]?.status, 'delivered', 'the attempt itself is still logged');
  });

  it('When a delivery began under an older claim of this instance, then its completion does not move the cursor; one under the new claim does', async () => {
    const [a] = await instances();
    await a.create(hook('wh_4'));
    await a.take('wh_4');
    const old = await a.addDelivery({ webhook: 'wh_4', index: 7, seq: 0, eventType: 'pledge.created', createdAt: T1 });
    await a.take('wh_4'); // claimed again (after a lapse): a new generation
    await a.completeDelivery('wh_4', old.id, { status: 'delivered', attempts: 1, httpStatus: 200, updatedAt: T1 }, { index: 7, seq: 1 });
    assert.deepEqual((await a.get('wh_4'))?.cursor, { index: 7, seq: 0 });
    const fresh = await a.addDelivery({ webhook: 'wh_4', index: 7, seq: 0, eventType: 'pledge.created', createdAt: T1 });
    await a.completeDelivery('wh_4', fresh.id, { status: 'delivered', attempts: 1, httpStatus: 200, updatedAt: T1 }, { index: 7, seq: 1 });
    assert.deepEqual((await a.get('wh_4'))?.cursor, { index: 7, seq: 1 });
  });

  it('When options are out of range, then opening fails naming them', async () => {
    await assert.rejects(PgWebhookStore.open(schema.pool(1), { leaseMs: 0 }), /leaseMs/);
    await assert.rejects(PgWebhookStore.open(schema.pool(1), { kept: 0 }), /kept/);
  });
});
