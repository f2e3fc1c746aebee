// Versioned PostgreSQL migrations, the same shape as the SQLite ones: each component (`scope`) keeps its version in
// `schema_versions`, so several components share one schema. PostgreSQL DDL is transactional, so a component's
// pending migrations and its version bump commit together or not at all; they run under a transaction-scoped
// advisory lock, so several instances starting at once (N API instances behind a load balancer) migrate once and
// the others wait, then find nothing to do.
import type { Pool } from 'pg';
import { schemaLockKey, withTransaction } from './pg-pool.js';

export interface PgMigration {
  /** Schema version this migration produces (1, 2, …). */
  readonly version: number;
  /** One or more statements, no parameters. */
  readonly sql: string;
}

/** Advisory lock class for migrations ('LH' 0002); the second key is the schema's oid. */
export const MIGRATION_LOCK_CLASS = 0x4c48_0002;

/**
 * Apply the migrations of `scope` newer than what the schema holds. Refuses to run against a schema migrated by a
 * newer build (its tables may mean something this code does not know).
 */
export async function migratePg(pool: Pool, scope: string, migrations: readonly PgMigration[]): Promise<void> {
  const latest = Math.max(0, ...migrations.map((m) => m.version));
  await withTransaction(pool, async (client) => {
    const [lockClass, schema] = await schemaLockKey(client, MIGRATION_LOCK_CLASS);
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [lockClass, schema]);
    // After the lock, in a new statement: sees whatever a concurrent starter committed before releasing it.
    await client.query('CREATE TABLE IF NOT EXISTS schema_versions (scope TEXT PRIMARY KEY, version INTEGER NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_versions WHERE scope = $1', [scope]);
    const current = rows[0]?.version ?? 0;
    if (current > latest) {
      throw new Error(`PostgreSQL schema '${scope}' is at version ${current}, newer than this build knows (${latest}): upgrade Ledgerhouse`);
    }
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (m.version <= current) continue;
      await client.query(m.sql);
      await client.query(
        'INSERT INTO schema_versions (scope, version) VALUES ($1, $2) ON CONFLICT (scope) DO UPDATE SET version = excluded.version',
        [scope, m.version],
      );
    }
  });
}

/** Without writing anything: throw unless `scope` is at exactly the latest version of `migrations`. */
export async function checkMigrated(pool: Pool, scope: string, migrations: readonly PgMigration[]): Promise<void> {
  const latest = Math.max(0, ...migrations.map((m) => m.version));
  const { rows } = await pool.query<{ present: boolean }>("SELECT to_regclass('schema_versions') IS NOT NULL AS present");
  const current = rows[0]?.present
    ? (await pool.query<{ version: number }>('SELECT version FROM schema_versions WHERE scope = $1', [scope])).rows[0]?.version ?? 0
    : 0;
  if (current !== latest) {
    throw new Error(`PostgreSQL schema '${scope}' is at version ${current}, this build needs ${latest}: run an instance that migrates (against the primary) first`);
  }
}

/**
 * The ledger's tables. Text keys use the "C" collation so ordering and keyset pagination are by code point, exactly
 * as in SQLite. Indices are BIGINT (read back as safe JS numbers), hashes BYTEA. The primary keys on entries.idx and
 * checkpoints.size are the second line of defence behind the sequencer lock: no duplicate index, never two
 * checkpoints of one size.
 */
export const LEDGER_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE entries (
        idx BIGINT PRIMARY KEY CHECK (idx >= 0),
        leaf BYTEA NOT NULL,
        leaf_hash BYTEA NOT NULL CHECK (octet_length(leaf_hash) = 32),
        tx_hash TEXT COLLATE "C" NOT NULL,
        type TEXT COLLATE "C" NOT NULL,
        signer TEXT COLLATE "C" NOT NULL,
        nonce TEXT COLLATE "C" NOT NULL,
        CONSTRAINT entries_tx_hash_key UNIQUE (tx_hash),
        CONSTRAINT entries_signer_nonce_key UNIQUE (signer, nonce)
      );
      CREATE TABLE nodes (
        level SMALLINT NOT NULL CHECK (level > 0),
        idx BIGINT NOT NULL CHECK (idx >= 0),
        hash BYTEA NOT NULL CHECK (octet_length(hash) = 32),
        PRIMARY KEY (level, idx)
      );
      CREATE TABLE checkpoints (
        size BIGINT PRIMARY KEY CHECK (size >= 0),
        root_hash BYTEA NOT NULL CHECK (octet_length(root_hash) = 32),
        note TEXT NOT NULL
      );
      CREATE TABLE state (
        kind TEXT COLLATE "C" NOT NULL,
        id TEXT COLLATE "C" NOT NULL,
        value TEXT NOT NULL,
        idx BIGINT NOT NULL,
        PRIMARY KEY (kind, id)
      );
      CREATE TABLE state_refs (
        ref TEXT COLLATE "C" NOT NULL,
        kind TEXT COLLATE "C" NOT NULL,
        id TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (ref, kind, id)
      );
      CREATE INDEX state_refs_object ON state_refs (kind, id);
      CREATE TABLE events (
        idx BIGINT NOT NULL,
        seq INTEGER NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (idx, seq)
      );
      CREATE TABLE event_refs (
        ref TEXT COLLATE "C" NOT NULL,
        idx BIGINT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (ref, idx, seq)
      );
    `,
  },
];
