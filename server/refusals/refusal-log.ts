// Refused transactions are not ledger entries (the log holds only what was admitted), but an attempt to double
// pledge or to over-issue must not vanish: every refusal of a well-formed submission is recorded here with its
// code, the transaction hash and the parties that claimed to sign it, and exposed to regulators (and to the
// claimed signers for their own attempts) at GET /v1/refusals.
import { migrate, type SqliteDatabase } from '../../ledger/store/sqlite-database.js';

export interface Refusal {
  readonly id: number;
  readonly at: string;
  readonly type: string;
  readonly txHash: string;
  /** Parties named in the signatures; for a bad signature, claimed rather than proven. */
  readonly signers: readonly string[];
  readonly code: string;
  readonly detail: string;
}

export interface RefusalLog {
  record(r: Omit<Refusal, 'id'>): Promise<void>;
  /** Newest first; only refusals naming `party` among the signers when given. */
  list(q: { party?: string; before?: number; limit: number }): Promise<Refusal[]>;
}

interface Row {
  id: number;
  at: string;
  type: string;
  tx_hash: string;
  signers: string;
  code: string;
  detail: string;
}

export class SqliteRefusalLog implements RefusalLog {
  readonly #insert;
  readonly #page;
  constructor(db: SqliteDatabase) {
    migrate(db, 'refusals', [{
      version: 1,
      sql: `CREATE TABLE tx_refusals (id INTEGER PRIMARY KEY, at TEXT NOT NULL, type TEXT NOT NULL, tx_hash TEXT NOT NULL,
              signers TEXT NOT NULL, code TEXT NOT NULL, detail TEXT NOT NULL);`,
    }]);
    this.#insert = db.prepare('INSERT INTO tx_refusals (at, type, tx_hash, signers, code, detail) VALUES (?, ?, ?, ?, ?, ?)');
    this.#page = db.prepare('SELECT * FROM tx_refusals WHERE id < ? ORDER BY id DESC LIMIT ?');
  }

  async record(r: Omit<Refusal, 'id'>): Promise<void> {
    this.#insert.run(r.at, r.type, r.txHash, JSON.stringify(r.signers), r.code, r.detail.slice(0, 500));
  }

  async list(q: { party?: string; before?: number; limit: number }): Promise<Refusal[]> {
    const out: Refusal[] = [];
    let before = q.before ?? Number.MAX_SAFE_INTEGER;
    // Filter by party in JS over bounded pages: refusals are few compared with entries.
    while (out.length < q.limit) {
      const rows = this.#page.all(before, 500) as Row[];
      if (rows.length === 0) break;
      for (const row of rows) {
        const r: Refusal = { id: row.id, at: row.at, type: row.type, txHash: row.tx_hash, signers: JSON.parse(row.signers) as string[], code: row.code, detail: row.detail };
        if (q.party === undefined || r.signers.includes(q.party)) out.push(r);
        if (out.length >= q.limit) break;
      }
      before = rows[rows.length - 1]!.id;
    }
    return out;
  }
}
