import assert from 'node:assert/strict';
import { fromBase64 } from '../../../ledger/encoding/bytes.js';
import { retryDelayMs } from '../../../server/webhooks/backoff.js';
import type { webhookView } from '../../../server/webhooks/webhook-routes.js';
import { verifyWebhookSignature } from '../../../server/webhooks/webhook-signature.js';
import type { DeliveryRecord } from '../../../server/webhooks/webhook-store.js';
import { issueBody, pledgeBody, runLifecycle } from '../../support/lifecycle.js';
import { openWebhookHarness, waitUntil, type Receiver, type WebhookHarness } from './webhook-harness.js';

type View = ReturnType<typeof webhookView>;
const pledgeId = (index: number) => `pl-${String(index).padStart(12, '0')}`;
const receiptId = (index: number) => `rc-${String(index).padStart(12, '0')}`;
const mentions = (body: Buffer, ids: string[]) => ids.some((id) => body.toString().includes(`"${id}"`));

describe('server/webhooks: signed deliveries', () => {
  let h: WebhookHarness;
  let r1: string;
  let r2: string;
  before(async () => {
    h = await openWebhookHarness();
    ({ r1, r2 } = await runLifecycle(h.ledger, h.cast)); // alice holds r1 and r2, both unpledged
  });
  after(async () => h.close());

  async function register(party: string, receiver: Receiver, channels: string[], since?: number): Promise<View> {
    const res = await h.api<View>('POST', '/v1/webhooks', party, { url: receiver.url, channels, ...(since === undefined ? {} : { since }) });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    return res.json;
  }

  async function deliveries(party: string, id: string): Promise<DeliveryRecord[]> {
    return (await h.api<{ deliveries: DeliveryRecord[] }>('GET', `/v1/webhooks/${id}/deliveries`, party)).json.deliveries;
  }

  it('When a pledge is created and the receiver fails twice with 500, then the third attempt delivers a body whose signature verifies with the published key', async () => {
    const receiver = await h.receiver();
    receiver.answer = (n) => (n <= 2 ? 500 : 200);
    const hook = await register('bank-a', receiver, ['pledges']);
    const sleepsBefore = h.sleeps.length;
    const created = await h.ledger.submit('pledge.create', { ...pledgeBody(r2, 'bank-a'), covenants: { quantityFloor: '20.000' } }, [h.cast.alice, h.cast.bankA]);
    await waitUntil(() => receiver.delivered.length === 1, 5_000, 'the delivery');

    assert.equal(receiver.requests.length, 3);
    const [first, , third] = receiver.requests;
    assert.deepEqual(third!.body, first!.body, 'every attempt sends the same bytes');
    assert.equal(third!.headers['ledgerhouse-delivery'], first!.headers['ledgerhouse-delivery'], 'and the same delivery id');
    assert.deepEqual(third!.json, {
      webhook: hook.id, index: created.index, seq: 0,
      event: { type: 'pledge.created', refs: { pledge: [pledgeId(created.index)], receipt: [r2], party: ['bank-a', 'alice'] } },
    });
    const key = (await h.api<{ keyId: string; publicKey: string; algorithm: string; domain: string }>('GET', '/v1/webhooks/key')).json;
    assert.deepEqual({ ...key, publicKey: undefined }, { keyId: 'webhook', algorithm: 'Ed25519', domain: 'ledgerhouse/v1/webhook\n', publicKey: undefined });
    const header = String(third!.headers['ledgerhouse-signature']);
    assert.match(header, /^keyid=webhook,sig=/);
    assert.equal(verifyWebhookSignature(third!.body, header, fromBase64(key.publicKey), key.keyId), true);
    assert.equal(third!.headers['content-type'], 'application/json');

    // Exponential backoff with jitter, through the injected timer: no real waiting.
    const policy = { maxAttempts: 4, baseMs: 1_000, maxMs: 60_000 };
    assert.deepEqual(h.sleeps.slice(sleepsBefore), [retryDelayMs(1, policy, () => 0.5), retryDelayMs(2, policy, () => 0.5)]);
    assert.deepEqual(h.sleeps.slice(sleepsBefore), [750, 1_500]);

    await waitUntil(async () => (await deliveries('bank-a', hook.id))[0]?.status === 'delivered', 2_000, 'the log');
    const [logged] = await deliveries('bank-a', hook.id);
    assert.deepEqual(logged, {
      id: String(third!.headers['ledgerhouse-delivery']), webhook: hook.id, index: created.index, seq: 0, eventType: 'pledge.created',
      status: 'delivered', attempts: 3, httpStatus: 200, lastError: 'HTTP 500', createdAt: logged!.createdAt, updatedAt: logged!.updatedAt,
    });
    const after = (await h.api<View>('GET', `/v1/webhooks/${hook.id}`, 'bank-a')).json;
    assert.deepEqual(after.cursor, { index: created.index, seq: 1 });
  });

  it("When bank-a's collateral moves, then bank-b's webhook on every channel gets nothing of it", async () => {
    const receiverA = await h.receiver();
    const receiverB = await h.receiver();
    await register('bank-a', receiverA, ['receipts', 'pledges', 'alerts', 'telemetry', 'ledger']);
    await register('bank-b', receiverB, ['receipts', 'pledges', 'alerts', 'telemetry', 'ledger']);
    const pledgeA = pledgeId((await h.ledger.submit('pledge.create', pledgeBody(r1, 'bank-a'), [h.cast.alice, h.cast.bankA])).index);
    await h.ledger.submit('pledge.release', { pledge: pledgeA, instruction: { reference: 'RI-9', reason: 'repaid' } }, [h.cast.bankA]);
    // A sentinel bank-b may see, committed after bank-a's pledge and release: deliveries are in log order.
    const issued = await h.ledger.submit('receipt.issue', issueBody('35.000', 'bob'), [h.cast.warehouse]);
    const pledgeB = await h.ledger.submit('pledge.create', pledgeBody(receiptId(issued.index), 'bank-b'), [h.cast.bob, h.cast.bankB]);
    await waitUntil(() => receiverB.delivered.some((r) => r.json.index === pledgeB.index), 5_000, "bank-b's pledge");
    await waitUntil(() => receiverA.delivered.some((r) => r.json.event.type === 'pledge.released'), 5_000, "bank-a's release");

    assert.deepEqual(receiverB.requests.filter((r) => mentions(r.body, [pledgeA, r1])), []);
    assert.deepEqual(receiverA.delivered.map((r) => r.json.event.type), ['pledge.created', 'pledge.released']);
    assert.deepEqual(receiverA.requests.filter((r) => mentions(r.body, [pledgeId(pledgeB.index), receiptId(issued.index)])), []);
    assert.ok(receiverB.delivered.every((r) => r.json.index >= issued.index));
  });

  it('When many events are committed, then a webhook gets them in log order, once each, with ascending (index, seq)', async () => {
    const receiver = await h.receiver();
    const hook = await register('regulator', receiver, ['ledger']);
    await h.fill(25, 'ordered');
    const expected = (await h.ledger.store.events(hook.cursor.index, 1_000)).filter((e) => e.event.type.startsWith('party.'));
    await waitUntil(() => receiver.delivered.length === expected.length, 5_000, 'every delivery');
    assert.deepEqual(receiver.delivered.map((r) => [r.json.index, r.json.seq]), expected.map((e) => [e.index, e.seq]));
  });

  it('When replay from an earlier index is requested, then those events are delivered again, in order, under new delivery ids', async () => {
    const receiver = await h.receiver();
    const hook = await register('regulator', receiver, ['ledger']);
    await h.fill(5, 'replayed');
    await waitUntil(() => receiver.delivered.length === 5, 5_000, 'the first deliveries');
    const first = receiver.delivered.map((r) => [r.json.index, r.json.seq]);
    const firstIds = receiver.delivered.map((r) => r.headers['ledgerhouse-delivery']);

    const replay = await h.api<View>('POST', `/v1/webhooks/${hook.id}/replay`, 'regulator', { since: hook.cursor.index });
    assert.equal(replay.status, 202);
    assert.deepEqual(replay.json.cursor, { index: hook.cursor.index, seq: 0 });
    await waitUntil(() => receiver.delivered.length === 10, 5_000, 'the replayed deliveries');
    assert.deepEqual(receiver.delivered.slice(5).map((r) => [r.json.index, r.json.seq]), first);
    const replayIds = receiver.delivered.slice(5).map((r) => r.headers['ledgerhouse-delivery']);
    assert.equal(new Set([...firstIds, ...replayIds]).size, 10);
  });

  it('When a delivery runs out of attempts, then the webhook pauses at that event with the failures logged, and replay resumes it from there', async () => {
    const receiver = await h.receiver();
    receiver.answer = () => 503;
    const hook = await register('regulator', receiver, ['ledger']);
    await h.fill(3, 'paused');
    await waitUntil(async () => (await h.api<View>('GET', `/v1/webhooks/${hook.id}`, 'regulator')).json.status === 'paused', 5_000, 'the pause');
    const paused = (await h.api<View>('GET', `/v1/webhooks/${hook.id}`, 'regulator')).json;
    assert.equal(receiver.requests.length, 4, 'maxAttempts');
    const stuckAt = receiver.requests[0]!.json;
    assert.deepEqual(paused.cursor, { index: stuckAt.index, seq: stuckAt.seq });
    assert.match(String(paused.pausedReason), /failed 4 times/);
    const [failed] = await deliveries('regulator', hook.id);
    assert.deepEqual([failed!.status, failed!.attempts, failed!.httpStatus, failed!.lastError], ['failed', 4, 503, 'HTTP 503']);

    await h.fill(1, 'while-paused');
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(receiver.requests.length, 4, 'a paused webhook sends nothing');

    receiver.answer = () => 200;
    const resumed = await h.api<View>('POST', `/v1/webhooks/${hook.id}/replay`, 'regulator', { since: paused.cursor.index });
    assert.equal(resumed.json.status, 'active');
    assert.equal(resumed.json.pausedReason, undefined);
    await waitUntil(() => receiver.delivered.length === 4, 5_000, 'the resumed deliveries');
    assert.deepEqual(receiver.delivered[0]!.json.index, stuckAt.index);
  });

  it('When the receiver redirects or does not answer in time, then the attempt fails and is logged as such', async () => {
    const other = await openWebhookHarness({ timeoutMs: 100, retry: { maxAttempts: 2, baseMs: 1_000, maxMs: 60_000 } });
    try {
      const redirecting = await other.receiver();
      redirecting.answer = () => 302;
      const hanging = await other.receiver();
      hanging.answer = () => 'hang';
      const a = (await other.api<View>('POST', '/v1/webhooks', 'regulator', { url: redirecting.url, channels: ['ledger'] })).json;
      const b = (await other.api<View>('POST', '/v1/webhooks', 'regulator', { url: hanging.url, channels: ['ledger'] })).json;
      await other.fill(1, 'x');
      const logOf = async (id: string) => (await other.api<{ deliveries: DeliveryRecord[] }>('GET', `/v1/webhooks/${id}/deliveries`, 'regulator')).json.deliveries[0];
      await waitUntil(async () => (await logOf(a.id))?.status === 'failed' && (await logOf(b.id))?.status === 'failed', 5_000, 'both to fail');
      assert.deepEqual([(await logOf(a.id))!.httpStatus, (await logOf(a.id))!.lastError], [302, 'HTTP 302']);
      assert.equal((await logOf(b.id))!.lastError, 'timed out');
      assert.equal(redirecting.requests.length, 2);
    } finally {
      await other.close();
    }
  });

  it('When the node restarts, then each webhook resumes from its stored cursor: nothing is skipped and nothing delivered twice', async () => {
    const receiver = await h.receiver();
    const hook = await register('regulator', receiver, ['ledger']);
    await h.fill(3, 'before-restart');
    await waitUntil(() => receiver.delivered.length === 3, 5_000, 'the first deliveries');
    const third = receiver.delivered[2]!.json;
    // Wait until the cursor records the third delivery (stopping earlier would re-send it: at least once).
    const storedCursor = async () => JSON.stringify((await h.store.get(hook.id))?.cursor);
    await waitUntil(async () => (await storedCursor()) === JSON.stringify({ index: third.index, seq: third.seq + 1 }), 2_000, 'the cursor');
    await h.webhooks.close();
    await h.fill(4, 'while-down');
    assert.equal(receiver.requests.length, 3);
    await h.restart();
    await waitUntil(() => receiver.delivered.length === 7, 5_000, 'the deliveries after restart');
    const expected = (await h.ledger.store.events(hook.cursor.index, 1_000)).filter((e) => e.event.type.startsWith('party.'));
    assert.deepEqual(receiver.delivered.map((r) => [r.json.index, r.json.seq]), expected.map((e) => [e.index, e.seq]));
  });

  it('When the owner of a webhook is revoked, then the webhook pauses and delivers nothing more (runs last: bob stays revoked)', async () => {
    const receiver = await h.receiver();
    const hook = await register('bob', receiver, ['receipts']);
    await h.ledger.submit('party.revoke', { party: 'bob', reason: 'test' }, [h.ledger.operator]);
    await waitUntil(async () => (await h.store.get(hook.id))?.status === 'paused', 5_000, 'the pause');
    assert.equal((await h.store.get(hook.id))?.pausedReason, 'the owner is no longer an active party');
    assert.equal(receiver.requests.length, 0);
  });
});
