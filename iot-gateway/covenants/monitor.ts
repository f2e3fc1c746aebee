// The covenant monitor driver: feeds stored readings and clock ticks to the pure evaluator (evaluate.ts) for every
// active pledge, and turns a breach into an alert.raise entry signed by the gateway — once per (pledge, covenant)
// while its alert is open; recovery does not clear it, only alert.resolve on the ledger does.
//
// Restart: ongoing excursion start times are persisted (TelemetryStore state `monitor:<pledge>`), written when
// they change; last-seen times, latest quantities and the last camera segment are rebuilt from stored readings.
//
// Several gateways on one shared telemetry store (a shared subscription deals each device's readings to all of them)
// each see only their share of the readings. Three rules keep their monitors from raising what the others' readings
// disprove, or raising one breach twice:
//   - before a silence, camera-heartbeat or quantity-floor breach is raised, the devices it names are looked up in
//     the telemetry store, which holds every gateway's readings, and the breach is evaluated again on that;
//   - on a shared store (TelemetryStore.shared) each tick also evaluates every quantity floor on the store's latest
//     readings of the lot's scales, since a drop another gateway received may be hidden behind a stale higher value
//     in this gateway's view;
//   - an alert's nonce is `alert:<pledge>:<covenant>:<n>`, n the alerts raised so far on the ledger for that pledge
//     and covenant. Every gateway signs as the one gateway party, so when two raise the same breach the ledger
//     commits the first and refuses the second as TX_NONCE_REUSED, which the second takes as "raised".
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
import { emptyState, onReading, onTick, quantityBreach, quantitySensors, type Breach, type CovenantName, type Watch, type WatchState } from './evaluate.js';
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
  /** Alerts raised on the ledger so far for this pledge, by covenant (at the last rebuild). */
  raised: Readonly<Record<string, number>>;
}

/** Breaches that readings another gateway stored can disprove: rechecked against the telemetry store before raising. */
const RECHECK: ReadonlySet<CovenantName> = new Set(['deviceSilence', 'cameraHeartbeat', 'quantityFloor']);

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

  /** Time-driven checks: silence, heartbeat gaps, excursions without new readings (and, on a shared store, quantity floors). */
  tick(): void {
    const now = this.#d.clock.now();
    for (const w of this.#watched.values()) {
      for (const b of onTick(w.watch, w.state, now)) this.#raise(w, b);
      if (this.#d.telemetry.shared === true) this.#sharedQuantityCheck(w, now);
    }
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
    if (prev !== undefined) return { watch: e.watch, state: prev.state, open, raised: e.raised };
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
    return { watch: e.watch, state, open, raised: e.raised };
  }

  #persist(pledge: string, state: WatchState): void {
    const value = Object.keys(state.excursions).length === 0 ? undefined : JSON.stringify({ excursions: state.excursions });
    this.#track(this.#d.telemetry.putState(`monitor:${pledge}`, value));
  }

  #raise(w: Watched, b: Breach): void {
    const key = `${w.watch.pledge}|${b.covenant}`;
    if (w.open.has(b.covenant) || this.#pending.has(key)) return; // one open alert per (pledge, covenant)
    this.#pending.add(key);
    if (!RECHECK.has(b.covenant)) return this.#submit(w, b, key);
    this.#submitIfStill(w, key, this.#recheck(w, b.covenant, b.devices, b.observedAtMs));
  }

  /** Raises the breach `check` finds (the caller marked `key` pending); none found: no longer pending. */
  #submitIfStill(w: Watched, key: string, check: Promise<Breach | undefined>): void {
    this.#track(check.then((found) => {
      if (found === undefined) this.#pending.delete(key);
      else this.#submit(w, found, key);
    }, (e: unknown) => {
      this.#pending.delete(key);
      throw e;
    }));
  }

  /** The quantity floor on the store's latest readings of every scale (or reader) of the lot. */
  #sharedQuantityCheck(w: Watched, now: number): void {
    const key = `${w.watch.pledge}|quantityFloor`;
    if (w.watch.requiredUnits === undefined || w.open.has('quantityFloor') || this.#pending.has(key)) return;
    const sensors = quantitySensors(w.watch)?.devices.map((d) => d.id) ?? [];
    if (sensors.length === 0) return;
    this.#pending.add(key);
    this.#submitIfStill(w, key, this.#recheck(w, 'quantityFloor', sensors, now));
  }

  /**
   * `covenant`'s breach (if any) once more, after folding in the telemetry store's latest readings of `devices` where
   * they are newer than what this monitor saw (readings another gateway stored): one reading per device, of the kind
   * the covenant looks at.
   */
  async #recheck(w: Watched, covenant: CovenantName, devices: readonly string[], observedAtMs: number): Promise<Breach | undefined> {
    const kind = covenant === 'quantityFloor' ? quantitySensors(w.watch)?.measure : covenant === 'cameraHeartbeat' ? 'camera' : undefined;
    const found = [];
    for (const device of devices) found.push(await this.#d.telemetry.latest(device, kind));
    const hydrate = { ...w.watch, covenants: {} }; // state only: no breach from these readings themselves
    for (const r of found) {
      if (r === undefined) continue;
      const seen = r.record.kind === 'camera' ? w.state.lastCamera : w.state.lastSeen[r.record.device];
      if (seen === undefined || Date.parse(r.record.ts) > seen) w.state = onReading(hydrate, w.state, r.record).state;
    }
    if (covenant === 'quantityFloor') return quantityBreach(w.watch, w.state.quantities, observedAtMs);
    return onTick(w.watch, w.state, this.#d.clock.now()).find((again) => again.covenant === covenant);
  }

  #submit(w: Watched, b: Breach, key: string): void {
    const { id, seed } = this.#d.gateway;
    const observedAt = new Date(b.observedAtMs).toISOString();
    const tx: Tx = {
      v: 1, type: 'alert.raise', nonce: `alert:${w.watch.pledge}:${b.covenant}:${w.raised[b.covenant] ?? 0}`, ts: new Date(this.#d.clock.now()).toISOString(),
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
      this.#pending.delete(key);
      if ((e as { code?: unknown }).code === 'TX_NONCE_REUSED') {
        // Another gateway raised this breach first (same pledge, covenant and count): it is open on the ledger.
        w.open.add(b.covenant);
        this.#d.logger.debug({ pledge: w.watch.pledge, covenant: b.covenant }, 'alert already raised by another gateway');
        return;
      }
      this.#d.stats.alertFailures++; // try again on the next breach
      this.#d.logger.warn({ err: e, pledge: w.watch.pledge, covenant: b.covenant }, 'alert.raise not committed');
    }));
  }

  #track(p: Promise<unknown>): void {
    const t = p.catch((e: unknown) => this.#d.logger.error({ err: e }, 'covenant monitor I/O failed')).finally(() => this.#inflight.delete(t));
    this.#inflight.add(t);
  }
}
