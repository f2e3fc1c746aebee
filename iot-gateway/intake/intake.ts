// Telemetry intake, the same for the embedded and the external broker: topic → parse → verify → durable store
// (group commit: everything that arrives in one event-loop turn is written in one transaction) → outcome. The
// broker adapter acknowledges only after `receive` resolves with action 'ack', so PUBACK = durably stored.
import type { Logger } from 'pino';
import type { Clock } from '../../ledger/clock.js';
import { parseTelemetry } from '../formats/parse-telemetry.js';
import type { Rejection, RejectionCode } from '../formats/rejection.js';
import { parseTopic } from '../broker/topics.js';
import type { GatewayEvents } from '../gateway-events.js';
import { countRejection, type GatewayStats } from '../gateway-stats.js';
import type { AppendResult, BatchMessage, ReadingRecord, TelemetryStore } from '../store/telemetry-store.js';
import type { DeviceLookup } from '../verify/device-info.js';
import { verifyMessage, type VerifyFn } from '../verify/verify-message.js';

/**
 * ack: acknowledge (stored, duplicate, or refused for good: resending would not help);
 * disconnect: the client broke the rules (topic ACL, revoked device), close its connection, no acknowledgement;
 * retry: not stored for a passing reason (overload, store failure), no acknowledgement so the device resends.
 */
export type IntakeOutcome =
  | { readonly action: 'ack'; readonly status: 'stored' | 'duplicate'; readonly ids: readonly number[] }
  | ({ readonly action: 'ack'; readonly status: 'rejected' } & Rejection)
  | ({ readonly action: 'disconnect' | 'retry' } & Rejection);

/** Codes after which the connection is closed rather than the message acknowledged. */
const DISCONNECT: ReadonlySet<RejectionCode> = new Set(['TOPIC_MISMATCH', 'DEVICE_REVOKED']);

export interface IntakeDeps {
  readonly store: TelemetryStore;
  readonly devices: DeviceLookup;
  readonly clock: Clock;
  readonly verify: VerifyFn;
  readonly skew: { readonly maxFutureMs: number; readonly maxAgeMs: number };
  readonly stats: GatewayStats;
  readonly events: GatewayEvents;
  readonly logger: Logger;
  /** Most readings waiting for the store; beyond it messages get OVERLOADED (back-pressure). */
  readonly maxQueue: number;
  /** Called after each durable write with the newly stored readings (anchorer, covenant monitor). */
  readonly onStored: (stored: readonly { id: number; record: ReadingRecord }[]) => void;
}

interface Pending {
  readonly records: readonly ReadingRecord[];
  readonly message?: BatchMessage;
  readonly resolve: (o: IntakeOutcome) => void;
}

export class Intake {
  readonly #d: IntakeDeps;
  #queue: Pending[] = [];
  #queued = 0;
  #flushing: Promise<void> | undefined;
  #scheduled = false;

  constructor(deps: IntakeDeps) {
    this.#d = deps;
  }

  /** Takes one MQTT message. Never throws: every failure is an outcome. */
  receive(topic: string, payload: Uint8Array): Promise<IntakeOutcome> {
    const { stats } = this.#d;
    stats.received++;
    const arrival = parseTopic(topic);
    if (arrival === undefined) return Promise.resolve(this.#refuse(topic, 'TOPIC_MISMATCH', `'${topic}' is not a telemetry topic`));
    const parsed = parseTelemetry(payload);
    if (!parsed.ok) return Promise.resolve(this.#refuse(topic, parsed.code, parsed.detail));
    const device = this.#d.devices(arrival.device);
    const v = verifyMessage(parsed.message, arrival, device, { nowMs: this.#d.clock.now(), ...this.#d.skew, verify: this.#d.verify });
    if (!v.ok) return Promise.resolve(this.#refuse(topic, v.code, v.detail));
    if (this.#queued + v.readings.length > this.#d.maxQueue) {
      return Promise.resolve(this.#refuse(topic, 'OVERLOADED', `${this.#queued} readings wait for the store (limit ${this.#d.maxQueue})`));
    }
    const receivedAt = new Date(this.#d.clock.now()).toISOString();
    const records = v.readings.map((r) => ({ ...r, ...v.evidence, receivedAt }) as ReadingRecord);
    const message = v.batchMessage && 'batch' in v.evidence ? { digest: v.evidence.batch, bytes: v.batchMessage } : undefined;
    return new Promise((resolve) => {
      this.#queue.push({ records, ...(message ? { message } : {}), resolve });
      this.#queued += records.length;
      stats.queueDepth = this.#queued;
      this.#schedule();
    });
  }

  #refuse(topic: string, code: RejectionCode, detail: string): IntakeOutcome {
    countRejection(this.#d.stats, code);
    this.#d.events.emit('rejected', { code, detail, topic });
    this.#d.logger.debug({ topic, code, detail }, 'telemetry refused');
    if (code === 'OVERLOADED' || code === 'STORE_FAILED') return { action: 'retry', code, detail };
    return DISCONNECT.has(code) ? { action: 'disconnect', code, detail } : { action: 'ack', status: 'rejected', code, detail };
  }

  #schedule(): void {
    if (this.#scheduled || this.#flushing !== undefined) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flushing = this.#flush().finally(() => {
        this.#flushing = undefined;
        if (this.#queue.length > 0) this.#schedule();
      });
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#queue;
    this.#queue = [];
    const records = batch.flatMap((p) => p.records);
    const messages = batch.flatMap((p) => (p.message ? [p.message] : []));
    let results: AppendResult[];
    try {
      results = await this.#d.store.append(records, messages);
    } catch (e) {
      this.#d.logger.error({ err: e, readings: records.length }, 'telemetry store failed; nothing acknowledged');
      for (const p of batch) p.resolve(this.#refuse('', 'STORE_FAILED', (e as Error).message));
      return;
    } finally {
      this.#queued -= records.length;
      this.#d.stats.queueDepth = this.#queued;
    }
    this.#settle(batch, results);
  }

  #settle(batch: readonly Pending[], results: readonly AppendResult[]): void {
    const { stats, events } = this.#d;
    const fresh: { id: number; record: ReadingRecord }[] = [];
    let at = 0;
    for (const p of batch) {
      const mine = results.slice(at, at + p.records.length);
      mine.forEach((r, i) => {
        if (r.status === 'duplicate') {
          stats.duplicates++;
          return;
        }
        stats.stored++;
        if (r.gap) stats.gaps++;
        fresh.push({ id: r.id, record: p.records[i]! });
      });
      const allDuplicates = mine.every((r) => r.status === 'duplicate');
      p.resolve({ action: 'ack', status: allDuplicates ? 'duplicate' : 'stored', ids: mine.map((r) => r.id) });
      at += p.records.length;
    }
    if (fresh.length === 0) return;
    for (const f of fresh) events.emit('reading', f);
    this.#d.onStored(fresh);
  }

  /** Resolves once everything queued so far is stored (or failed). */
  async drain(): Promise<void> {
    for (let i = 0; i < 1000 && (this.#queue.length > 0 || this.#flushing !== undefined || this.#scheduled); i++) {
      await (this.#flushing ?? new Promise<void>((r) => setImmediate(r)));
    }
  }
}
