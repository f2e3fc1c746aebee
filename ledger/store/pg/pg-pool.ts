// Opening PostgreSQL the way the ledger needs it (node-postgres). One pool per process; every client of it parses
// BIGINT into a JS number (refusing values beyond 2^53 - 1 rather than rounding them) and can be pinned to one
// schema through `search_path`, so several ledgers (or test runs) can share a database without meeting.
import pg from 'pg';

export type { Pool, PoolClient } from 'pg';

export interface PgPoolOptions {
  /** postgres://user@host:port/db */
  readonly connectionString: string;
  /** Schema holding the ledger's tables (set as search_path); defaults to the server's search_path. */
  readonly schema?: string;
  /** Most connections this process opens. */
  readonly max?: number;
  /** Shown in pg_stat_activity. */
  readonly applicationName?: string;
  /**
   * The server ends a session that sits idle inside a transaction this long (ms), releasing its locks: a sequencer
   * that hangs or is cut off mid-commit cannot hold the ledger lock for good. Default 30 s.
   */
  readonly idleInTransactionTimeoutMs?: number;
}

const INT8_OID = 20;

/** BIGINT → number, exactly or not at all: a ledger index past 2^53 - 1 must fail loudly, never round. */
export function parseSafeBigint(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`BIGINT ${text} is outside JavaScript's safe integer range`);
  return n;
}

const types = new pg.TypeOverrides();
types.setTypeParser(INT8_OID, 'text', parseSafeBigint);

/** A quoted SQL identifier; only plain names are accepted (they end up in connection options and DDL). */
export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new TypeError(`schema: expected a lowercase SQL identifier (a-z, 0-9, _), got '${name}'`);
  }
  return `"${name}"`;
}

export function openPgPool(opts: PgPoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.max ?? 10,
    types,
    application_name: opts.applicationName ?? 'ledgerhouse',
    idle_in_transaction_session_timeout: opts.idleInTransactionTimeoutMs ?? 30_000,
    keepAlive: true, // notice a peer that vanished without closing the connection
    ...(opts.schema === undefined ? {} : { options: `-c search_path=${quoteIdent(opts.schema)}` }),
  });
  // An idle client that loses its server is dropped by the pool; the next query reports the failure to its caller.
  // Without a listener node-postgres would turn that into an uncaught exception.
  pool.on('error', () => {});
  return pool;
}

/** True for a PostgreSQL error with this SQLSTATE (e.g. '23505' unique_violation). */
export function isPgError(e: unknown, code: string): e is Error & { code: string; constraint?: string; detail?: string } {
  return e instanceof Error && (e as { code?: unknown }).code === code;
}

/**
 * Run `fn` in one transaction on one pooled client: BEGIN, fn, COMMIT; ROLLBACK on any error (rethrown). READ
 * COMMITTED on purpose: every statement sees what committed before it started, so a statement issued after taking
 * an advisory lock sees everything the previous lock holder committed.
 */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch((err: unknown) => {
      broken = err instanceof Error ? err : new Error(String(err)); // the connection is unusable: do not reuse it
    });
    throw e;
  } finally {
    client.release(broken);
  }
}

/**
 * The key of a transaction-scoped advisory lock for `lockClass` within the current schema: the two-int form
 * (class, schema oid), so one ledger per schema has its own sequencer lock and migration lock.
 */
export async function schemaLockKey(client: pg.ClientBase, lockClass: number): Promise<readonly [number, number]> {
  const { rows } = await client.query<{ oid: number | null }>(
    'SELECT (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AS oid',
  );
  const oid = rows[0]?.oid ?? null;
  if (oid === null) {
    throw new Error('PostgreSQL: no schema on the search_path exists; create it first (CREATE SCHEMA …) or fix the schema option');
  }
  return [lockClass, oid | 0]; // oid is uint32; the lock function takes int4, so reinterpret the bits
}
