// Following the log from a stateless API instance: deliver every stored event after a given index, in log order,
// exactly once, for WebSocket fan-out and webhooks. A commit sends NOTIFY ledgerhouse_log '<new size>' inside its
// transaction, so the notification arrives only after the batch is visible; it is a wake-up call, never data (the
// channel is database-wide, and notifications are lost while a listener is reconnecting). A timer polls as well, so
// a lost notification or a dropped LISTEN connection only delays delivery by at most `pollMs`.
//
// Delivery pages by whole entries ([next, end) of the log), so the resume point is always an index: a subscriber
// that stores `next` after handling a page and restarts from it sees nothing twice and misses nothing.
import pg from 'pg';
import type { EventRecord } from '../ledger-store.js';
import { LOG_CHANNEL, type PgLedgerStore } from './pg-ledger-store.js';

/** Handles the events of entries [previous next, next), in order; `next` is where to resume after it. */
export type EventsHandler = (events: readonly EventRecord[], next: number) => void | Promise<void>;

export interface FollowerOptions {
  /** Poll this often as well as on notifications (ms). */
  readonly pollMs?: number;
  /** Most entries per page handed to one handler call. */
  readonly pageEntries?: number;
  /** LISTEN for commit notifications (default true); false polls only. */
  readonly listen?: boolean;
  /**
   * Where to LISTEN; defaults to the store's own connection settings. A hot standby refuses LISTEN, so a follower
   * reading from a replica listens on the primary (a notification that arrives before the replica has replayed
   * the commit finds nothing new; the next notification or poll delivers it).
   */
  readonly listenTo?: pg.ClientConfig;
  /** Errors reading the store, running a handler or listening; the follower retries on its next wake-up. */
  readonly onError?: (error: unknown) => void;
}

export interface Subscription {
  /** The index the next delivery starts at (store it to resume). */
  readonly next: number;
  /** Stop delivering; resolves once a handler in progress has returned. */
  stop(): Promise<void>;
}

class Cursor implements Subscription {
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #next: number;

  constructor(
    next: number,
    private readonly store: PgLedgerStore,
    private readonly onEvents: EventsHandler,
    private readonly pageEntries: number,
    private readonly onError: (e: unknown) => void,
    private readonly detach: (c: Cursor) => void,
  ) {
    this.#next = next;
  }

  get next(): number {
    return this.#next;
  }

  /** Catch up with the log; concurrent wake-ups collapse into one more pass. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    this.#running = this.#pump().finally(() => {
      this.#running = undefined;
    });
  }

  async #pump(): Promise<void> {
    do {
      this.#again = false;
      try {
        const size = await this.store.size();
        while (this.#next < size && !this.#stopped) {
          const end = Math.min(size, this.#next + this.pageEntries);
          const events = await this.store.eventsBetween(this.#next, end);
          if (events.length > 0) await this.onEvents(events, end);
          this.#next = end; // only after the handler returned: a failed page is delivered again
        }
      } catch (e) {
        this.onError(e);
        return; // retried on the next notification or poll
      }
    } while (this.#again && !this.#stopped);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.detach(this);
    await this.#running;
  }
}

export class PgFollower {
  readonly #store: PgLedgerStore;
  readonly #opts: Required<Omit<FollowerOptions, 'onError' | 'listenTo'>> & Pick<FollowerOptions, 'onError' | 'listenTo'>;
  readonly #cursors = new Set<Cursor>();
  #listener: pg.Client | undefined;
  #poll: NodeJS.Timeout | undefined;
  #reconnect: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(store: PgLedgerStore, opts: FollowerOptions = {}) {
    this.#store = store;
    this.#opts = { pollMs: 1000, pageEntries: 500, listen: true, ...opts };
  }

  /** Deliver the events of every entry with index ≥ fromIndex, now and as the log grows. */
  follow(fromIndex: number, onEvents: EventsHandler): Subscription {
    if (this.#closed) throw new Error('PgFollower: closed');
    if (!Number.isSafeInteger(fromIndex) || fromIndex < 0) throw new RangeError(`fromIndex: expected an index ≥ 0, got ${fromIndex}`);
    const cursor = new Cursor(fromIndex, this.#store, onEvents, this.#opts.pageEntries, (e) => this.#error(e), (c) => this.#cursors.delete(c));
    this.#cursors.add(cursor);
    this.#start();
    cursor.wake();
    return cursor;
  }

  /** Stop every subscription and the LISTEN connection (the store and its pool stay open). */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#poll);
    clearTimeout(this.#reconnect);
    await Promise.all([...this.#cursors].map((c) => c.stop()));
    const listener = this.#listener;
    this.#listener = undefined;
    await listener?.end().catch(() => {});
  }

  #wakeAll(): void {
    for (const c of this.#cursors) c.wake();
  }

  #error(e: unknown): void {
    this.#opts.onError?.(e);
  }

  #start(): void {
    if (this.#poll !== undefined) return;
    this.#poll = setInterval(() => this.#wakeAll(), this.#opts.pollMs);
    this.#poll.unref();
    if (this.#opts.listen) void this.#listen();
  }

  /** A dedicated connection (not from the pool: LISTEN holds it for good) that wakes every cursor per commit. */
  async #listen(): Promise<void> {
    const client = new pg.Client({ ...(this.#opts.listenTo ?? this.#store.pool.options), application_name: 'ledgerhouse-follower' });
    const retry = (e: unknown): void => {
      this.#error(e);
      if (this.#listener === client) this.#listener = undefined;
      client.end().catch(() => {});
      if (this.#closed || this.#reconnect !== undefined) return;
      this.#reconnect = setTimeout(() => {
        this.#reconnect = undefined;
        if (!this.#closed) void this.#listen();
      }, this.#opts.pollMs);
      this.#reconnect.unref();
    };
    client.on('error', retry);
    client.on('notification', (n) => {
      if (n.channel === LOG_CHANNEL) this.#wakeAll();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${LOG_CHANNEL}`);
    } catch (e) {
      retry(e);
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#listener = client;
    this.#wakeAll(); // commits made while we were not listening
  }
}
