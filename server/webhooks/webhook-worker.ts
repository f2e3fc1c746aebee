// One webhook's delivery loop. It follows the ledger from the webhook's cursor (store.events paging: the store, not
// the commit notification, is the source, so a restart or a missed wake-up loses nothing), skips events of other
// channels or that the owner may not see, and delivers the rest one at a time, in log order: each delivery is retried
// with backoff until a 2xx answer or until its attempts run out, which pauses the webhook at that event. The cursor
// moves past an event only in the same store write that records its delivery (at least once; receivers
// deduplicate on (index, seq)). The worker is the only writer of its webhook's cursor and status.
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Party } from '../../contracts/state.js';
import type { Clock } from '../../ledger/clock.js';
import type { EventRecord, LedgerStore } from '../../ledger/store/ledger-store.js';
import { stateKey } from '../../ledger/store/ledger-store.js';
import type { AccessControl } from '../access/access-control.js';
import type { Principal } from '../auth/authenticate.js';
import { channelOf } from '../stream/channels.js';
import { retryDelayMs, type RetryPolicy } from './backoff.js';
import { signWebhookBody, type WebhookSigningKey } from './sign-webhook.js';
import type { PostFn } from './webhook-sender.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, webhookBody } from './webhook-signature.js';
import type { Cursor, WebhookRecord, WebhookStore } from './webhook-store.js';

export interface WorkerDeps {
  readonly store: WebhookStore;
  readonly ledger: LedgerStore;
  readonly access: AccessControl;
  readonly key: WebhookSigningKey;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly post: PostFn;
  /** Waits `ms`, or rejects when `signal` aborts. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random: () => number;
  readonly retry: RetryPolicy;
  readonly timeoutMs: number;
  /** Events read from the ledger per page. */
  readonly page: number;
}

export const realSleep = (ms: number, signal: AbortSignal): Promise<void> => sleepFor(ms, undefined, { signal });

type Outcome = 'delivered' | 'failed' | 'interrupted';

const before = (e: { index: number; seq: number }, c: Cursor): boolean => e.index < c.index || (e.index === c.index && e.seq < c.seq);

export class WebhookWorker {
  #wakeRequested = true;
  #wake: (() => void) | undefined;
  #stopped = false;
  /** Aborts the current attempt and backoff: on stop, and on a replay request. */
  #interrupt = new AbortController();
  /** Aborted only on stop. */
  readonly #stop = new AbortController();
  #reset: { since: number; done: (w: WebhookRecord | undefined) => void } | undefined;
  readonly done: Promise<void>;

  constructor(
    readonly id: string,
    private readonly deps: WorkerDeps,
  ) {
    this.done = this.#run();
  }

  /** New events may be in the ledger. */
  wake(): void {
    this.#wakeRequested = true;
    this.#wake?.();
  }

  /** Move the cursor to (since, 0) and resume delivering; resolves with the webhook once the worker applied it. */
  replay(since: number): Promise<WebhookRecord | undefined> {
    return new Promise((resolve) => {
      this.#reset?.done(undefined);
      this.#reset = { since, done: resolve };
      this.#interrupt.abort(new Error('replay requested'));
      this.wake();
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stop.abort(new Error('stopped'));
    this.#interrupt.abort(new Error('stopped'));
    this.#reset?.done(undefined);
    this.wake();
    await this.done;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      if (!this.#wakeRequested) await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
      this.#wakeRequested = false;
      try {
        await this.#follow();
      } catch (err) {
        // The store or the network stack failed; try again on the next wake-up or after a pause.
        this.deps.logger.error({ err, webhook: this.id }, 'webhook: delivery loop failed');
        await this.deps.sleep(this.deps.retry.baseMs, this.#stop.signal).catch(() => {});
        this.#wakeRequested = true;
      }
    }
  }

  async #applyReset(): Promise<void> {
    const reset = this.#reset;
    if (reset === undefined) return;
    this.#reset = undefined;
    this.#interrupt = new AbortController();
    const at = this.#now();
    await this.deps.store.update(this.id, { cursor: { index: reset.since, seq: 0 }, status: 'active', pausedReason: null, updatedAt: at });
    reset.done(await this.deps.store.get(this.id));
  }

  /** Deliver everything the ledger has past the cursor, page by page, until caught up or paused. */
  async #follow(): Promise<void> {
    for (;;) {
      if (this.#stopped) return;
      await this.#applyReset();
      const hook = await this.deps.store.get(this.id);
      if (hook === undefined || hook.status === 'paused') return;
      const owner = await this.#ownerPrincipal(hook.owner);
      if (owner === undefined) return this.#pause(hook.cursor, 'the owner is no longer an active party');
      const page = (await this.deps.ledger.events(hook.cursor.index, this.deps.page)).filter((e) => !before(e, hook.cursor));
      if (page.length === 0) return;
      let cursor = hook.cursor;
      let dirty = false;
      for (const record of page) {
        if (this.#stopped || this.#reset !== undefined) break;
        const next = { index: record.index, seq: record.seq + 1 };
        if (!hook.channels.includes(channelOf(record.event)) || !(await this.deps.access.canSeeEvent(owner, record.event))) {
          cursor = next;
          dirty = true;
          continue;
        }
        const outcome = await this.#deliver(hook, record, next);
        if (outcome === 'failed') return this.#pause(cursor, `delivery of ${record.index}/${record.seq} failed ${this.deps.retry.maxAttempts} times`);
        if (outcome === 'interrupted') break;
        cursor = next; // stored with the delivery
        dirty = false;
      }
      if (dirty && this.#reset === undefined && !this.#stopped) await this.deps.store.update(this.id, { cursor, updatedAt: this.#now() });
    }
  }

  async #pause(cursor: Cursor, reason: string): Promise<void> {
    this.deps.logger.warn({ webhook: this.id, reason }, 'webhook: paused');
    await this.deps.store.update(this.id, { cursor, status: 'paused', pausedReason: reason, updatedAt: this.#now() });
  }

  async #deliver(hook: WebhookRecord, record: EventRecord, next: Cursor): Promise<Outcome> {
    const { store, retry } = this.deps;
    const body = webhookBody({ webhook: hook.id, index: record.index, seq: record.seq, event: record.event });
    const signature = signWebhookBody(body, this.deps.key);
    const created = this.#now();
    const delivery = await store.addDelivery({ webhook: hook.id, index: record.index, seq: record.seq, eventType: record.event.type, createdAt: created });
    const headers = { 'content-type': 'application/json', 'user-agent': 'ledgerhouse-webhooks/1', [SIGNATURE_HEADER]: signature, [DELIVERY_HEADER]: delivery.id };
    let lastError: string | undefined;
    for (let attempt = 1; ; attempt++) {
      const result = await this.#attempt(hook.url, body, headers);
      const at = this.#now();
      const answered = result.status === undefined ? {} : { httpStatus: result.status };
      if (result.ok) {
        // The last error (if an earlier attempt failed) stays in the log: "delivered on attempt 3 after HTTP 500".
        const patch = { status: 'delivered' as const, attempts: attempt, ...answered, ...(lastError === undefined ? {} : { lastError }), updatedAt: at };
        await store.completeDelivery(hook.id, delivery.id, patch, next);
        return 'delivered';
      }
      const interrupted = this.#interrupt.signal.aborted;
      const last = attempt >= retry.maxAttempts || interrupted;
      lastError = interrupted ? `interrupted: ${String((this.#interrupt.signal.reason as Error)?.message)}` : (result.error ?? 'failed');
      await store.recordAttempt(delivery.id, { status: last ? 'failed' : 'pending', attempts: attempt, ...answered, lastError, updatedAt: at });
      if (interrupted) return 'interrupted';
      if (last) return 'failed';
      try {
        await this.deps.sleep(retryDelayMs(attempt, retry, this.deps.random, result.retryAfterMs), this.#interrupt.signal);
      } catch {
        const reason = String((this.#interrupt.signal.reason as Error)?.message);
        await store.recordAttempt(delivery.id, { status: 'failed', attempts: attempt, ...answered, lastError: `interrupted: ${reason}`, updatedAt: this.#now() });
        return 'interrupted';
      }
    }
  }

  /**
   * One POST, aborted by the timeout or by an interrupt. (A per-attempt controller linked by hand, rather than
   * AbortSignal.any over the long-lived interrupt signal, which some Node 20 releases leak.)
   */
  async #attempt(url: string, body: Uint8Array, headers: Readonly<Record<string, string>>) {
    const attempt = new AbortController();
    const interrupt = this.#interrupt.signal;
    const onInterrupt = (): void => attempt.abort(interrupt.reason);
    interrupt.addEventListener('abort', onInterrupt, { once: true });
    if (interrupt.aborted) onInterrupt();
    const timer = setTimeout(() => attempt.abort(new DOMException(`no answer within ${this.deps.timeoutMs} ms`, 'TimeoutError')), this.deps.timeoutMs);
    try {
      return await this.deps.post(url, body, headers, attempt.signal);
    } finally {
      clearTimeout(timer);
      interrupt.removeEventListener('abort', onInterrupt);
    }
  }

  async #ownerPrincipal(owner: string): Promise<Principal | undefined> {
    const party = (await this.deps.ledger.getState([{ kind: 'party', id: owner }])).get(stateKey('party', owner))?.object as Party | undefined;
    if (party === undefined || party.status !== 'active') return undefined;
    return { partyId: party.id, role: party.role, party, tokenId: `webhook:${this.id}` };
  }

  #now(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}
