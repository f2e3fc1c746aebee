// PostgreSQL TokenStore: the same table and semantics as the SQLite adapter (only the SHA-256 of a token is stored;
// revoking is a one-way stamp), for API instances that share one database. Passes the shared token conformance suite.
import type { Pool } from 'pg';
import { migratePg, type PgMigration } from '../../ledger/store/pg/migrations.js';
import type { TokenRecord, TokenStore } from './token-store.js';

const MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    sql: `CREATE TABLE api_tokens (
            id TEXT COLLATE "C" PRIMARY KEY,
            secret_hash TEXT COLLATE "C" NOT NULL UNIQUE,
            party TEXT COLLATE "C" NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            revoked_at TEXT
          );
          CREATE INDEX api_tokens_party ON api_tokens (party);`,
  },
];

interface Row {
  id: string;
  party: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

const COLUMNS = 'id, party, created_at, expires_at, revoked_at';

const toRecord = (r: Row): TokenRecord => ({
  id: r.id, party: r.party, createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at ?? undefined,
});

export class PgTokenStore implements TokenStore {
  private constructor(private readonly pool: Pool) {}

  /** Migrate the token table in the pool's schema; the caller owns (and ends) the pool. */
  static async open(pool: Pool): Promise<PgTokenStore> {
    await migratePg(pool, 'tokens', MIGRATIONS);
    return new PgTokenStore(pool);
  }

  async insert(r: TokenRecord, secretHash: string): Promise<void> {
    await this.pool.query(
      'INSERT INTO api_tokens (id, secret_hash, party, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [r.id, secretHash, r.party, r.createdAt, r.expiresAt],
    );
  }

  async findByHash(secretHash: string): Promise<TokenRecord | undefined> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM api_tokens WHERE secret_hash = $1`, [secretHash]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  async revoke(id: string, at: string): Promise<boolean> {
    const result = await this.pool.query('UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id]);
    return (result.rowCount ?? 0) > 0;
  }

  async list(party?: string): Promise<TokenRecord[]> {
    const { rows } =
      party === undefined
        ? await this.pool.query<Row>(`SELECT ${COLUMNS} FROM api_tokens ORDER BY id`)
        : await this.pool.query<Row>(`SELECT ${COLUMNS} FROM api_tokens WHERE party = $1 ORDER BY id`, [party]);
    return rows.map(toRecord);
  }
}
