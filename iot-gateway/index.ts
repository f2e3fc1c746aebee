// The telemetry gateway: MQTT intake (embedded aedes broker, or a client of an external broker), device auth and
// topic ACLs, verification, durable storage, batching and anchoring, and the covenant monitor.
//
//   const gw = await createGateway({ db, pipeline, store, gateway: { id, seed }, clock, logger, options });
//   gw.mqttPort                    // the embedded broker's port (0 in external-broker mode)
//   gw.on('reading' | 'rejected' | 'anchored' | 'alert', listener) → unsubscribe function
//   gw.stats()                     // counters (GatewayStats)
//   await gw.proof(readingId)      // two-level proof, once its batch is anchored (verifyReadingProof checks it)
//   await gw.flush()               // store what is queued, seal and anchor it now (tests, shutdown)
//   await gw.close()               // stop intake, anchor what is stored, release the port ({ anchor: false } skips
//                                  // the final anchoring: the next start anchors it)
//
// Order at start: load devices and pledges from the ledger → open the store → anchor batches a previous run left
// sealed → start the broker. Order at close: stop the broker (no new PUBACKs) → drain intake → final anchor round.
import type { Logger } from 'pino';
import type { Clock } from '../ledger/clock.js';
import { FastVerifier } from '../ledger/crypto/ed25519-node.js';
import type { VerifyPool } from '../ledger/crypto/verify-pool.js';
import type { CommitPipeline } from '../ledger/pipeline/commit-pipeline.js';
import type { LedgerStore } from '../ledger/store/ledger-store.js';
import type { SqliteDatabase } from '../ledger/store/sqlite-database.js';
import { Anchorer } from './anchor/anchorer.js';
import { startEmbeddedBroker } from './broker/embedded-broker.js';
import { CovenantMonitor } from './covenants/monitor.js';
import { startExternalSource } from './broker/external-source.js';
import type { MqttSource, Receive } from './broker/mqtt-source.js';
import type { RateLimit } from './broker/rate-limit.js';
import { SHARE_GROUP } from './broker/topics.js';
import { LIMITS } from './formats/telemetry-message.js';
import { GatewayEvents, type GatewayEvent, type GatewayEventMap } from './gateway-events.js';
import { newStats, snapshot, type GatewayStats } from './gateway-stats.js';
import { DeviceDirectory } from './intake/device-directory.js';
import { Intake } from './intake/intake.js';
import { buildReadingProof, type ProofOutcome } from './reading-proof.js';
import { SqliteTelemetryStore } from './store/sqlite-telemetry-store.js';
import { ThreadedSqliteTelemetryStore } from './store/threaded-sqlite-telemetry-store.js';
import type { TelemetryStore } from './store/telemetry-store.js';
import { DEFAULT_SKEW, type VerifyFn } from './verify/verify-message.js';

export interface GatewayOptions {
  readonly mqttHost: string;
  /** Embedded broker port; 0 = any free port. Ignored when mqttUrl is set. */
  readonly mqttPort: number;
  /** External broker (mqtt://host:port or mqtts://…): the gateway subscribes instead of embedding a broker. */
  readonly mqttUrl?: string;
  /** External broker: shared-subscription group (default 'ledgerhouse') and credentials. */
  readonly shareGroup?: string;
  readonly mqttUsername?: string;
  readonly mqttPassword?: string;
  /** External broker: how long it keeps the gateway's session (and queued messages) while away. Default 7 days. */
  readonly mqttSessionExpirySeconds?: number;
  /** External broker: MQTT sessions this gateway holds in the group, i.e. readings in flight at once. Default 8. */
  readonly mqttSessions?: number;
  readonly batchMs: number;
  readonly batchMax: number;
  /** mqtts for the embedded broker, from PEM files. */
  readonly tls?: { readonly keyFile: string; readonly certFile: string };
  /** Per-device message rate on the embedded broker. Default 50/s, bursts of 200. */
  readonly rate?: RateLimit;
  /** Most readings waiting for the store before OVERLOADED. Default 20,000. */
  readonly maxQueue?: number;
  /** Group commit delay of the telemetry store, ms (see IntakeDeps.groupDelayMs). Default 0. */
  readonly groupDelayMs?: number;
  /** Reading time window. Default: up to 60 s ahead, up to 24 h old. */
  readonly skew?: { readonly maxFutureMs: number; readonly maxAgeMs: number };
  /** Largest MQTT packet on the embedded broker. Default 64 KiB payload + 1 KiB for headers and topic. */
  readonly maxPacketBytes?: number;
  /** How often the covenant monitor checks silence and heartbeat gaps. Default 1000 ms. */
  readonly monitorTickMs?: number;
  /**
   * With `db`: where the SQLite telemetry store writes. 'thread' (default): a writer thread with its own connection,
   * so the WAL fsync does not stop intake; 'main': this thread. An in-memory database always writes on this thread.
   */
  readonly telemetryWrites?: 'thread' | 'main';
  /** Nice value of the telemetry writer thread (Linux, 0..19; default 0). A node sets LH_WORKER_NICE. */
  readonly workerNice?: number;
}

export interface GatewayDeps {
  /** The ledger's SQLite database (the gateway adds its own tables) — or pass `telemetry` instead. */
  readonly db?: SqliteDatabase;
  readonly telemetry?: TelemetryStore;
  readonly pipeline: Pick<CommitPipeline, 'submit' | 'onCommit'>;
  readonly store: LedgerStore;
  /** The gateway party (role gateway) that signs anchors and alerts. */
  readonly gateway: { readonly id: string; readonly seed: Uint8Array };
  readonly clock: Clock;
  readonly logger: Logger;
  readonly options: GatewayOptions;
  /** Verify device signatures in these worker threads (the caller owns and closes the pool); in-thread when absent. */
  readonly verifyPool?: VerifyPool;
}

export interface Gateway {
  readonly mqttPort: number;
  readonly telemetry: TelemetryStore;
  on<E extends GatewayEvent>(event: E, listener: (e: GatewayEventMap[E]) => void): () => void;
  stats(): GatewayStats;
  proof(readingId: number): Promise<ProofOutcome>;
  flush(): Promise<void>;
  /** `anchor: false` skips the final anchoring round (what a crash looks like to the next start). */
  close(opts?: { readonly anchor?: boolean }): Promise<void>;
}

export const DEFAULT_RATE: RateLimit = { perSecond: 50, burst: 200 };

// The rest of the public surface: device-side helpers, proofs, the simulator (CLI `simulate`, demo).
export { PortInUseError } from './broker/embedded-broker.js';
export { signBatch, signReading, telemetrySigningBytes } from './formats/telemetry-signing.js';
export type { GatewayEvent, GatewayEventMap } from './gateway-events.js';
export type { GatewayStats } from './gateway-stats.js';
export { buildReadingProof, verifyReadingProof, type ProofOutcome, type ReadingProof } from './reading-proof.js';
export {
  deviceRegistrations, simulate, simulatedDevices, type Fault, type SimDevice, type Simulation, type SimulatorOptions, type SimulatorStats,
} from './simulator/simulator.js';
export { FAULTS, type FaultKind } from './simulator/device-model.js';
export type { TelemetryStore } from './store/telemetry-store.js';
export { makeDeviceToken } from './verify/device-token.js';

/** The embedded broker, or a client of the external one when `mqttUrl` is set. */
async function startSource(
  deps: GatewayDeps,
  receive: Receive,
  w: { telemetry: TelemetryStore; devices: DeviceDirectory; verify: VerifyFn; stats: GatewayStats },
): Promise<MqttSource> {
  const { options, logger, clock } = deps;
  if (options.mqttUrl !== undefined) {
    return startExternalSource(receive, logger, {
      url: options.mqttUrl, clientId: `ledgerhouse-${deps.gateway.id}-${await w.telemetry.instanceId()}`, shareGroup: options.shareGroup ?? SHARE_GROUP,
      ...(options.mqttSessionExpirySeconds === undefined ? {} : { sessionExpirySeconds: options.mqttSessionExpirySeconds }),
      ...(options.mqttSessions === undefined ? {} : { sessions: options.mqttSessions }),
      ...(options.mqttUsername === undefined ? {} : { username: options.mqttUsername, password: options.mqttPassword ?? '' }),
    });
  }
  return startEmbeddedBroker({ receive, devices: w.devices.lookup, refreshDevice: (id) => w.devices.refresh(id), clock, verify: w.verify, stats: w.stats, logger }, {
    host: options.mqttHost, port: options.mqttPort, ...(options.tls ? { tls: options.tls } : {}),
    maxPacketBytes: options.maxPacketBytes ?? LIMITS.maxPayloadBytes + 1024, rate: options.rate ?? DEFAULT_RATE,
  });
}

/** The store the caller passed, or the SQLite one on the ledger's database (writes in a thread unless told not to). */
async function openTelemetry(deps: GatewayDeps): Promise<TelemetryStore> {
  if (deps.telemetry !== undefined) return deps.telemetry;
  const db = deps.db;
  if (db === undefined) throw new TypeError('createGateway: pass `db` (the ledger\'s SQLite database) or `telemetry`');
  const threaded = (deps.options.telemetryWrites ?? 'thread') === 'thread' && !db.memory;
  return threaded ? ThreadedSqliteTelemetryStore.open(db, { nice: deps.options.workerNice ?? 0 }) : new SqliteTelemetryStore(db);
}

export async function createGateway(deps: GatewayDeps): Promise<Gateway> {
  const { options, logger, clock } = deps;
  const telemetry = await openTelemetry(deps);
  const stats = newStats();
  const events = new GatewayEvents();
  const fast = new FastVerifier();
  const verify = (s: Uint8Array, m: Uint8Array, k: Uint8Array): boolean => fast.verify(s, m, k);

  const devices = await DeviceDirectory.load(deps.store);
  const anchorer = new Anchorer({
    store: telemetry, submit: (s) => deps.pipeline.submit(s), gateway: deps.gateway, clock, logger, stats, events,
    batchMs: options.batchMs, batchMax: options.batchMax,
  });
  const monitor = new CovenantMonitor({
    ledger: deps.store, telemetry, devices, submit: (s) => deps.pipeline.submit(s), gateway: deps.gateway, clock, logger, stats, events,
    tickMs: options.monitorTickMs ?? 1000,
  });
  const intake = new Intake({
    store: telemetry, devices: devices.lookup, clock, verify, ...(deps.verifyPool ? { pool: deps.verifyPool } : {}), skew: options.skew ?? DEFAULT_SKEW, stats, events, logger,
    maxQueue: options.maxQueue ?? 20_000, groupDelayMs: options.groupDelayMs ?? 0,
    onStored: (fresh) => {
      anchorer.noteStored(fresh.length);
      monitor.onStored(fresh);
    },
  });
  let source: MqttSource | undefined;
  const stopFollowing = deps.pipeline.onCommit((batch) => {
    devices.apply(batch).then(() => monitor.onCommit(batch), (e: unknown) => logger.error({ err: e }, 'device directory refresh failed'));
  });
  devices.onRevoked((d) => source?.disconnect(d.id));
  await anchorer.start();
  await monitor.start();

  try {
    source = await startSource(deps, (t, p) => intake.receive(t, p), { telemetry, devices, verify, stats });
  } catch (e) {
    stopFollowing();
    await monitor.close();
    await anchorer.close();
    if (deps.telemetry === undefined) await telemetry.close();
    throw e;
  }
  const mqttPort = source.port;
  logger.info({ mqttPort, external: options.mqttUrl, devices: devices.size }, 'telemetry gateway started');

  let closing: Promise<void> | undefined;
  return {
    mqttPort,
    telemetry,
    on: (event, listener) => events.on(event, listener),
    stats: () => snapshot(stats),
    proof: (id) => buildReadingProof(telemetry, deps.store, id),
    async flush() {
      await intake.drain();
      await monitor.settle();
      await anchorer.kick();
    },
    close(opts = {}) {
      closing ??= (async () => {
        await source?.close(); // no PUBACK after this point
        await intake.drain();
        stopFollowing();
        await monitor.close();
        await anchorer.close({ flush: opts.anchor ?? true });
        if (deps.telemetry === undefined) await telemetry.close();
      })();
      return closing;
    },
  };
}
