// Runs one WebhookWorker per registered webhook and wakes them all after every commit. Registration, replay and
// removal go through here so that each webhook's worker stays the only writer of its cursor.
import { pino, type Logger } from 'pino';
import type { Clock } from '../../ledger/clock.js';
import type { LedgerStore } from '../../ledger/store/ledger-store.js';
import type { AccessControl } from '../access/access-control.js';
import type { CommitSource } from '../stream/attach-stream.js';
import { DEFAULT_RETRY, type RetryPolicy } from './backoff.js';
import type { WebhookSigningKey } from './sign-webhook.js';
import { LeaseKeeper, type WebhookLeases } from './webhook-leases.js';
import { UrlPolicy } from './url-policy.js';
import { guardedPost, type PostFn } from './webhook-sender.js';
import type { WebhookRecord, WebhookStore } from './webhook-store.js';
import { WebhookWorker, realSleep, type WorkerDeps } from './webhook-worker.js';

export interface DispatcherDeps {
  readonly store: WebhookStore;
  readonly ledger: LedgerStore;
  readonly commits: CommitSource;
  /** Several instances share the store: deliver only the webhooks whose lease this instance holds. */
  readonly leases?: WebhookLeases;
  readonly access: AccessControl;
  readonly key: WebhookSigningKey;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Where deliveries may go; checked again before every attempt. Default: the strict policy (https, public addresses). */
  readonly urlPolicy?: UrlPolicy;
  /** Injectable for tests; defaults: a POST guarded by `urlPolicy`, node:timers/promises, Math.random. */
  readonly post?: PostFn;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  readonly retry?: Partial<RetryPolicy>;
  /** Per attempt. Default 10 s. */
  readonly timeoutMs?: number;
  /** Ledger events read per page. Default 100. */
  readonly page?: number;
}

export class WebhookDispatcher {
  readonly #workers = new Map<string, WebhookWorker>();
  readonly #deps: WorkerDeps;
  readonly #store: WebhookStore;
  readonly #commits: CommitSource;
  readonly #leases: WebhookLeases | undefined;
  #keeper: LeaseKeeper | undefined;
  #off: (() => void) | undefined;
  #closed = false;

  constructor(deps: DispatcherDeps) {
    this.#store = deps.store;
    this.#commits = deps.commits;
    this.#leases = deps.leases;
    this.#deps = {
      store: deps.store, ledger: deps.ledger, access: deps.access, key: deps.key, clock: deps.clock,
      logger: deps.logger ?? pino({ level: 'silent' }),
      post: deps.post ?? guardedPost(deps.urlPolicy ?? new UrlPolicy()),
      sleep: deps.sleep ?? realSleep,
      random: deps.random ?? Math.random,
      retry: { ...DEFAULT_RETRY, ...deps.retry },
      timeoutMs: deps.timeoutMs ?? 10_000,
      page: deps.page ?? 100,
    };
  }

  /** Start a worker for every stored webhook (each resumes from its cursor) and follow new commits. */
  async start(): Promise<void> {
    if (this.#off !== undefined || this.#closed) return;
    this.#off = this.#commits.onCommit(() => {
      for (const w of this.#workers.values()) w.wake();
    });
    if (this.#leases === undefined) {
      for (const hook of await this.#store.list()) this.#ensure(hook.id);
      return;
    }
    this.#keeper = new LeaseKeeper(this.#leases, (held, reclaimed) => this.#hold(held, reclaimed), this.#deps.logger);
    await this.#keeper.start();
  }

  /** A webhook was just created: start delivering to it (holding its lease first, when instances share the store). */
  added(hook: WebhookRecord): void {
    if (this.#leases === undefined) return void this.#ensure(hook.id);
    this.#leases.take(hook.id).then(
      (held) => held && !this.#closed && this.#ensure(hook.id),
      (err: unknown) => this.#deps.logger.warn({ err, webhook: hook.id }, 'webhook: lease not taken; another instance will claim it'),
    );
  }

  /** Re-deliver from ledger index `since` (and resume a paused webhook); resolves with the updated webhook. */
  async replay(id: string, since: number): Promise<WebhookRecord | undefined> {
    if ((await this.#store.get(id)) === undefined) return undefined;
    // Held elsewhere: take it over, so that this instance's worker is the only writer of the cursor.
    if (this.#leases !== undefined && !this.#workers.has(id) && !(await this.#leases.take(id))) return undefined;
    return this.#ensure(id).replay(since);
  }

  /** Stop the webhook's worker, then delete the webhook and its delivery log. */
  async remove(id: string): Promise<boolean> {
    const worker = this.#workers.get(id);
    this.#workers.delete(id);
    await worker?.stop();
    return this.#store.remove(id);
  }

  get workers(): number {
    return this.#workers.size;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#off?.();
    await this.#keeper?.stop();
    const workers = [...this.#workers.values()];
    this.#workers.clear();
    await Promise.all(workers.map((w) => w.stop()));
    await this.#keeper?.release();
  }

  /** Run workers for exactly the held webhooks; one whose lease lapsed and was claimed again starts afresh from the stored cursor. */
  #hold(held: ReadonlySet<string>, reclaimed: ReadonlySet<string>): void {
    if (this.#closed) return;
    for (const [id, worker] of this.#workers) {
      if (held.has(id) && !reclaimed.has(id)) continue;
      this.#workers.delete(id);
      void worker.stop();
    }
    for (const id of held) this.#ensure(id);
  }

  #ensure(id: string): WebhookWorker {
    let worker = this.#workers.get(id);
    if (worker === undefined) {
      worker = new WebhookWorker(id, this.#deps);
      if (!this.#closed) this.#workers.set(id, worker);
      else void worker.stop();
    }
    return worker;
  }
}
