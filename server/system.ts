// The composition root: wires store, sequencer, HTTP server (and, as they land, the gateway and WebSocket) from
// a Config. Nothing below this file reads the environment.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Router } from 'express';
import { pino, type Logger } from 'pino';
import { systemClock, type Clock } from '../ledger/clock.js';
import { FastVerifier, checkPublicKeyFast, signFast } from '../ledger/crypto/ed25519-node.js';
import { VerifyPool } from '../ledger/crypto/verify-pool.js';
import { fromBase64, toBase64 } from '../ledger/encoding/bytes.js';
import { LogReader } from '../ledger/log/log-reader.js';
import { CommitPipeline } from '../ledger/pipeline/commit-pipeline.js';
import { LogSigner } from '../ledger/pipeline/log-signer.js';
import type { SqliteDatabase } from '../ledger/store/sqlite-database.js';
import type { LedgerStore } from '../ledger/store/ledger-store.js';
import { SqliteTelemetryStore } from '../iot-gateway/store/sqlite-telemetry-store.js';
import type { TelemetryStore } from '../iot-gateway/store/telemetry-store.js';
import type { TokenStore } from './auth/token-store.js';
import { openCheckpoint } from '../ledger/checkpoint/signed-checkpoint.js';
import { parseVerifierKey } from '../ledger/checkpoint/note.js';
import { ContractRejection, LedgerError } from '../ledger/errors.js';
import { signTx } from '../ledger/tx/sign-tx.js';
import type { Config } from './config.js';
import { createApp } from './http/app.js';
import { telemetryRoutes } from './http/telemetry-routes.js';
import { AccessControl } from './access/access-control.js';
import { createGateway, type Gateway } from '../iot-gateway/index.js';
import { attachStream } from './stream/attach-stream.js';
import { LocalTelemetryFeed } from './stream/telemetry-feed.js';
import { createWebhooks } from './webhooks/webhooks.js';
import { webhookOptions } from './webhooks/webhook-settings.js';
import { streamOptions } from './stream/stream-settings.js';
import { openCommits, openWebhookState, type Commits } from './follow/fan-out.js';
import { bridgeTelemetry } from './telemetry-bridge.js';
import { SqliteRefusalLog } from './refusals/refusal-log.js';
import { createMetrics } from './http/metrics.js';
import { buildWeb } from '../web/build.js';
import { webRouter } from '../web/serve.js';
import { loadNodeKeys, type NodeKeys } from './node-keys.js';
import { openStores } from './node-stores.js';
import { GATEWAY_ID, gatewayOptions } from './gateway-options.js';
import { startGatewayThread } from './gateway-thread/threaded-gateway.js';
import { seedDemo, type DemoSummary } from './demo/seed-demo.js';
import { startDemoTelemetry } from './demo/demo-telemetry.js';

/** What one process runs, by LH_ROLE: no gateway on an api instance, no HTTP on a gateway instance. */
export interface Node extends Omit<System, 'gateway' | 'httpUrl'> {
  readonly gateway: Gateway | undefined;
  readonly httpUrl: string | undefined;
}

/** A whole node (LH_ROLE=all). */
export interface System {
  readonly config: Config;
  readonly keys: NodeKeys;
  readonly store: LedgerStore;
  readonly pipeline: CommitPipeline;
  readonly tokens: TokenStore;
  /** The local SQLite database (ledger, telemetry and webhooks too unless LH_DATABASE_URL is set). */
  readonly db: SqliteDatabase;
  readonly httpUrl: string;
  readonly logger: Logger;
  readonly gateway: Gateway;
  /** The embedded broker's port (0 when an external broker is used). */
  readonly mqttPort: number;
  /** What the demo seeded (LH_DEMO=true), for printing. */
  readonly demo: DemoSummary | undefined;
  close(): Promise<void>;
}

export const OPERATOR_ID = 'operator';
export { GATEWAY_ID } from './gateway-options.js';
export { openStores } from './node-stores.js';

export function contractServices() {
  return {
    checkPublicKey(b64: string): string | undefined {
      let bytes: Uint8Array;
      try {
        bytes = fromBase64(b64, 'publicKey');
      } catch (e) {
        return (e as Error).message;
      }
      const check = checkPublicKeyFast(bytes);
      return check.ok ? undefined : check.reason;
    },
  };
}

/** Refuse to run a log with a key that did not sign it (a node must never fork the log under a new key). */
async function checkLogKey(store: LedgerStore, signer: LogSigner): Promise<void> {
  const latest = await store.latestCheckpoint();
  if (latest === undefined) return;
  try {
    openCheckpoint(latest.note, parseVerifierKey(signer.verifierKey));
  } catch {
    throw new LedgerError('LOG_INCONSISTENT', `this node's log key (${signer.verifierKey}) did not sign the log's latest checkpoint: copy the log key (keys/log.key.json) from the node that created the log`);
  }
}

/** `verifyInWorkers`: check submitted signatures in worker threads (a long-running node); the caller closes `verifyPool`. */
export async function openLedger(config: Config, clock: Clock, keys: NodeKeys, opts: { verifyInWorkers?: boolean } = {}) {
  const { db, store, tokens, telemetry } = await openStores(config);
  const verifier = new FastVerifier();
  const signer = new LogSigner(config.origin, keys.log.seed, signFast);
  await checkLogKey(store, signer);
  const verifyPool = opts.verifyInWorkers === true ? new VerifyPool({ nice: config.workerNice }) : undefined;
  const pipeline = await CommitPipeline.open({
    store, clock, signer, verify: (s, m, k) => verifier.verify(s, m, k), pool: verifyPool, services: contractServices(),
  });
  if (pipeline.size === 0) {
    // Several instances starting on one empty PostgreSQL log race to write genesis: one wins, the others' genesis
    // is refused by the contract (it allows genesis only at index 0), which is fine.
    await submitGenesis(pipeline, config.origin, keys, clock).catch((e: unknown) => {
      if (!(e instanceof ContractRejection)) throw e;
    });
  }
  return { db, store, tokens, telemetry, pipeline, signer, verifyPool };
}

async function submitGenesis(pipeline: CommitPipeline, origin: string, keys: NodeKeys, clock: Clock): Promise<void> {
  const tx = {
    v: 1 as const,
    type: 'ledger.genesis',
    nonce: 'genesis',
    ts: new Date(clock.now()).toISOString(),
    body: { origin, operator: { id: OPERATOR_ID, name: 'Registry operator', publicKey: toBase64(keys.operator.publicKey) } },
  };
  await pipeline.submit({ tx, sigs: [signTx(tx, OPERATOR_ID, keys.operator.seed)] });
  const reg = {
    v: 1 as const,
    type: 'party.register',
    nonce: 'gateway-registration',
    ts: tx.ts,
    body: { id: GATEWAY_ID, role: 'gateway', name: 'Telemetry gateway', publicKey: toBase64(keys.gateway.publicKey) },
  };
  await pipeline.submit({ tx: reg, sigs: [signTx(reg, OPERATOR_ID, keys.operator.seed)] });
}

/** What a caller embedding the system may add (benchmarks: a bare route on the same server). */
export interface SystemExtras {
  /** Routers mounted after the API routes. */
  readonly routers?: readonly Router[];
}

/** A whole node: the API and the gateway in one process (LH_ROLE=all; use startNode for the other roles). */
export async function startSystem(config: Config, clock: Clock, logger: Logger = pino({ level: config.logLevel }), extras: SystemExtras = {}): Promise<System> {
  const node = await startNode(config, clock, logger, extras);
  if (node.gateway === undefined || node.httpUrl === undefined) {
    await node.close();
    throw new TypeError(`startSystem runs a whole node; LH_ROLE=${config.role} needs startNode`);
  }
  return { ...node, gateway: node.gateway, httpUrl: node.httpUrl };
}

interface GatewayHost {
  readonly config: Config;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly db: SqliteDatabase;
  readonly store: LedgerStore;
  readonly telemetry: TelemetryStore | undefined;
  readonly verifyPool: VerifyPool | undefined;
  readonly keys: NodeKeys;
  readonly pipeline: CommitPipeline;
  readonly commits: Commits['commits'];
}

/**
 * The gateway: in its own thread on a whole node (LH_GATEWAY_THREAD), else on this one. The thread runs on the
 * system clock, so a node composed with another clock (tests) keeps the gateway here.
 */
function startGateway(h: GatewayHost): Promise<Gateway> {
  const { config, logger } = h;
  if (config.role === 'all' && config.gatewayThread && h.clock === systemClock) {
    return startGatewayThread({
      config, pipeline: h.pipeline, commits: h.commits, telemetry: h.telemetry ?? new SqliteTelemetryStore(h.db), logger,
      onCrash: () => {
        // Fail fast rather than run an API whose collateral no longer gets readings; a supervisor restarts the node.
        process.exitCode = 1;
        process.kill(process.pid, 'SIGTERM');
      },
    });
  }
  return createGateway({
    db: h.db, ...(h.telemetry === undefined ? {} : { telemetry: h.telemetry }), ...(h.verifyPool === undefined ? {} : { verifyPool: h.verifyPool }), store: h.store,
    pipeline: { submit: (signed) => h.pipeline.submit(signed), onCommit: (listener) => h.commits.onCommit(listener) },
    gateway: { id: GATEWAY_ID, seed: h.keys.gateway.seed }, clock: h.clock,
    logger: logger.child({ component: 'gateway' }),
    options: gatewayOptions(config),
  });
}

/** Start what LH_ROLE asks for: the API (HTTP, WebSocket, webhooks), the gateway (MQTT intake, anchoring), or both. */
export async function startNode(config: Config, clock: Clock, logger: Logger = pino({ level: config.logLevel }), extras: SystemExtras = {}): Promise<Node> {
  const keys = loadNodeKeys(config.dataDir, config.origin);
  const { db, store, tokens, telemetry, pipeline, signer, verifyPool } = await openLedger(config, clock, keys, { verifyInWorkers: true });
  const demo = config.demo
    ? await seedDemo({ pipeline, store, tokens, dataDir: config.dataDir, clock, operatorKey: { id: OPERATOR_ID, seed: keys.operator.seed } })
    : undefined;
  // Every commit of the log, whoever made it (the shared log followed in PostgreSQL): started before the gateway and
  // API read their initial state, so nothing committed meanwhile is missed.
  const source = await openCommits(store, pipeline, { logger: logger.child({ component: 'follower' }) });
  const closeLedger = async (): Promise<void> => {
    await source.close();
    await pipeline.close();
    await verifyPool?.close();
    await telemetry?.close(); // before the ledger store ends the pool they share
    await store.close();
    if (db.open) db.close();
  };
  const gateway = config.role === 'api' ? undefined : await startGateway({
    config, clock, logger, db, store, telemetry, verifyPool, keys, pipeline, commits: source.commits,
  }).catch(async (e: unknown) => {
    await closeLedger(); // e.g. the MQTT port is taken: release the database before reporting it
    throw e;
  });
  const api = config.role === 'gateway' ? undefined : await startApi({
    config, clock, logger, keys, db, store, tokens, pipeline, source, verifierKey: signer.verifierKey, gateway, telemetry: gateway?.telemetry ?? telemetry, extras,
  }).catch(async (e: unknown) => {
    await gateway?.close({ anchor: false });
    await closeLedger();
    throw e;
  });
  const demoFeed = config.demo && gateway !== undefined ? await startDemoTelemetry(gateway, config.mqttHost, config.dataDir) : undefined;
  logger.info({ role: config.role, httpUrl: api?.httpUrl, mqttPort: gateway?.mqttPort, size: pipeline.size }, 'ledgerhouse started');
  return {
    config, keys, store, pipeline, tokens, db, httpUrl: api?.httpUrl, logger, demo, gateway, mqttPort: gateway?.mqttPort ?? 0,
    /** Graceful: stop taking requests and readings, anchor what was stored, finish queued commits, close the store. */
    async close() {
      await demoFeed?.stop();
      await api?.close();
      await gateway?.close();
      await closeLedger();
    },
  };
}

interface ApiDeps {
  readonly config: Config;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly keys: NodeKeys;
  readonly db: SqliteDatabase;
  readonly store: LedgerStore;
  readonly tokens: TokenStore;
  readonly pipeline: CommitPipeline;
  readonly source: Commits;
  readonly verifierKey: string;
  /** The gateway in this process, if any: its metrics and live readings. */
  readonly gateway: Gateway | undefined;
  /** Served by the telemetry routes: the gateway's, or the shared one on an api instance. */
  readonly telemetry: TelemetryStore | undefined;
  readonly extras: SystemExtras;
}

/** HTTP, WebSocket stream and webhooks, listening; fan-out follows the shared log when it is in PostgreSQL. */
async function startApi(deps: ApiDeps): Promise<{ httpUrl: string; close(): Promise<void> }> {
  const { config, clock, logger, keys, db, store, tokens, pipeline, gateway, telemetry, extras } = deps;
  const web = await buildWeb();
  const reader = new LogReader(store);
  const access = new AccessControl(store);
  const metrics = createMetrics();
  gateway?.on('reading', () => metrics.readingsIngested.inc({ outcome: 'stored', code: '' }));
  gateway?.on('rejected', (r) => metrics.readingsIngested.inc({ outcome: 'rejected', code: r.code }));
  // The stream attaches to the HTTP server created below; the scrape hook reads it through this holder.
  const live: { stream?: ReturnType<typeof attachStream> } = {};
  const beforeScrape = async (): Promise<void> => {
    metrics.wsClients.set(live.stream?.clients() ?? 0);
    if (gateway === undefined) return;
    const gs = gateway.stats();
    const counters: Record<string, number> = {
      received: gs.received, stored: gs.stored, duplicates: gs.duplicates, gaps: gs.gaps, oversize_packets: gs.oversizePackets,
      acl_denied: gs.aclDenied, subscribe_denied: gs.subscribeDenied, batches_anchored: gs.batchesAnchored,
      readings_anchored: gs.readingsAnchored, anchor_failures: gs.anchorFailures, alerts_raised: gs.alertsRaised,
      ...Object.fromEntries(Object.entries(gs.connectRefused).map(([rc, n]) => [`connack_refused_${rc}`, n ?? 0])),
      ...Object.fromEntries(Object.entries(gs.rejected).map(([code, n]) => [`rejected_${code}`, n ?? 0])),
    };
    for (const [counter, n] of Object.entries(counters)) metrics.gatewayCounters.set({ counter }, n);
    const anchor = (await store.getState([{ kind: 'meta', id: 'anchor' }])).get('meta:anchor')?.object as { anchoredAt?: string; lastReadingAt?: string } | undefined;
    const pending = gs.stored - gs.readingsAnchored;
    // Anchor lag: how long stored readings have been waiting; 0 when everything stored is anchored.
    metrics.anchorLagSeconds.set(pending <= 0 || anchor?.anchoredAt === undefined ? 0 : Math.max(0, (clock.now() - Date.parse(anchor.anchoredAt)) / 1000));
  };
  const feed = new LocalTelemetryFeed();
  const unbridge = gateway === undefined ? () => {} : bridgeTelemetry(gateway, store, feed);
  const commits = deps.source.commits;
  const webhookState = await openWebhookState(store, db, { webhookLeaseMs: config.webhookLeaseMs });
  const webhooks = createWebhooks({
    store: webhookState.webhookStore, ledger: store, commits, clock, key: keys.webhook, logger: logger.child({ component: 'webhooks' }),
    ...(webhookState.leases === undefined ? {} : { leases: webhookState.leases }),
    ...webhookOptions(config),
  });
  const app = createApp({
    store, reader, pipeline, tokens, tokenCacheMs: config.tokenCacheMs, clock, verifierKey: deps.verifierKey, origin: config.origin, logger,
    metrics,
    beforeScrape,
    refusals: new SqliteRefusalLog(db),
    ...(telemetry === undefined ? {} : { extraRoutes: telemetryRoutes({ store, telemetry, access, clock }) }),
    routers: [webhooks.router, ...(extras.routers ?? []), webRouter(web.outDir)],
    documentedRoutes: webhooks.routes,
    ...(config.publicUrl === undefined ? {} : { publicUrl: config.publicUrl }),
  });
  const server: Server = createServer(app);
  const stream = attachStream(server, { store, tokens, commits, clock, telemetry: feed, access, logger: logger.child({ component: 'stream' }), options: streamOptions(config) });
  live.stream = stream;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.httpPort, config.httpHost, () => resolve());
    });
  } catch (e) {
    await stream.close();
    unbridge();
    throw e;
  }
  await webhooks.start();
  const port = (server.address() as AddressInfo).port;
  return {
    httpUrl: config.publicUrl ?? `http://${config.httpHost}:${port}`,
    async close() {
      await stream.close();
      await webhooks.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      unbridge();
    },
  };
}
