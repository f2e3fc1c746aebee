// SQLite WebhookStore, in the node's database file (its own migration scope, 'webhooks'). Statements are prepared
// once; a delivery's success and the cursor move commit in one transaction.
import { migrate, type SqliteDatabase } from '../../ledger/store/sqlite-database.js';
import type { Channel } from '../stream/channels.js';
import {
  DEFAULT_DELIVERIES_KEPT, deliveryId, deliveryNumber,
  type AttemptPatch, type Cursor, type DeliveryRecord, type NewDelivery, type WebhookPatch, type WebhookRecord, type WebhookStore,
} from './webhook-store.js';

/** A `webhooks` row (the PostgreSQL adapter reads the same columns). */
export interface HookRow {
  id: string;
  owner: string;
  url: string;
  channels: string;
  status: 'active' | 'paused';
  paused_reason: string | null;
  cursor_index: number;
  cursor_seq: number;
  created_at: string;
  updated_at: string;
}

export interface DeliveryRow {
  n: number;
  webhook: string;
  ledger_index: number;
  seq: number;
  event_type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  http_status: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export const toHook = (r: HookRow): WebhookRecord => ({
  id: r.id, owner: r.owner, url: r.url, channels: JSON.parse(r.channels) as Channel[], status: r.status,
  ...(r.paused_reason === null ? {} : { pausedReason: r.paused_reason }),
  cursor: { index: r.cursor_index, seq: r.cursor_seq }, createdAt: r.created_at, updatedAt: r.updated_at,
});

export const toDelivery = (r: DeliveryRow): DeliveryRecord => ({
  id: deliveryId(r.n), webhook: r.webhook, index: r.ledger_index, seq: r.seq, eventType: r.event_type, status: r.status,
  attempts: r.attempts,
  ...(r.http_status === null ? {} : { httpStatus: r.http_status }),
  ...(r.last_error === null ? {} : { lastError: r.last_error }),
  createdAt: r.created_at, updatedAt: r.updated_at,
});

export class SqliteWebhookStore implements WebhookStore {
  readonly #db: SqliteDatabase;
  readonly #stmt;

  constructor(db: SqliteDatabase, private readonly kept: number = DEFAULT_DELIVERIES_KEPT) {
    this.#db = db;
    migrate(db, 'webhooks', [
      {
        version: 1,
        sql: `CREATE TABLE webhooks (id TEXT PRIMARY KEY, owner TEXT NOT NULL, url TEXT NOT NULL, channels TEXT NOT NULL,
                status TEXT NOT NULL, paused_reason TEXT, cursor_index INTEGER NOT NULL, cursor_seq INTEGER NOT NULL,
                created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
              CREATE INDEX webhooks_owner ON webhooks (owner);
              CREATE TABLE webhook_deliveries (n INTEGER PRIMARY KEY AUTOINCREMENT,
                webhook TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE, ledger_index INTEGER NOT NULL,
                seq INTEGER NOT NULL, event_type TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
                http_status INTEGER, last_error TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
              CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook, n);`,
      },
    ]);
    this.#stmt = {
      insert: db.prepare(`INSERT INTO webhooks (id, owner, url, channels, status, paused_reason, cursor_index, cursor_seq, created_at, updated_at)
                          VALUES (@id, @owner, @url, @channels, @status, @paused_reason, @cursor_index, @cursor_seq, @created_at, @updated_at)`),
      get: db.prepare('SELECT * FROM webhooks WHERE id = ?'),
      all: db.prepare('SELECT * FROM webhooks ORDER BY id'),
      byOwner: db.prepare('SELECT * FROM webhooks WHERE owner = ? ORDER BY id'),
      save: db.prepare(`UPDATE webhooks SET status = @status, paused_reason = @paused_reason, cursor_index = @cursor_index,
                        cursor_seq = @cursor_seq, updated_at = @updated_at WHERE id = @id`),
      remove: db.prepare('DELETE FROM webhooks WHERE id = ?'),
      addDelivery: db.prepare(`INSERT INTO webhook_deliveries (webhook, ledger_index, seq, event_type, status, attempts, created_at, updated_at)
                               VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)`),
      prune: db.prepare(`DELETE FROM webhook_deliveries WHERE webhook = ? AND n <= (
                           SELECT n FROM webhook_deliveries WHERE webhook = ? ORDER BY n DESC LIMIT 1 OFFSET ?)`),
      attempt: db.prepare(`UPDATE webhook_deliveries SET status = @status, attempts = @attempts, http_status = @http_status,
                           last_error = @last_error, updated_at = @updated_at WHERE n = @n`),
      cursor: db.prepare('UPDATE webhooks SET cursor_index = ?, cursor_seq = ?, updated_at = ? WHERE id = ?'),
      deliveries: db.prepare('SELECT * FROM webhook_deliveries WHERE webhook = ? AND n < ? ORDER BY n DESC LIMIT ?'),
    };
  }

  async create(w: WebhookRecord): Promise<void> {
    this.#stmt.insert.run({
      id: w.id, owner: w.owner, url: w.url, channels: JSON.stringify(w.channels), status: w.status,
      paused_reason: w.pausedReason ?? null, cursor_index: w.cursor.index, cursor_seq: w.cursor.seq,
      created_at: w.createdAt, updated_at: w.updatedAt,
    });
  }

  async get(id: string): Promise<WebhookRecord | undefined> {
    const row = this.#stmt.get.get(id) as HookRow | undefined;
    return row === undefined ? undefined : toHook(row);
  }

  async list(owner?: string): Promise<WebhookRecord[]> {
    return ((owner === undefined ? this.#stmt.all.all() : this.#stmt.byOwner.all(owner)) as HookRow[]).map(toHook);
  }

  async update(id: string, patch: WebhookPatch): Promise<boolean> {
    return this.#db.transaction(() => {
      const row = this.#stmt.get.get(id) as HookRow | undefined;
      if (row === undefined) return false;
      this.#stmt.save.run({
        id,
        status: patch.status ?? row.status,
        paused_reason: patch.pausedReason === undefined ? row.paused_reason : patch.pausedReason,
        cursor_index: patch.cursor?.index ?? row.cursor_index,
        cursor_seq: patch.cursor?.seq ?? row.cursor_seq,
        updated_at: patch.updatedAt,
      });
      return true;
    }).immediate();
  }

  async remove(id: string): Promise<boolean> {
    return this.#stmt.remove.run(id).changes > 0; // deliveries go with it (ON DELETE CASCADE)
  }

  async addDelivery(d: NewDelivery): Promise<DeliveryRecord> {
    const n = this.#db.transaction(() => {
      const id = Number(this.#stmt.addDelivery.run(d.webhook, d.index, d.seq, d.eventType, d.createdAt, d.createdAt).lastInsertRowid);
      this.#stmt.prune.run(d.webhook, d.webhook, this.kept);
      return id;
    }).immediate();
    return { ...d, id: deliveryId(n), status: 'pending', attempts: 0, updatedAt: d.createdAt };
  }

  #attempt(id: string, patch: AttemptPatch): void {
    const n = deliveryNumber(id);
    if (n === undefined) return;
    this.#stmt.attempt.run({
      n, status: patch.status, attempts: patch.attempts, http_status: patch.httpStatus ?? null,
      last_error: patch.lastError ?? null, updated_at: patch.updatedAt,
    });
  }

  async recordAttempt(id: string, patch: AttemptPatch): Promise<void> {
    this.#attempt(id, patch);
  }

  async completeDelivery(webhook: string, id: string, patch: AttemptPatch, cursor: Cursor): Promise<void> {
    this.#db.transaction(() => {
      this.#attempt(id, patch);
      this.#stmt.cursor.run(cursor.index, cursor.seq, patch.updatedAt, webhook);
    }).immediate();
  }

  async deliveries(webhook: string, opts: { limit: number; before?: string }): Promise<DeliveryRecord[]> {
    const before = opts.before === undefined ? Number.MAX_SAFE_INTEGER : (deliveryNumber(opts.before) ?? 0);
    return (this.#stmt.deliveries.all(webhook, before, opts.limit) as DeliveryRow[]).map(toDelivery);
  }
}
