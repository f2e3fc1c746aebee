// The composition root: wires store, sequencer, HTTP server (and, as they land, the gateway and WebSocket) from
// a Config. Nothing below this file reads the environment.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import type { Clock } from '../ledger/clock.js';
import { checkPublicKey } from '../ledger/crypto/ed25519.js';
import { FastVerifier, signFast } from '../ledger/crypto/ed25519-node.js';
import { fromBase64, toBase64 } from '../ledger/encoding/bytes.js';
import { LogReader } from '../ledger/log/log-reader.js';
import { CommitPipeline } from '../ledger/pipeline/commit-pipeline.js';
import { LogSigner } from '../ledger/pipeline/log-signer.js';
import { openSqlite, type SqliteDatabase } from '../ledger/store/sqlite-database.js';
import type { LedgerStore } from '../ledger/store/ledger-store.js';
import { openPgPool } from '../ledger/store/pg/pg-pool.js';
import { PgLedgerStore } from '../ledger/store/pg/pg-ledger-store.js';
import { PgTokenStore } from './auth/pg-token-store.js';
import type { TokenStore } from './auth/token-store.js';
import { openCheckpoint } from '../ledger/checkpoint/signed-checkpoint.js';
import { parseVerifierKey } from '../ledger/checkpoint/note.js';
import { ContractRejection, LedgerError } from '../ledger/errors.js';
import { SqliteLedgerStore } from '../ledger/store/sqlite-ledger-store.js';
import { signTx } from '../ledger/tx/sign-tx.js';
import { SqliteTokenStore } from './auth/sqlite-token-store.js';
import type { Config } from './config.js';
import { createApp } from './http/app.js';
import { telemetryRoutes } from './http/telemetry-routes.js';
import { AccessControl } from './access/access-control.js';
import { createGateway, type Gateway } from '../iot-gateway/index.js';
import { attachStream } from './stream/attach-stream.js';
import { LocalTelemetryFeed } from './stream/telemetry-feed.js';
import { createWebhooks } from './webhooks/webhooks.js';
import { SqliteWebhookStore } from './webhooks/sqlite-webhook-store.js';
import { bridgeTelemetry } from './telemetry-bridge.js';
import { SqliteRefusalLog } from './refusals/refusal-log.js';
import { createMetrics } from './http/metrics.js';
import { buildWeb } from '../web/build.js';
import { webRouter } from '../web/serve.js';
import { loadNodeKeys, type NodeKeys } from './node-keys.js';
import { seedDemo, type DemoSummary } from './demo/seed-demo.js';
import { startDemoTelemetry } from './demo/demo-telemetry.js';

export interface System {
  readonly config: Config;
  readonly keys: NodeKeys;
  readonly store: LedgerStore;
  readonly pipeline: CommitPipeline;
  readonly tokens: TokenStore;
  /** The local SQLite database (the ledger too unless LH_DATABASE_URL is set; telemetry and webhooks always). */
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
/** The party the telemetry gateway signs anchors and alerts as. */
export const GATEWAY_ID = 'gateway';

export function contractServices() {
  return {
    checkPublicKey(b64: string): string | undefined {
      let bytes: Uint8Array;
      try {
        bytes = fromBase64(b64, 'publicKey');
      } catch (e) {
        return (e as Error).message;
      }
      const check = checkPublicKey(bytes);
      return check.ok ? undefined : check.reason;
    },
  };
}

/**
 * The ledger's storage: SQLite in the data directory by default, PostgreSQL when LH_DATABASE_URL is set (then the
 * ledger and API tokens live in PostgreSQL; telemetry and webhook state stay in the local SQLite file).
 */
export async function openStores(config: Config): Promise<{ db: SqliteDatabase; store: LedgerStore; tokens: TokenStore }> {
  const db = openSqlite(path.join(config.dataDir, 'ledgerhouse.db'));
  if (config.databaseUrl === undefined) return { db, store: new SqliteLedgerStore(db), tokens: new SqliteTokenStore(db) };
  const pool = openPgPool({ connectionString: config.databaseUrl, applicationName: 'ledgerhouse' });
  try {
    return { db, store: await PgLedgerStore.open(pool, { ownsPool: true }), tokens: await PgTokenStore.open(pool) };
  } catch (e) {
    await pool.end();
    db.close();
    throw e;
  }
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

export async function openLedger(config: Config, clock: Clock, keys: NodeKeys) {
  const { db, store, tokens } = await openStores(config);
  const verifier = new FastVerifier();
  const signer = new LogSigner(config.origin, keys.log.seed, signFast);
  await checkLogKey(store, signer);
  const pipeline = await CommitPipeline.open({
    store, clock, signer, verify: (s, m, k) => verifier.verify(s, m, k), services: contractServices(),
  });
  if (pipeline.size === 0) {
    // Several instances starting on one empty PostgreSQL log race to write genesis: one wins, the others' genesis
    // is refused by the contract (it allows genesis only at index 0), which is fine.
    await submitGenesis(pipeline, config.origin, keys, clock).catch((e: unknown) => {
      if (!(e instanceof ContractRejection)) throw e;
    });
  }
  return { db, store, tokens, pipeline, signer };
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

export async function startSystem(config: Config, clock: Clock, logger: Logger = pino({ level: config.logLevel })): Promise<System> {
  const keys = loadNodeKeys(config.dataDir, config.origin);
  const { db, store, tokens, pipeline, signer } = await openLedger(config, clock, keys);
  const demo = config.demo
    ? await seedDemo({ pipeline, store, tokens, dataDir: config.dataDir, clock, operatorKey: { id: OPERATOR_ID, seed: keys.operator.seed } })
    : undefined;
  const closeLedger = async (): Promise<void> => {
    await pipeline.close();
    await store.close();
    if (db.open) db.close();
  };
  const gateway = await createGateway({
    db, pipeline, store, gateway: { id: GATEWAY_ID, seed: keys.gateway.seed }, clock, logger: logger.child({ component: 'gateway' }),
    options: {
      mqttHost: config.mqttHost, mqttPort: config.mqttPort, batchMs: config.batchMs, batchMax: config.batchMax,
      ...(config.mqttUrl === undefined ? {} : { mqttUrl: config.mqttUrl }),
    },
  }).catch(async (e: unknown) => {
    await closeLedger(); // e.g. the MQTT port is taken: release the database before reporting it
    throw e;
  });
  const web = await buildWeb();
  const reader = new LogReader(store);
  const access = new AccessControl(store);
  const metrics = createMetrics();
  gateway.on('reading', () => metrics.readingsIngested.inc({ outcome: 'stored', code: '' }));
  gateway.on('rejected', (r) => metrics.readingsIngested.inc({ outcome: 'rejected', code: r.code }));
  // The stream attaches to the HTTP server created below; the scrape hook reads it through this holder.
  const live: { stream?: ReturnType<typeof attachStream> } = {};
  const beforeScrape = async (): Promise<void> => {
    metrics.wsClients.set(live.stream?.clients() ?? 0);
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
  const unbridge = bridgeTelemetry(gateway, store, feed);
  const webhooks = createWebhooks({
    store: new SqliteWebhookStore(db), ledger: store, commits: pipeline, clock, key: keys.webhook, logger: logger.child({ component: 'webhooks' }),
  });
  const app = createApp({
    store, reader, pipeline, tokens, clock, verifierKey: signer.verifierKey, origin: config.origin, logger,
    metrics,
    beforeScrape,
    refusals: new SqliteRefusalLog(db),
    extraRoutes: telemetryRoutes({ store, telemetry: gateway.telemetry, access, clock }),
    routers: [webhooks.router, webRouter(web.outDir)],
    ...(config.publicUrl === undefined ? {} : { publicUrl: config.publicUrl }),
  });
  const server: Server = createServer(app);
  const stream = attachStream(server, { store, tokens, commits: pipeline, clock, telemetry: feed, access, logger: logger.child({ component: 'stream' }) });
  live.stream = stream;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.httpPort, config.httpHost, () => resolve());
    });
  } catch (e) {
    await stream.close();
    unbridge();
    await gateway.close({ anchor: false });
    await closeLedger();
    throw e;
  }
  await webhooks.start();
  const demoFeed = config.demo ? await startDemoTelemetry(gateway, config.mqttHost, config.dataDir) : undefined;
  const port = (server.address() as AddressInfo).port;
  const httpUrl = config.publicUrl ?? `http://${config.httpHost}:${port}`;
  logger.info({ httpUrl, mqttPort: gateway.mqttPort, size: pipeline.size }, 'ledgerhouse started');
  return {
    config, keys, store, pipeline, tokens, db, httpUrl, logger, demo, gateway, mqttPort: gateway.mqttPort,
    /** Graceful: stop taking requests and readings, anchor what was stored, finish queued commits, close the store. */
    async close() {
      await demoFeed?.stop();
      await stream.close();
      await webhooks.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      unbridge();
      await gateway.close();
      await closeLedger();
    },
  };
}
