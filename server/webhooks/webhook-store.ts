// The WebhookStore port: registered webhooks (with each one's delivery cursor) and the delivery log. Adapters:
// memory, SQLite and PostgreSQL; all pass test/server/webhooks/webhook-store-conformance.ts.
import type { Channel } from '../stream/channels.js';

/** The next ledger event a webhook will consider: events with (index, seq) ≥ the cursor are still to come. */
export interface Cursor {
  readonly index: number;
  readonly seq: number;
}

/** active: delivering · paused: stopped after an event exhausted its attempts (or the owner left); replay resumes it. */
export type WebhookStatus = 'active' | 'paused';

export interface WebhookRecord {
  /** `wh_` + 20 hex. */
  readonly id: string;
  /** The party that registered it; it receives only events this party may see. */
  readonly owner: string;
  readonly url: string;
  readonly channels: readonly Channel[];
  readonly status: WebhookStatus;
  readonly pausedReason?: string;
  readonly cursor: Cursor;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface WebhookPatch {
  readonly status?: WebhookStatus;
  /** A string sets the reason; null clears it. */
  readonly pausedReason?: string | null;
  readonly cursor?: Cursor;
  readonly updatedAt: string;
}

/** pending: being attempted · delivered: a 2xx answer · failed: attempts exhausted or cancelled. */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface DeliveryRecord {
  /** `dl_` + 12 digits, assigned by the store in increasing order. */
  readonly id: string;
  readonly webhook: string;
  readonly index: number;
  readonly seq: number;
  readonly eventType: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** HTTP status of the last answer, if there was one. */
  readonly httpStatus?: number;
  readonly lastError?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type NewDelivery = Omit<DeliveryRecord, 'id' | 'status' | 'attempts' | 'httpStatus' | 'lastError' | 'updatedAt'>;

export interface AttemptPatch {
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly httpStatus?: number;
  readonly lastError?: string;
  readonly updatedAt: string;
}

export interface WebhookStore {
  /** Throws if the id is taken. */
  create(webhook: WebhookRecord): Promise<void>;
  get(id: string): Promise<WebhookRecord | undefined>;
  /** Every webhook (of `owner`, when given), by id. */
  list(owner?: string): Promise<WebhookRecord[]>;
  /** Applies the patch; false if there is no such webhook. */
  update(id: string, patch: WebhookPatch): Promise<boolean>;
  /** Removes the webhook and its delivery log; false if there was none. */
  remove(id: string): Promise<boolean>;

  /** Logs a new pending delivery (0 attempts) and returns it with its id; keeps only the newest deliveries per webhook. */
  addDelivery(delivery: NewDelivery): Promise<DeliveryRecord>;
  recordAttempt(id: string, patch: AttemptPatch): Promise<void>;
  /**
   * Records the successful attempt of delivery `id` and moves `webhook`'s cursor, atomically: the cursor never
   * passes an event whose delivery is not recorded (at least once).
   */
  completeDelivery(webhook: string, id: string, patch: AttemptPatch, cursor: Cursor): Promise<void>;
  /** The webhook's deliveries, newest first, with id < `before` when given. */
  deliveries(webhook: string, opts: { limit: number; before?: string }): Promise<DeliveryRecord[]>;
}

export function deliveryId(n: number): string {
  return `dl_${String(n).padStart(12, '0')}`;
}

/** The store's number for a delivery id, or undefined when it is not one. */
export function deliveryNumber(id: string): number | undefined {
  const m = /^dl_(\d{12})$/.exec(id);
  return m === null ? undefined : Number(m[1]);
}

/** Deliveries kept per webhook by default (older ones are dropped as new ones are logged). */
export const DEFAULT_DELIVERIES_KEPT = 1_000;
