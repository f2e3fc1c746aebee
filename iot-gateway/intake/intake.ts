// Telemetry intake, the same for the embedded and the external broker: topic → parse → checks → Ed25519 signature
// (in the worker pool when there is one, so another core verifies while this thread stores) → durable store → outcome.
// Messages leave verification in the order they arrived (a device's sequence numbers stay in order). Group commit:
// whatever is verified while the writes in flight are busy, or within the group commit delay (groupDelayMs; one
// event-loop turn when 0), is written in one transaction (one fsync; up to MAX_GROUP_READINGS readings, the rest in
// the next), and each message is settled when its group is durable. One write is in flight at a time; when the
// store applies writes in call order (its writer thread) and a full group waits, up to MAX_WRITES_IN_FLIGHT; writes
// settle in the order they were sent.
// The broker adapter acknowledges only after `receive` resolves with action 'ack', so PUBACK = durably stored.
import type { Logger } from 'pino';
import type { Clock } from '../../ledger/clock.js';
import { parseTelemetry } from '../formats/parse-telemetry.js';
import type { Rejection, RejectionCode } from '../formats/rejection.js';
import { parseTopic } from '../broker/topics.js';
import type { GatewayEvents } from '../gateway-events.js';
import { countRejection, type GatewayStats } from '../gateway-stats.js';
import type { AppendResult, BatchMessage, ReadingRecord, TelemetryStore } from '../store/telemetry-store.js';
import type { DeviceLookup } from '../verify/device-info.js';
import type { VerifyPool } from '../../ledger/crypto/verify-pool.js';
import { checkMessage, verdictOf, type Checked, type VerifyFn } from '../verify/verify-message.js';
import { recordsOf } from './reading-records.js';

/**
 * ack: acknowledge (stored, duplicate, or refused for good: resending would not help);
 * disconnect: the client broke the rules (topic ACL, revoked device), close its connection, no acknowledgement;
 * retry: not stored for a passing reason (overload, store failure), no acknowledgement so the device resends.
 */
export type IntakeOutcome =
  | { readonly action: 'ack'; readonly status: 'stored' | 'duplicate'; readonly ids: readonly number[] }
  | ({ readonly action: 'ack'; readonly status: 'rejected' } & Rejection)
  | ({ readonly action: 'disconnect' | 'retry' } & Rejection);

/**
 * Most readings in one store write (whole messages: a message's readings are never split, so one larger than
 * this is written alone). Bounds how long a write holds SQLite's write lock, which the ledger's commits (anchors
 * and alerts) on the same database file wait for; the rest of the queue goes in the next write.
 */
export const MAX_GROUP_READINGS = 2_000;

/**
 * Store writes in flight when the store applies them in call order (TelemetryStore.writesInOrder: the writer
 * thread) and full groups wait: it starts the next group as soon as it committed one, instead of idling while its
 * answer reaches this thread and the next group is built here. Batch-signed probe on a 2-core Intel Xeon VM
 * (16 devices, 96,000 readings per round, medians of 5): about 68,000 readings/s one at a time, 92-96,000 with two,
 * 103-108,000 with four. Below a full group, one write at a time (see #mayWrite).
 */
export const MAX_WRITES_IN_FLIGHT = 4;

/** Codes after which the connection is closed rather than the message acknowledged. */
const DISCONNECT: ReadonlySet<RejectionCode> = new Set(['TOPIC_MISMATCH', 'DEVICE_REVOKED']);

export interface IntakeDeps {
  readonly store: TelemetryStore;
  readonly devices: DeviceLookup;
  readonly clock: Clock;
  readonly verify: VerifyFn;
  /** Verify device signatures in these worker threads (same rule); `verify` in this thread when absent or failing. */
  readonly pool?: VerifyPool;
  readonly skew: { readonly maxFutureMs: number; readonly maxAgeMs: number };
  readonly stats: GatewayStats;
  readonly events: GatewayEvents;
  readonly logger: Logger;
  /** Most readings waiting for the store; beyond it messages get OVERLOADED (back-pressure). */
  readonly maxQueue: number;
  /**
   * Group commit delay: how long the oldest message waiting for an idle store may wait for others to join its
   * write, unless a full group waits first (0: written at once). Each store write costs about the same whatever
   * it carries (a transaction, an fsync, two thread hops), so at moderate rates a few ms of waiting saves most of it.
   */
  readonly groupDelayMs?: number;
  /** Called after each durable write with the newly stored readings (anchorer, covenant monitor). */
  readonly onStored: (stored: readonly { id: number; record: ReadingRecord }[]) => void;
}

interface Pending {
  readonly records: readonly ReadingRecord[];
  readonly message?: BatchMessage;
  readonly resolve: (o: IntakeOutcome) => void;
  /** When it joined the store queue (monotonic ms). */
  readonly queuedAt: number;
}

/** A message in verification, holding its place in arrival order; `verdict` is set when its signature is checked. */
interface InLine {
  readonly checked: Checked;
  readonly topic: string;
  readonly receivedAt: string;
  readonly resolve: (o: IntakeOutcome) => void;
  verdict?: boolean;
  /** Settles once the verdict is in and the line has advanced. */
  checkedOut?: Promise<void>;
}

export class Intake {
  readonly #d: IntakeDeps;
  #queue: Pending[] = [];
  /** Readings in #queue. */
  #waiting = 0;
  /** Messages in verification, in arrival order. */
  #line: InLine[] = [];
  /** Readings in verification or waiting for the store (the back-pressure measure). */
  #queued = 0;
  /** Store writes sent and not yet settled; at most #maxWrites. */
  #writes = 0;
  readonly #maxWrites: number;
  /** Settles once the latest write sent is settled (and every write before it: writes settle in the order sent). */
  #settled: Promise<void> = Promise.resolve();
  #scheduled = false;
  readonly #groupDelayMs: number;
  /** The group commit delay's timer, while a group waits for more messages to join it. */
  #delay: NodeJS.Timeout | undefined;

  constructor(deps: IntakeDeps) {
    this.#d = deps;
    this.#maxWrites = deps.store.writesInOrder ? MAX_WRITES_IN_FLIGHT : 1;
    this.#groupDelayMs = deps.groupDelayMs ?? 0;
    if (!(this.#groupDelayMs >= 0)) throw new RangeError(`groupDelayMs must be 0 or more, not ${deps.groupDelayMs}`);
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
    const checked = checkMessage(parsed.message, arrival, device, { nowMs: this.#d.clock.now(), ...this.#d.skew }, parsed.unsigned);
    if (!checked.ok) return Promise.resolve(this.#refuse(topic, checked.code, checked.detail));
    const n = checked.readings.length;
    if (this.#queued + n > this.#d.maxQueue) {
      return Promise.resolve(this.#refuse(topic, 'OVERLOADED', `${this.#queued} readings wait for the store (limit ${this.#d.maxQueue})`));
    }
    this.#queued += n;
    stats.queueDepth = this.#queued;
    return new Promise((resolve) => {
      const item: InLine = { checked, topic, receivedAt: new Date(this.#d.clock.now()).toISOString(), resolve };
      this.#line.push(item);
      item.checkedOut = this.#signature(checked).catch(() => false).then((ok) => {
        item.verdict = ok;
        this.#advance();
      });
    });
  }

  /** THE RULE on the message's signature: in the pool when it is up, else (or when it fails) in this thread. */
  async #signature(checked: Checked): Promise<boolean> {
    const job = checked.job;
    if (job === undefined) return false;
    const { pool, verify } = this.#d;
    if (pool?.ready) {
      try {
        return await pool.verify(job.sig, job.msg, job.publicKey);
      } catch (e) {
        this.#d.logger.warn({ err: e }, 'verification pool failed; verifying in the main thread');
      }
    }
    return verify(job.sig, job.msg, job.publicKey);
  }

  /** Move the verified head of the line, in arrival order, to the store queue (or refuse it). */
  #advance(): void {
    let moved = false;
    while (this.#line.length > 0 && this.#line[0]!.verdict !== undefined) {
      const item = this.#line.shift()!;
      const v = verdictOf(item.checked, item.verdict!);
      if (!v.ok) {
        this.#queued -= item.checked.readings.length;
        this.#d.stats.queueDepth = this.#queued;
        item.resolve(this.#refuse(item.topic, v.code, v.detail));
        continue;
      }
      const records = recordsOf(item.checked.message, v.evidence, item.receivedAt);
      const message = v.batchMessage && 'batch' in v.evidence ? { digest: v.evidence.batch, bytes: v.batchMessage } : undefined;
      this.#queue.push({ records, ...(message ? { message } : {}), resolve: item.resolve, queuedAt: performance.now() });
      this.#waiting += records.length;
      moved = true;
    }
    if (moved) this.#schedule();
  }

  #refuse(topic: string, code: RejectionCode, detail: string): IntakeOutcome {
    countRejection(this.#d.stats, code);
    this.#d.events.emit('rejected', { code, detail, topic });
    this.#d.logger.debug({ topic, code, detail }, 'telemetry refused');
    if (code === 'OVERLOADED' || code === 'STORE_FAILED') return { action: 'retry', code, detail };
    return DISCONNECT.has(code) ? { action: 'disconnect', code, detail } : { action: 'ack', status: 'rejected', code, detail };
  }

  /**
   * Whether a write should go out now: whenever none is in flight; while some are, only a full group and only to a
   * store that takes writes ahead — below that load, what arrives meanwhile waits to join the next group (fewer,
   * larger writes cost the intake's thread less per reading).
   */
  #mayWrite(): boolean {
    if (this.#queue.length === 0) return false;
    return this.#writes === 0 || (this.#writes < this.#maxWrites && this.#waiting >= MAX_GROUP_READINGS);
  }

  /** Ms the next group should still wait for more messages to join it (the group commit delay); 0 = write now. */
  #wait(): number {
    if (this.#groupDelayMs === 0 || this.#waiting >= MAX_GROUP_READINGS || this.#queue.length === 0) return 0;
    return Math.max(0, this.#queue[0]!.queuedAt + this.#groupDelayMs - performance.now());
  }

  #schedule(): void {
    if (this.#delay !== undefined && this.#wait() === 0) return this.#writeNow(); // a full group came meanwhile
    if (this.#scheduled || !this.#mayWrite()) return;
    this.#scheduled = true;
    const wait = this.#wait();
    if (wait > 0) {
      this.#delay = setTimeout(() => this.#write(), wait);
      return;
    }
    setImmediate(() => this.#write());
  }

  /** Sends the next group to the store (if it still may go). */
  #write(): void {
    this.#scheduled = false;
    this.#delay = undefined;
    if (!this.#mayWrite()) return;
    this.#writes++;
    const settled = this.#flush(this.#settled).finally(() => {
      this.#writes--;
      this.#schedule();
    });
    this.#settled = settled;
    this.#schedule(); // the next write goes out while this one is in flight, if a full group waits
  }

  /** The oldest queued messages, up to MAX_GROUP_READINGS readings (at least one message), taken off the queue. */
  #nextGroup(): Pending[] {
    let n = 0;
    let take = 0;
    while (take < this.#queue.length && (take === 0 || n + this.#queue[take]!.records.length <= MAX_GROUP_READINGS)) {
      n += this.#queue[take]!.records.length;
      take++;
    }
    this.#waiting -= n;
    return this.#queue.splice(0, take);
  }

  async #flush(previous: Promise<void>): Promise<void> {
    const batch = this.#nextGroup();
    const records = batch.flatMap((p) => p.records);
    const messages = batch.flatMap((p) => (p.message ? [p.message] : []));
    const written = this.#d.store.append(records, messages).then((results) => ({ results }), (error: unknown) => ({ error }));
    const outcome = await previous.catch(() => undefined).then(() => written); // settled in the order sent
    this.#queued -= records.length;
    this.#d.stats.queueDepth = this.#queued;
    if ('error' in outcome) {
      const e = outcome.error as Error;
      this.#d.logger.error({ err: e, readings: records.length }, 'telemetry store failed; nothing acknowledged');
      for (const p of batch) p.resolve(this.#refuse('', 'STORE_FAILED', e.message));
      return;
    }
    this.#d.stats.storeWrites++;
    this.#settle(batch, outcome.results);
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

  /** A group waiting out the group commit delay goes to the store now. */
  #writeNow(): void {
    if (this.#delay === undefined) return;
    clearTimeout(this.#delay);
    this.#write();
  }

  /** Resolves once everything received so far is verified and stored (or failed). */
  async drain(): Promise<void> {
    for (let i = 0; i < 1000 && (this.#line.length > 0 || this.#queue.length > 0 || this.#writes > 0 || this.#scheduled); i++) {
      this.#writeNow();
      await (this.#writes > 0 ? this.#settled : this.#line[0]?.checkedOut ?? new Promise<void>((r) => setImmediate(r)));
    }
  }
}
