// The covenant monitor driver: feeds stored readings and clock ticks to the pure evaluator (evaluate.ts) for every
// active pledge, and turns a breach into an alert.raise entry signed by the gateway — once per (pledge, covenant)
// while its alert is open; recovery does not clear it, only alert.resolve on the ledger does.
//
// Restart: ongoing excursion start times are persisted (TelemetryStore state `monitor:<pledge>`), written when
// they change; last-seen times, latest quantities and the last camera segment are rebuilt from stored readings.
import type { Logger } from 'pino';
import { objectId } from '../../contracts/ids.js';
import type { SignedTx, Tx } from '../../contracts/types.js';
import type { Clock } from '../../ledger/clock.js';
import type { Committed, CommittedBatch } from '../../ledger/pipeline/commit-pipeline.js';
import type { LedgerStore } from '../../ledger/store/ledger-store.js';
import { signTx } from '../../ledger/tx/sign-tx.js';
import type { GatewayEvents } from '../gateway-events.js';
import type { GatewayStats } from '../gateway-stats.js';
import type { DeviceDirectory } from '../intake/device-directory.js';
import type { ReadingRecord, TelemetryStore } from '../store/telemetry-store.js';
import { emptyState, onReading, onTick, type Breach, type Watch, type WatchState } from './evaluate.js';
import { buildWatches, type WatchEntry } from './watch-builder.js';

export interface MonitorDeps {
  readonly ledger: LedgerStore;
  readonly telemetry: TelemetryStore;
  readonly devices: DeviceDirectory;
  readonly submit: (signed: SignedTx) => Promise<Committed>;
  readonly gateway: { readonly id: string; readonly seed: Uint8Array };
  readonly clock: Clock;
  readonly logger: Logger;
  readonly stats: GatewayStats;
  readonly events: GatewayEvents;
  readonly tickMs: number;
}

/** Event types after which the set of watched pledges, their devices or their open alerts may differ. */
const RELEVANT = /^(pledge|receipt|lot|device|alert)\./;

interface Watched {
  watch: Watch;
  state: WatchState;
  open: Set<string>;
}

export class CovenantMonitor {
  readonly #d: MonitorDeps;
  readonly #startMs: number;
  #watched = new Map<string, Watched>();
  #byDevice = new Map<string, Watched[]>();
  #timer: NodeJS.Timeout | undefined;
  #rebuilding: Promise<void> = Promise.resolve();
  readonly #inflight = new Set<Promise<unknown>>();
  /** `<pledge>|<covenant>` of alert.raise submissions not yet settled. */
  readonly #pending = new Set<string>();

  constructor(deps: MonitorDeps) {
    this.#d = deps;
    this.#startMs = deps.clock.now();
  }

  async start(): Promise<void> {
    await this.#rebuild();
    this.#timer = setInterval(() => this.tick(), this.#d.tickMs);
  }

  /** Pipeline commit feed: rebuild the watches when pledges, receipts, lots, devices or alerts changed. */
  onCommit(batch: CommittedBatch): void {
    if (!batch.events.some((e) => RELEVANT.test(e.event.type))) return;
    this.#rebuilding = this.#rebuilding.then(() => this.#rebuild()).catch((e: unknown) => this.#d.logger.error({ err: e }, 'covenant watch rebuild failed'));
  }

  /** Readings just stored (in arrival order). */
  onStored(fresh: readonly { id: number; record: ReadingRecord }[]): void {
    for (const { record } of fresh) {
      for (const w of this.#byDevice.get(record.device) ?? []) {
        const out = onReading(w.watch, w.state, record);
        if (out.state.excursions !== w.state.excursions) this.#persist(w.watch.pledge, out.state);
        w.state = out.state;
        for (const b of out.breaches) this.#raise(w, b);
      }
    }
  }

  /** Time-driven checks: silence, heartbeat gaps, excursions without new readings. */
  tick(): void {
    const now = this.#d.clock.now();
    for (const w of this.#watched.values()) for (const b of onTick(w.watch, w.state, now)) this.#raise(w, b);
  }

  /** Resolves when the rebuild and alert submissions in progress have settled. */
  async settle(): Promise<void> {
    await this.#rebuilding;
    await Promise.allSettled([...this.#inflight]);
  }

  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.settle();
  }

  async #rebuild(): Promise<void> {
    const entries = await buildWatches(this.#d.ledger, this.#d.devices.all(), this.#startMs);
    const next = new Map<string, Watched>();
    for (const e of entries) next.set(e.watch.pledge, await this.#carry(e));
    const byDevice = new Map<string, Watched[]>();
    for (const w of next.values()) for (const d of w.watch.devices) byDevice.set(d.id, [...(byDevice.get(d.id) ?? []), w]);
    this.#watched = next;
    this.#byDevice = byDevice;
  }

  /** Keep the state of a pledge already watched; hydrate a new one from persisted state and stored readings. */
  async #carry(e: WatchEntry): Promise<Watched> {
    const prev = this.#watched.get(e.watch.pledge);
    const open = new Set(e.open);
    if (prev !== undefined) return { watch: e.watch, state: prev.state, open };
    let state = emptyState();
    const saved = await this.#d.telemetry.getState(`monitor:${e.watch.pledge}`);
    if (saved !== undefined) state = { ...state, excursions: (JSON.parse(saved) as { excursions: WatchState['excursions'] }).excursions };
    for (const d of e.watch.devices) {
      for (const kind of ['load-cell', 'rfid', 'camera'] as const) {
        const r = d.kinds.includes(kind) ? await this.#d.telemetry.latest(d.id, kind) : undefined;
        if (r !== undefined) state = onReading({ ...e.watch, covenants: {} }, state, r.record).state;
      }
      const last = await this.#d.telemetry.latest(d.id);
      if (last !== undefined) state = { ...state, lastSeen: { ...state.lastSeen, [d.id]: Date.parse(last.record.ts) } };
    }
    return { watch: e.watch, state, open };
  }

  #persist(pledge: string, state: WatchState): void {
    const value = Object.keys(state.excursions).length === 0 ? undefined : JSON.stringify({ excursions: state.excursions });
    this.#track(this.#d.telemetry.putState(`monitor:${pledge}`, value));
  }

  #raise(w: Watched, b: Breach): void {
    const key = `${w.watch.pledge}|${b.covenant}`;
    if (w.open.has(b.covenant) || this.#pending.has(key)) return; // one open alert per (pledge, covenant)
    this.#pending.add(key);
    const { id, seed } = this.#d.gateway;
    const observedAt = new Date(b.observedAtMs).toISOString();
    const tx: Tx = {
      v: 1, type: 'alert.raise', nonce: `alert:${w.watch.pledge}:${b.covenant}:${b.observedAtMs}`, ts: new Date(this.#d.clock.now()).toISOString(),
      body: {
        gateway: id, receipt: w.watch.receipt, pledge: w.watch.pledge, severity: b.severity, covenant: b.covenant,
        message: b.message.slice(0, 1024), observedAt, devices: b.devices.slice(0, 64),
      },
    };
    this.#track(this.#d.submit({ tx, sigs: [signTx(tx, id, seed)] }).then((c) => {
      this.#pending.delete(key);
      w.open.add(b.covenant);
      this.#d.stats.alertsRaised++;
      this.#d.events.emit('alert', {
        index: c.index, alertId: objectId('al', c.index), pledge: w.watch.pledge, receipt: w.watch.receipt,
        covenant: b.covenant, severity: b.severity, message: b.message, devices: b.devices,
      });
    }, (e: unknown) => {
      this.#pending.delete(key); // try again on the next breach
      this.#d.stats.alertFailures++;
      this.#d.logger.warn({ err: e, pledge: w.watch.pledge, covenant: b.covenant }, 'alert.raise not committed');
    }));
  }

  #track(p: Promise<unknown>): void {
    const t = p.catch((e: unknown) => this.#d.logger.error({ err: e }, 'covenant monitor I/O failed')).finally(() => this.#inflight.delete(t));
    this.#inflight.add(t);
  }
}
