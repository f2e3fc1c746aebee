import path from 'node:path';
import { openSqlite, type SqliteDatabase } from '../../../ledger/store/sqlite-database.js';
import { SqliteTokenStore } from '../../../server/auth/sqlite-token-store.js';
import { tempDir } from '../../support/temp-dir.js';
import { tokenStoreConformance } from './token-store-conformance.js';

tokenStoreConformance('SQLite (temp file)', async () => {
  const tmp = tempDir();
  const file = path.join(tmp.dir, 'ledgerhouse.db');
  let db: SqliteDatabase = openSqlite(file);
  return {
    store: new SqliteTokenStore(db),
    async reopen() {
      db.close();
      db = openSqlite(file);
      return new SqliteTokenStore(db);
    },
    async cleanup() {
      if (db.open) db.close();
      tmp.remove();
    },
  };
});
