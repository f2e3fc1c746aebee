// Where a node keeps its data: SQLite in the data directory by default, PostgreSQL when LH_DATABASE_URL is set.
// Opened by the composition root (server/system.ts), the CLI's offline commands, and the gateway thread, which
// opens its own connections to the same database (server/gateway-thread/).
import path from 'node:path';
import { openSqlite, type SqliteDatabase } from '../ledger/store/sqlite-database.js';
import type { LedgerStore } from '../ledger/store/ledger-store.js';
import { openPgPool } from '../ledger/store/pg/pg-pool.js';
import { PgLedgerStore } from '../ledger/store/pg/pg-ledger-store.js';
import { SqliteLedgerStore } from '../ledger/store/sqlite-ledger-store.js';
import { PgTelemetryStore } from '../iot-gateway/store/pg-telemetry-store.js';
import { SqliteTelemetryStore } from '../iot-gateway/store/sqlite-telemetry-store.js';
import type { TelemetryStore } from '../iot-gateway/store/telemetry-store.js';
import { PgTokenStore } from './auth/pg-token-store.js';
import { SqliteTokenStore } from './auth/sqlite-token-store.js';
import type { TokenStore } from './auth/token-store.js';
import type { Config } from './config.js';

export interface NodeStores {
  /** The local SQLite file: the whole ledger, or with PostgreSQL the node's own state (webhooks, instance id). */
  readonly db: SqliteDatabase;
  readonly store: LedgerStore;
  readonly tokens: TokenStore;
  /** Set with PostgreSQL (shared by every gateway); with SQLite the gateway keeps telemetry in `db`. */
  readonly telemetry?: TelemetryStore;
}

/**
 * The ledger's storage: SQLite in the data directory by default, PostgreSQL when LH_DATABASE_URL is set (then the
 * ledger, API tokens and telemetry live in PostgreSQL, shared by every node; webhook state stays in the local
 * SQLite file, which also keeps this node's gateway instance id, the name of its MQTT session).
 */
export async function openStores(config: Config): Promise<NodeStores> {
  const db = openSqlite(path.join(config.dataDir, 'ledgerhouse.db'));
  if (config.databaseUrl === undefined) return { db, store: new SqliteLedgerStore(db), tokens: new SqliteTokenStore(db) };
  const pool = openPgPool({ connectionString: config.databaseUrl, applicationName: 'ledgerhouse' });
  try {
    const store = await PgLedgerStore.open(pool, { ownsPool: true });
    const instance = await new SqliteTelemetryStore(db).instanceId();
    return { db, store, tokens: await PgTokenStore.open(pool), telemetry: await PgTelemetryStore.open(pool, { instance }) };
  } catch (e) {
    await pool.end();
    db.close();
    throw e;
  }
}
