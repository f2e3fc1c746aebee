// PostgreSQL WebhookStore, shared by every API instance (migration scope 'webhooks'): the same tables and semantics
// as the SQLite adapter, plus per-webhook delivery leases so that each webhook is delivered by one instance at a time.
//
// Leases, and why rows rather than advisory locks: a lease is two columns on the webhook's row (holder, expiry),
// timed by the database clock (`now()`), so instances need no synchronised clocks and a lease outlives no
// connection-pool detail (a session advisory lock is tied to one pooled connection and dies with it, or lives on
// in a pool that is stuck). An instance renews the leases it holds and claims free or expired ones in one
// statement with `FOR UPDATE SKIP LOCKED`, so instances claiming at once never wait for each other and never both
// win a row. An instance that dies stops renewing; its leases expire after `leaseMs` and another instance takes
// them over from the stored cursor. A clean shutdown releases its leases so the takeover is immediate.
//
// Fencing: every claim of a lease (a takeover after expiry or after a release, or `take` for a registration or
// replay) adds one to the row's lease generation (a release itself does not), and an instance remembers the generation of every lease it has claimed. Its
// writes to a webhook it has held carry that generation and land only while the row still has it, so an instance
// that lost its lease while a delivery was in flight (a long pause) cannot write after anyone else claimed the row —
// even when the new holder has since released it, after an owner's replay moved the cursor back. A webhook this
// instance never held is written only while nobody else holds an unexpired lease on it (`update` returns false,
// `completeDelivery` records the attempt but leaves the cursor). A delivery's completion is fenced by the generation
// it began under, so it cannot land even after this instance claimed the lease again. A delivery moves the cursor
// forward only; at worst an event is delivered once more, which receivers deduplicate on (index, seq) (delivery is at
// least once). A renewal reports the leases it claimed again after this instance had lost them, and the dispatcher
// replaces their workers, which may have gone on unaware of the loss, by fresh ones that start from the stored
// cursor (the old one stops and, being stopped, writes no cursor). The new generation is recorded once the claim has
// committed, and the dispatcher stops the old worker as soon as `acquire` returns; a write the old worker begins in
// the few microtasks between the two would carry the new generation and land. Closing that too needs each worker's
// writes to carry the generation it started under.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { migratePg, type PgMigration } from '../../ledger/store/pg/migrations.js';
import { withTransaction } from '../../ledger/store/pg/pg-pool.js';
import { toDelivery, toHook, type DeliveryRow, type HookRow } from './sqlite-webhook-store.js';
import type { Acquired, WebhookLeases } from './webhook-leases.js';
import {
  DEFAULT_DELIVERIES_KEPT, deliveryId, deliveryNumber,
  type AttemptPatch, type Cursor, type DeliveryRecord, type NewDelivery, type WebhookPatch, type WebhookRecord, type WebhookStore,
} from './webhook-store.js';

const MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    sql: `CREATE TABLE webhooks (
            id TEXT COLLATE "C" PRIMARY KEY,
            owner TEXT COLLATE "C" NOT NULL,
            url TEXT NOT NULL,
            channels TEXT NOT NULL,
            status TEXT NOT NULL,
            paused_reason TEXT,
            cursor_index BIGINT NOT NULL,
            cursor_seq INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            lease_holder TEXT,
            lease_expires TIMESTAMPTZ
          );
          CREATE INDEX webhooks_owner ON webhooks (owner, id);
          CREATE TABLE webhook_deliveries (
            n BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            webhook TEXT COLLATE "C" NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
            ledger_index BIGINT NOT NULL,
            seq INTEGER NOT NULL,
            event_type TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            http_status INTEGER,
            last_error TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
          );
          CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook, n);`,
  },
  {
    version: 2,
    sql: 'ALTER TABLE webhooks ADD COLUMN lease_gen BIGINT NOT NULL DEFAULT 0;',
  },
];

const HOOK_COLUMNS = 'id, owner, url, channels, status, paused_reason, cursor_index, cursor_seq, created_at, updated_at';

/**
 * SQL: the row may be written by this instance — named by parameter `holder`, with `gen` the lease generation it
 * claimed (NULL if it never held the row): with a generation, only while the row still has it; without one, only
 * while nobody else holds an unexpired lease.
 */
const writableBy = (holder: string, gen: string): string =>
  `(CASE WHEN ${gen}::bigint IS NULL THEN (lease_holder IS NULL OR lease_holder = ${holder} OR lease_expires < now()) ELSE lease_gen = ${gen}::bigint END)`;

export interface PgWebhookStoreOptions {
  /** Deliveries kept per webhook. */
  readonly kept?: number;
  /** This instance's name as a lease holder; default host-pid-random. */
  readonly instance?: string;
  /** How long a lease lasts without renewal (ms): the takeover delay after an instance dies. Default 15 s. */
  readonly leaseMs?: number;
}

export class PgWebhookStore implements WebhookStore, WebhookLeases {
  readonly instance: string;
  readonly leaseMs: number;
  readonly #kept: number;
  /** The lease generation this instance claimed, per webhook it has held (kept after losing it: that is the fence). */
  readonly #gens = new Map<string, string>();
  /** The generation each delivery in flight began under: its completion is fenced by that, not by a later claim. */
  readonly #deliveryGens = new Map<string, string | undefined>();

  private constructor(private readonly pool: Pool, opts: PgWebhookStoreOptions) {
    this.instance = opts.instance ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.leaseMs = opts.leaseMs ?? 15_000;
    this.#kept = opts.kept ?? DEFAULT_DELIVERIES_KEPT;
    if (!Number.isSafeInteger(this.leaseMs) || this.leaseMs < 1) throw new RangeError(`leaseMs: expected a positive integer, got ${this.leaseMs}`);
    if (!Number.isSafeInteger(this.#kept) || this.#kept < 1) throw new RangeError(`kept: expected a positive integer, got ${this.#kept}`);
  }

  /** Migrate the webhook tables in the pool's schema; the caller owns (and ends) the pool. */
  static async open(pool: Pool, opts: PgWebhookStoreOptions = {}): Promise<PgWebhookStore> {
    const store = new PgWebhookStore(pool, opts);
    await migratePg(pool, 'webhooks', MIGRATIONS);
    return store;
  }

  async create(w: WebhookRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO webhooks (${HOOK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [w.id, w.owner, w.url, JSON.stringify(w.channels), w.status, w.pausedReason ?? null, w.cursor.index, w.cursor.seq, w.createdAt, w.updatedAt],
    );
  }

  async get(id: string): Promise<WebhookRecord | undefined> {
    const { rows } = await this.pool.query<HookRow>(`SELECT ${HOOK_COLUMNS} FROM webhooks WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : toHook(rows[0]);
  }

  async list(owner?: string): Promise<WebhookRecord[]> {
    const { rows } = owner === undefined
      ? await this.pool.query<HookRow>(`SELECT ${HOOK_COLUMNS} FROM webhooks ORDER BY id`)
      : await this.pool.query<HookRow>(`SELECT ${HOOK_COLUMNS} FROM webhooks WHERE owner = $1 ORDER BY id`, [owner]);
    return rows.map(toHook);
  }

  /** False when there is no such webhook, or another instance holds its lease (fencing). */
  async update(id: string, patch: WebhookPatch): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE webhooks SET
         status = COALESCE($2, status),
         paused_reason = CASE WHEN $3 THEN $4 ELSE paused_reason END,
         cursor_index = COALESCE($5, cursor_index),
         cursor_seq = COALESCE($6, cursor_seq),
         updated_at = $7
       WHERE id = $1 AND ${writableBy('$8', '$9')}`,
      [id, patch.status ?? null, patch.pausedReason !== undefined, patch.pausedReason ?? null,
        patch.cursor?.index ?? null, patch.cursor?.seq ?? null, patch.updatedAt, this.instance, this.#gens.get(id) ?? null],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async remove(id: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM webhooks WHERE id = $1', [id]); // deliveries: ON DELETE CASCADE
    this.#gens.delete(id);
    return (result.rowCount ?? 0) > 0;
  }

  async addDelivery(d: NewDelivery): Promise<DeliveryRecord> {
    const n = await withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ n: number }>(
        `INSERT INTO webhook_deliveries (webhook, ledger_index, seq, event_type, status, attempts, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5) RETURNING n`,
        [d.webhook, d.index, d.seq, d.eventType, d.createdAt],
      );
      await client.query(
        `DELETE FROM webhook_deliveries WHERE webhook = $1 AND n <= (
           SELECT n FROM webhook_deliveries WHERE webhook = $1 ORDER BY n DESC LIMIT 1 OFFSET $2)`,
        [d.webhook, this.#kept],
      );
      return rows[0]!.n;
    });
    const id = deliveryId(n);
    this.#deliveryGens.set(id, this.#gens.get(d.webhook));
    return { ...d, id, status: 'pending', attempts: 0, updatedAt: d.createdAt };
  }

  async recordAttempt(id: string, patch: AttemptPatch): Promise<void> {
    if (patch.status !== 'pending') this.#deliveryGens.delete(id); // failed for good: no completion will come
    await this.#attempt(this.pool, id, patch);
  }

  async completeDelivery(webhook: string, id: string, patch: AttemptPatch, cursor: Cursor): Promise<void> {
    const gen = this.#deliveryGens.has(id) ? this.#deliveryGens.get(id) : this.#gens.get(webhook);
    this.#deliveryGens.delete(id);
    await withTransaction(this.pool, async (client) => {
      await this.#attempt(client, id, patch);
      await client.query(
        `UPDATE webhooks SET cursor_index = $1, cursor_seq = $2, updated_at = $3
         WHERE id = $4 AND ${writableBy('$5', '$6')} AND (cursor_index, cursor_seq) < ($1, $2)`, // a delivery moves the cursor forward only
        [cursor.index, cursor.seq, patch.updatedAt, webhook, this.instance, gen ?? null],
      );
    });
  }

  async deliveries(webhook: string, opts: { limit: number; before?: string }): Promise<DeliveryRecord[]> {
    const before = opts.before === undefined ? Number.MAX_SAFE_INTEGER : (deliveryNumber(opts.before) ?? 0);
    const { rows } = await this.pool.query<DeliveryRow>(
      'SELECT * FROM webhook_deliveries WHERE webhook = $1 AND n < $2 ORDER BY n DESC LIMIT $3',
      [webhook, before, opts.limit],
    );
    return rows.map(toDelivery);
  }

  // ── leases ──

  async acquire(): Promise<Acquired> {
    const { renewed, claimed } = await withTransaction(this.pool, async (client) => {
      const renewed = await client.query<{ id: string }>(
        `UPDATE webhooks SET lease_expires = now() + $2 * interval '1 millisecond' WHERE lease_holder = $1 RETURNING id`,
        [this.instance, this.leaseMs],
      );
      // Free or expired rows that no other instance is claiming right now (SKIP LOCKED: never wait, never both win).
      const claimed = await client.query<{ id: string; lease_gen: string }>(
        `UPDATE webhooks SET lease_holder = $1, lease_expires = now() + $2 * interval '1 millisecond', lease_gen = lease_gen + 1
         WHERE id IN (SELECT id FROM webhooks WHERE lease_holder IS NULL OR lease_expires < now() ORDER BY id FOR UPDATE SKIP LOCKED)
         RETURNING id, lease_gen`,
        [this.instance, this.leaseMs],
      );
      return { renewed: renewed.rows, claimed: claimed.rows };
    });
    // Recorded only once the claim has committed: a write this instance begins meanwhile still carries the generation
    // it held before, which the row has lost when the claim commits, so a stale worker's write cannot land.
    const reclaimed = claimed.filter((r) => this.#gens.has(r.id)).map((r) => r.id).sort();
    for (const r of claimed) this.#gens.set(r.id, String(r.lease_gen));
    return { held: [...renewed, ...claimed].map((r) => r.id).sort(), reclaimed };
  }

  async take(id: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ lease_gen: string }>(
      `UPDATE webhooks SET lease_holder = $1, lease_expires = now() + $2 * interval '1 millisecond', lease_gen = lease_gen + 1
       WHERE id = $3 RETURNING lease_gen`,
      [this.instance, this.leaseMs, id],
    );
    if (rows[0] === undefined) return false;
    this.#gens.set(id, String(rows[0].lease_gen));
    return true;
  }

  async release(): Promise<void> {
    await this.pool.query('UPDATE webhooks SET lease_holder = NULL, lease_expires = NULL WHERE lease_holder = $1', [this.instance]);
  }

  /** Who holds `id`'s lease, if anyone holds an unexpired one (for operators and tests). */
  async holder(id: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ lease_holder: string | null }>(
      'SELECT lease_holder FROM webhooks WHERE id = $1 AND lease_expires >= now()',
      [id],
    );
    return rows[0]?.lease_holder ?? undefined;
  }

  async #attempt(db: Pool | PoolClient, id: string, patch: AttemptPatch): Promise<void> {
    const n = deliveryNumber(id);
    if (n === undefined) return;
    await db.query(
      `UPDATE webhook_deliveries SET status = $2, attempts = $3, http_status = $4, last_error = $5, updated_at = $6 WHERE n = $1`,
      [n, patch.status, patch.attempts, patch.httpStatus ?? null, patch.lastError ?? null, patch.updatedAt],
    );
  }
}
