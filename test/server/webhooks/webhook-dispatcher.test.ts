// WebhookDispatcher with PostgreSQL delivery leases (a fresh schema per test; the ledger in memory): when this
// instance claims again a lease it had lost — another instance took it and moved the cursor, then let it go, all
// between two of our renewals — the worker it still runs for that webhook is stale (mid-page, at its own position)
// and is replaced by a fresh one that starts from the stored cursor.
import assert from 'node:assert/strict';
import type { EventRecord } from '../../../ledger/store/ledger-store.js';
import { AccessControl } from '../../../server/access/access-control.js';
import { PgWebhookStore } from '../../../server/webhooks/pg-webhook-store.js';
import { UrlPolicy } from '../../../server/webhooks/url-policy.js';
import { WebhookDispatcher } from '../../../server/webhooks/webhook-dispatcher.js';
import type { Acquired, WebhookLeases } from '../../../server/webhooks/webhook-leases.js';
import { openHarness, type LedgerHarness } from '../../support/ledger-harness.js';
import { createTestSchema, describePg, type TestSchema } from '../../support/pg.js';
import { Receiver, WEBHOOK_KEY, waitUntil } from './webhook-harness.js';

const HOOK = 'wh_00000000000000000001';
const T0 = '2026-11-24T00:00:00.000Z';
/** Renewals every LEASE_MS / 3: a reclaim follows the other instance's release within about 200 ms. */
const LEASE_MS = 600;

/** The store's leases as the dispatcher's LeaseKeeper uses them, recording which renewals reclaimed what. */
class WatchedLeases implements WebhookLeases {
  readonly leaseMs: number;
  /** Ids reported as reclaimed, each added only once the keeper has handed that renewal to the dispatcher. */
  readonly reclaims: string[] = [];

  constructor(private readonly store: PgWebhookStore) {
    this.leaseMs = store.leaseMs;
  }

  async acquire(): Promise<Acquired> {
    const acquired = await this.store.acquire();
    // The keeper calls onHeld as soon as this resolves, within the same run of microtasks: setImmediate comes after.
    setImmediate(() => this.reclaims.push(...acquired.reclaimed));
    return acquired;
  }

  take(id: string): Promise<boolean> {
    return this.store.take(id);
  }

  release(): Promise<void> {
    return this.store.release();
  }
}

/** The dispatcher's timer: every backoff waits until `wake()`, or until its worker is stopped. */
class HeldBackoff {
  readonly #waiting: (() => void)[] = [];
  #parked!: () => void;
  /** Resolves when the first backoff begins. */
  readonly parked = new Promise<void>((resolve) => (this.#parked = resolve));

  readonly sleep = (_ms: number, signal: AbortSignal): Promise<void> =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      this.#waiting.push(resolve);
      this.#parked();
    });

  wake(): void {
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
}

const at = (e: EventRecord) => [e.index, e.seq];

describePg('WebhookDispatcher with PostgreSQL leases', (url) => {
  let schema: TestSchema;
  let ledger: LedgerHarness;
  let receiver: Receiver;
  let dispatcher: WebhookDispatcher | undefined;

  beforeEach(async () => {
    schema = await createTestSchema(url);
    ledger = await openHarness('memory');
    receiver = await new Receiver().start();
  });

  afterEach(async () => {
    await dispatcher?.close();
    dispatcher = undefined;
    await receiver.close();
    await ledger.close();
    await schema.drop();
  });

  /** Ten party registrations, and a webhook of the regulator on the ledger channel whose cursor is at the first. */
  async function tenEventsAndAHook(store: PgWebhookStore): Promise<EventRecord[]> {
    await ledger.register('regulator', 'regulator');
    const from = await ledger.store.size();
    for (let i = 0; i < 10; i++) await ledger.register(`holder-${i}`, 'holder');
    const events = await ledger.store.events(from, 1_000);
    assert.equal(events.length, 10);
    await store.create({
      id: HOOK, owner: 'regulator', url: receiver.url, channels: ['ledger'], status: 'active',
      cursor: { index: events[0]!.index, seq: 0 }, createdAt: T0, updatedAt: T0,
    });
    return events;
  }

  function startDispatcher(store: PgWebhookStore, leases: WebhookLeases, backoff: HeldBackoff): Promise<void> {
    dispatcher = new WebhookDispatcher({
      store, leases, ledger: ledger.store, commits: ledger.pipeline, access: new AccessControl(ledger.store),
      key: { name: 'webhook', seed: WEBHOOK_KEY.seed }, clock: ledger.clock,
      urlPolicy: new UrlPolicy({ allowHttp: true, allowHosts: ['127.0.0.1'] }),
      sleep: backoff.sleep, random: () => 0.5, retry: { maxAttempts: 4, baseMs: 1_000, maxMs: 60_000 }, timeoutMs: 5_000,
    });
    return dispatcher.start();
  }

  const cases = [
    {
      title: 'another instance took the lease, its owner replayed from the third event, and it let the lease go',
      then: 'delivery starts again at the third event: the replay is not skipped',
      storedAt: 2,
    },
    {
      title: 'another instance took the lease, delivered the sixth to eighth events, and let the lease go',
      then: 'delivery goes on at the ninth event: nothing the other instance delivered is sent again',
      storedAt: 8,
    },
  ];

  for (const c of cases) {
    it(`When this instance's worker is in backoff on the sixth event and ${c.title}, then on reclaiming it a fresh worker takes over from the stored cursor: ${c.then}`, async () => {
      const store = await PgWebhookStore.open(schema.pool(4), { instance: 'api-1', leaseMs: LEASE_MS });
      const events = await tenEventsAndAHook(store);
      const stalled = events[5]!;
      // The sixth event's first attempt fails: its worker waits in backoff, mid-page, the rest of the page in memory.
      receiver.answer = (_n, r) => (r.json.index === stalled.index && receiver.requests.filter((x) => x.json.index === stalled.index).length === 1 ? 500 : 200);
      const leases = new WatchedLeases(store);
      const backoff = new HeldBackoff();
      await startDispatcher(store, leases, backoff);
      await backoff.parked;
      assert.deepEqual((await store.get(HOOK))?.cursor, { index: events[4]!.index, seq: events[4]!.seq + 1 });

      // Between two renewals of ours, in one statement: a claim by another instance (a new lease generation), its
      // cursor write, and its release.
      const other = schema.pool(1);
      const moved = events[c.storedAt]!;
      await other.query(
        `UPDATE webhooks SET lease_gen = lease_gen + 1, lease_holder = NULL, lease_expires = NULL, cursor_index = $2, cursor_seq = $3
         WHERE id = $1`,
        [HOOK, moved.index, moved.seq],
      );
      await waitUntil(() => leases.reclaims.includes(HOOK), 5_000, 'our next renewal to reclaim the lease');
      assert.equal(await store.holder(HOOK), 'api-1');
      backoff.wake(); // a stale worker still running would now retry the sixth event and go on with its page

      const last = events.at(-1)!;
      // The delivery log lists newest first: the stalled delivery is the oldest of the sixth event.
      const stalledLog = async () => (await store.deliveries(HOOK, { limit: 100 })).filter((d) => d.index === stalled.index).at(-1);
      await waitUntil(async () => {
        const cursor = (await store.get(HOOK))?.cursor;
        return cursor?.index === last.index && cursor.seq === last.seq + 1 && (await stalledLog())?.status !== 'pending';
      }, 5_000, 'the webhook to catch up');

      assert.deepEqual(
        receiver.requests.map((r) => [r.json.index, r.json.seq, r.status]),
        [
          ...events.slice(0, 5).map((e) => [...at(e), 200]),
          [...at(stalled), 500],
          ...events.slice(c.storedAt).map((e) => [...at(e), 200]),
        ],
        'after the reclaim, every event from the stored cursor on, once, and nothing from the stale worker',
      );
      assert.deepEqual(
        [(await stalledLog())?.status, (await stalledLog())?.lastError],
        ['failed', 'interrupted: stopped'],
        'the stale worker was stopped in its backoff',
      );
    });
  }
});
