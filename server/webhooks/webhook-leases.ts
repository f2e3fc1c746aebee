// Webhook delivery leases, for several API instances sharing one WebhookStore: each webhook is delivered by the
// one instance that holds its lease. The port is implemented by PgWebhookStore; a single node (SQLite, memory)
// has no leases and delivers every webhook itself. The LeaseKeeper renews and claims on a timer and tells the
// dispatcher which webhooks are this instance's to deliver.
import type { Logger } from 'pino';

/** What one renewal holds. */
export interface Acquired {
  /** Every webhook id this instance now holds, sorted. */
  readonly held: string[];
  /**
   * The held ids this renewal claimed again after this instance had lost them (under a new lease generation): a
   * worker still running for one of them may be stale, and is replaced.
   */
  readonly reclaimed: string[];
}

export interface WebhookLeases {
  /** How long a lease lasts without renewal (ms). */
  readonly leaseMs: number;
  /** Renew this instance's leases and claim free or expired ones. */
  acquire(): Promise<Acquired>;
  /** Hold `id` now, even if another instance does (a registration or replay made here); false if there is none. */
  take(id: string): Promise<boolean>;
  /** Give up every lease this instance holds (clean shutdown: others take over at once). */
  release(): Promise<void>;
}

/** Renewals per lease period: a lease survives two missed renewals. */
const RENEWALS_PER_LEASE = 3;

export class LeaseKeeper {
  #timer: NodeJS.Timeout | undefined;
  #tick: Promise<void> = Promise.resolve();
  /** Local time until which the last successful acquire guarantees our leases (renewal started before it). */
  #validUntil = 0;
  #stopped = false;

  constructor(
    private readonly leases: WebhookLeases,
    /**
     * Called after every renewal with the ids this instance holds (an empty set once renewals fail for a lease
     * period) and those of them it claimed again after losing them.
     */
    private readonly onHeld: (held: ReadonlySet<string>, reclaimed: ReadonlySet<string>) => void,
    private readonly logger: Logger,
  ) {}

  /** Acquire once now, then keep renewing every leaseMs / 3. */
  async start(): Promise<void> {
    await this.renew();
    if (this.#stopped) return;
    this.#timer = setInterval(() => {
      // A renewal that hangs (database unreachable) must not let our workers outlive the lease.
      if (Date.now() >= this.#validUntil) this.onHeld(new Set(), new Set());
      void this.renew();
    }, Math.max(1, Math.floor(this.leases.leaseMs / RENEWALS_PER_LEASE)));
    this.#timer.unref();
  }

  /** One renewal now (also what the timer runs); renewals never overlap. */
  renew(): Promise<void> {
    this.#tick = this.#tick.then(() => this.#renew());
    return this.#tick;
  }

  async #renew(): Promise<void> {
    if (this.#stopped) return;
    const started = Date.now();
    try {
      const { held, reclaimed } = await this.leases.acquire();
      if (this.#stopped) return;
      this.#validUntil = started + this.leases.leaseMs;
      this.onHeld(new Set(held), new Set(reclaimed));
    } catch (err) {
      this.logger.warn({ err }, 'webhook: lease renewal failed');
      // Past the last lease we are sure of, another instance may deliver: stop ours.
      if (!this.#stopped && Date.now() >= this.#validUntil) this.onHeld(new Set(), new Set());
    }
  }

  /** Stop renewing; `release` gives the leases up (after the workers stopped). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#tick;
  }

  async release(): Promise<void> {
    await this.leases.release().catch((err: unknown) => this.logger.warn({ err }, 'webhook: lease release failed; they expire on their own'));
  }
}
