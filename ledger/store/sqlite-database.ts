// Opening a SQLite database the way the ledger needs it. better-sqlite3 sets `synchronous` per connection (a new
// connection in WAL mode comes up as NORMAL), so every connection opened here sets FULL explicitly; a test asserts it.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export type SqliteDatabase = Database.Database;
/** A function run as one transaction (`.immediate(…)` for BEGIN IMMEDIATE). */
export type Transaction<F extends (...args: never[]) => unknown> = Database.Transaction<F>;

/**
 * WAL size after which a commit copies the WAL back into the database file (SQLite's default: 1,000 pages): the
 * 10,000 pages of 4 KiB this was tuned with, kept in bytes so that 8 KiB files checkpoint as often.
 */
export const WAL_AUTOCHECKPOINT_BYTES = 10_000 * 4096;

/** Page size of a database file created here (SQLite's default is 4,096). */
export const PAGE_SIZE_BYTES = 8192;

export interface Migration {
  /** Schema version this migration produces (1, 2, …), stored in PRAGMA user_version. */
  readonly version: number;
  readonly sql: string;
}

export function openSqlite(file: string): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  // Takes effect only while the file is still empty (SQLite fixes the page size with the first table), so existing
  // databases keep theirs. 8 KiB instead of 4 KiB: an append dirties about as many index pages either way (the
  // (signer, nonce) and tx-hash indexes take keys all over their range), but the B-trees are half as many pages,
  // and a commit of 1,000 entries cost ~15 % less CPU (bench/ledger-append.ts).
  db.pragma(`page_size = ${PAGE_SIZE_BYTES}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL'); // durability of the log: a COMMIT is on disk before we acknowledge
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Copy the WAL back into the database every ~39 MiB (5,000 pages of 8 KiB, 10,000 in older 4 KiB files) rather
  // than every 1,000 pages: index pages that many commits touch are then written back once instead of again and
  // again, each time with an fsync under FULL. Durability is unchanged: every COMMIT is still fsynced in the WAL.
  // (bench/ledger-append.ts)
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.pragma(`wal_autocheckpoint = ${Math.ceil(WAL_AUTOCHECKPOINT_BYTES / pageSize)}`);
  return db;
}

/**
 * Apply the migrations of one component (`scope`) that are newer than what the file holds. Each component keeps
 * its own version in the `schema_versions` table, so several components can share one database file.
 */
export function migrate(db: SqliteDatabase, scope: string, migrations: readonly Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_versions (scope TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_versions WHERE scope = ?').get(scope) as
    | { version: number }
    | undefined;
  const current = row?.version ?? 0;
  const run = db.transaction(() => {
    for (const m of migrations) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.prepare(
        'INSERT INTO schema_versions (scope, version) VALUES (?, ?) ON CONFLICT(scope) DO UPDATE SET version = excluded.version',
      ).run(scope, m.version);
    }
  });
  run.immediate();
}
