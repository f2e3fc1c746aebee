// Reading many Merkle node hashes from the SQLite ledger tables with one statement: a proof at 10^7 leaves needs
// ~40 nodes, and one prepared-statement call per node cost more than the lookups themselves (bench/ledger-proofs.ts).
// Level 0 (leaf hashes) lives in `entries`, higher levels in `nodes`; both are indexed point lookups.
import type { Statement } from 'better-sqlite3';
import type { NodeId } from '../merkle/node-id.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** Largest number of node ids read by one statement (SQLite's default limit on host parameters is 32,766). */
const NODES_PER_READ = 500;

export class SqliteNodeReader {
  /** One statement per id count, prepared on first use (proof sizes repeat, so there are few). */
  readonly #statements = new Map<number, Statement>();

  constructor(private readonly db: SqliteDatabase) {}

  /** The hashes in the order asked; throws RangeError naming the first node that is not stored. */
  read(ids: readonly NodeId[]): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = 0; i < ids.length; i += NODES_PER_READ) this.#readChunk(ids.slice(i, i + NODES_PER_READ), out);
    return out;
  }

  #readChunk(ids: readonly NodeId[], out: Uint8Array[]): void {
    if (ids.length === 0) return;
    const params: number[] = [];
    ids.forEach((id, k) => params.push(k, id.level, id.index));
    const hashes = new Array<Buffer | null>(ids.length).fill(null);
    for (const r of this.#statement(ids.length).all(params) as { k: number; hash: Buffer | null }[]) hashes[r.k] = r.hash;
    hashes.forEach((hash, k) => {
      const id = ids[k]!;
      if (hash === null) throw new RangeError(`node level ${id.level} index ${id.index} is not stored`);
      out.push(new Uint8Array(hash));
    });
  }

  #statement(count: number): Statement {
    let stmt = this.#statements.get(count);
    if (stmt === undefined) {
      stmt = this.db.prepare(nodesSql(count));
      this.#statements.set(count, stmt);
    }
    return stmt;
  }
}

/** A `VALUES` list of `count` wanted (position, level, index), left-joined to `entries` (level 0) and `nodes`. */
export function nodesSql(count: number): string {
  const values = Array.from({ length: count }, () => '(?, ?, ?)').join(', ');
  return `WITH want (k, level, idx) AS (VALUES ${values})
    SELECT w.k AS k, CASE WHEN w.level = 0 THEN e.leaf_hash ELSE n.hash END AS hash FROM want w
      LEFT JOIN entries e ON w.level = 0 AND e.idx = w.idx
      LEFT JOIN nodes n ON w.level > 0 AND n.level = w.level AND n.idx = w.idx`;
}
