// In-memory WebhookStore (tests, demos). Same behaviour as the SQLite adapter: see the conformance suite.
import {
  DEFAULT_DELIVERIES_KEPT, deliveryId, deliveryNumber,
  type AttemptPatch, type Cursor, type DeliveryRecord, type NewDelivery, type WebhookPatch, type WebhookRecord, type WebhookStore,
} from './webhook-store.js';

function applyPatch(w: WebhookRecord, patch: WebhookPatch): WebhookRecord {
  const { pausedReason: _old, ...rest } = w;
  const pausedReason = patch.pausedReason === undefined ? w.pausedReason : (patch.pausedReason ?? undefined);
  return {
    ...rest,
    ...(patch.status === undefined ? {} : { status: patch.status }),
    ...(patch.cursor === undefined ? {} : { cursor: patch.cursor }),
    ...(pausedReason === undefined ? {} : { pausedReason }),
    updatedAt: patch.updatedAt,
  };
}

function applyAttempt(d: DeliveryRecord, patch: AttemptPatch): DeliveryRecord {
  const { httpStatus: _h, lastError: _e, ...rest } = d;
  return {
    ...rest, status: patch.status, attempts: patch.attempts, updatedAt: patch.updatedAt,
    ...(patch.httpStatus === undefined ? {} : { httpStatus: patch.httpStatus }),
    ...(patch.lastError === undefined ? {} : { lastError: patch.lastError }),
  };
}

export class MemoryWebhookStore implements WebhookStore {
  readonly #hooks = new Map<string, WebhookRecord>();
  readonly #deliveries = new Map<string, DeliveryRecord[]>();
  readonly #webhookOf = new Map<string, string>();
  #next = 1;

  constructor(private readonly kept: number = DEFAULT_DELIVERIES_KEPT) {}

  async create(webhook: WebhookRecord): Promise<void> {
    if (this.#hooks.has(webhook.id)) throw new Error(`webhook ${webhook.id} exists`);
    const { pausedReason, ...rest } = webhook;
    this.#hooks.set(webhook.id, { ...rest, channels: [...webhook.channels], ...(pausedReason === undefined ? {} : { pausedReason }) });
    this.#deliveries.set(webhook.id, []);
  }

  async get(id: string): Promise<WebhookRecord | undefined> {
    return this.#hooks.get(id);
  }

  async list(owner?: string): Promise<WebhookRecord[]> {
    return [...this.#hooks.values()].filter((w) => owner === undefined || w.owner === owner).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async update(id: string, patch: WebhookPatch): Promise<boolean> {
    const w = this.#hooks.get(id);
    if (w === undefined) return false;
    this.#hooks.set(id, applyPatch(w, patch));
    return true;
  }

  async remove(id: string): Promise<boolean> {
    for (const d of this.#deliveries.get(id) ?? []) this.#webhookOf.delete(d.id);
    this.#deliveries.delete(id);
    return this.#hooks.delete(id);
  }

  async addDelivery(delivery: NewDelivery): Promise<DeliveryRecord> {
    const log = this.#deliveries.get(delivery.webhook);
    if (log === undefined) throw new Error(`no webhook ${delivery.webhook}`);
    const record: DeliveryRecord = { ...delivery, id: deliveryId(this.#next++), status: 'pending', attempts: 0, updatedAt: delivery.createdAt };
    log.push(record);
    this.#webhookOf.set(record.id, record.webhook);
    for (const dropped of log.splice(0, Math.max(0, log.length - this.kept))) this.#webhookOf.delete(dropped.id);
    return record;
  }

  async recordAttempt(id: string, patch: AttemptPatch): Promise<void> {
    const log = this.#deliveries.get(this.#webhookOf.get(id) ?? '');
    const i = log?.findIndex((d) => d.id === id) ?? -1;
    if (log !== undefined && i >= 0) log[i] = applyAttempt(log[i]!, patch);
  }

  async completeDelivery(webhook: string, id: string, patch: AttemptPatch, cursor: Cursor): Promise<void> {
    await this.recordAttempt(id, patch);
    await this.update(webhook, { cursor, updatedAt: patch.updatedAt });
  }

  async deliveries(webhook: string, opts: { limit: number; before?: string }): Promise<DeliveryRecord[]> {
    const before = opts.before === undefined ? Infinity : (deliveryNumber(opts.before) ?? 0);
    return [...(this.#deliveries.get(webhook) ?? [])]
      .filter((d) => deliveryNumber(d.id)! < before)
      .reverse()
      .slice(0, opts.limit);
  }
}
