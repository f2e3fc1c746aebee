import { migrate, type SqliteDatabase } from '../../ledger/store/sqlite-database.js';
import type { TokenRecord, TokenStore } from './token-store.js';

interface Row {
  id: string;
  party: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

const toRecord = (r: Row): TokenRecord => ({
  id: r.id, party: r.party, createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at ?? undefined,
});

export class SqliteTokenStore implements TokenStore {
  readonly #stmt;
  constructor(db: SqliteDatabase) {
    migrate(db, 'tokens', [
      {
        version: 1,
        sql: `CREATE TABLE api_tokens (id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL UNIQUE, party TEXT NOT NULL,
                created_at TEXT NOT NULL, expires_at TEXT NOT NULL, revoked_at TEXT);
              CREATE INDEX api_tokens_party ON api_tokens (party);`,
      },
    ]);
    this.#stmt = {
      insert: db.prepare('INSERT INTO api_tokens (id, secret_hash, party, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
      byHash: db.prepare('SELECT * FROM api_tokens WHERE secret_hash = ?'),
      revoke: db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      all: db.prepare('SELECT * FROM api_tokens ORDER BY id'),
      byParty: db.prepare('SELECT * FROM api_tokens WHERE party = ? ORDER BY id'),
    };
  }
  async insert(r: TokenRecord, secretHash: string): Promise<void> {
    this.#stmt.insert.run(r.id, secretHash, r.party, r.createdAt, r.expiresAt);
  }
  async findByHash(secretHash: string): Promise<TokenRecord | undefined> {
    const row = this.#stmt.byHash.get(secretHash) as Row | undefined;
    return row === undefined ? undefined : toRecord(row);
  }
  async revoke(id: string, at: string): Promise<boolean> {
    return this.#stmt.revoke.run(at, id).changes > 0;
  }
  async list(party?: string): Promise<TokenRecord[]> {
    const rows = (party === undefined ? this.#stmt.all.all() : this.#stmt.byParty.all(party)) as Row[];
    return rows.map(toRecord);
  }
}
