// Opening a SQLite database the way the ledger needs it. better-sqlite3 sets `synchronous` per connection (a new
// connection in WAL mode comes up as NORMAL), so every connection opened here sets FULL explicitly; a test asserts it.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export type SqliteDatabase = Database.Database;

/** WAL pages after which a commit copies the WAL back into the database file (SQLite's default is 1,000). */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

export interface Migration {
  /** Schema version this migration produces (1, 2, …), stored in PRAGMA user_version. */
  readonly version: number;
  readonly sql: string;
}

export function openSqlite(file: string): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL'); // durability of the log: a COMMIT is on disk before we acknowledge
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Copy the WAL back into the database every ~40 MiB (10,000 pages) rather than every ~4 MiB: index pages that
  // many commits touch are then written back once instead of again and again, each time with an fsync under FULL.
  // Durability is unchanged: every COMMIT is still fsynced in the WAL. (bench/ledger-append.ts)
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
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
  run();
}
