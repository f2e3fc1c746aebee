// PostgreSQL LedgerStore (node-postgres). Same contract as the SQLite adapter, for several processes sharing one
// log: a batch commit is ONE transaction that first takes the ledger's advisory lock (one sequencer appends at a
// time, across machines), then checks the log size, writes entries, Merkle nodes, state, events and the signed
// checkpoint, sends NOTIFY ledgerhouse_log '<new size>' (delivered only if the transaction commits), and commits.
// Reads need no lock: everything of a batch becomes visible at once.
import type { Pool, PoolClient } from 'pg';
import type { Kind, StateObject } from '../../../contracts/types.js';
import type { NodeId } from '../../merkle/node-id.js';
import {
  DuplicateEntryError,
  SequenceConflict,
  requireTxHash,
  stateKey,
  type CheckpointRecord,
  type CommitBatch,
  type CommittedMatch,
  type EntryRecord,
  type EventRecord,
  type LedgerStore,
  type StateQuery,
  type StateRecord,
  type TxKey,
} from '../ledger-store.js';
import { LEDGER_MIGRATIONS, checkMigrated, migratePg } from './migrations.js';
import { writeBatch } from './pg-batch-writes.js';
import { isPgError, openPgPool, schemaLockKey, withTransaction, type PgPoolOptions } from './pg-pool.js';

/** Advisory lock class of the sequencer ('LH' 0001); the second key is the schema's oid (one lock per ledger). */
export const LEDGER_LOCK_CLASS = 0x4c48_0001;
/** The channel every commit notifies, with the new log size as payload. */
export const LOG_CHANNEL = 'ledgerhouse_log';

export { DuplicateEntryError }; // defined with the port since every adapter throws it

interface EntryRow {
  idx: number;
  leaf: Buffer;
  leaf_hash: Buffer;
  tx_hash: string;
  type: string;
  signer: string;
  nonce: string;
}

const bytes = (b: Buffer): Uint8Array => new Uint8Array(b); // a copy: pg's Buffers may share a pool slab

const toEntry = (r: EntryRow): EntryRecord => ({
  index: r.idx, leaf: bytes(r.leaf), leafHash: bytes(r.leaf_hash), txHash: r.tx_hash, type: r.type, signer: r.signer, nonce: r.nonce,
});

const toCheckpoint = (r: { size: number; root_hash: Buffer; note: string }): CheckpointRecord => ({
  size: r.size, rootHash: bytes(r.root_hash), note: r.note,
});

const toState = (r: { value: string; idx: number }): StateRecord => ({ object: JSON.parse(r.value) as StateObject, index: r.idx });

const toEvent = (r: { idx: number; seq: number; value: string }): EventRecord => ({ index: r.idx, seq: r.seq, event: JSON.parse(r.value) });

const SIZE_SQL = 'SELECT COALESCE(MAX(idx) + 1, 0) AS n FROM entries';

// The reads the pipeline makes once per submitted transaction run as named prepared statements: parsed and planned
// once per connection, not per call. (Behind PgBouncer this needs session pooling, or transaction pooling with
// max_prepared_statements set.)
const BY_TX = { name: 'lh_entry_by_tx', text: 'SELECT idx FROM entries WHERE tx_hash = $1' };
const BY_NONCE = { name: 'lh_entry_by_nonce', text: 'SELECT idx, tx_hash FROM entries WHERE signer = $1 AND nonce = $2' };
const MANY_BY_TX = { name: 'lh_entries_by_tx', text: 'SELECT idx, tx_hash FROM entries WHERE tx_hash = ANY($1::text[])' };
const MANY_BY_NONCE = {
  name: 'lh_entries_by_nonce',
  text: 'SELECT idx, tx_hash, signer, nonce FROM entries WHERE (signer, nonce) IN (SELECT * FROM unnest($1::text[], $2::text[]))',
};
const STATE_BY_KEY = {
  name: 'lh_state_by_key',
  text: 'SELECT kind, id, value, idx FROM state WHERE (kind, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))',
};

export class PgLedgerStore implements LedgerStore {
  #closed = false;

  private constructor(
    /** The pool this store reads and writes through (share it with PgTokenStore, PgFollower). */
    readonly pool: Pool,
    /** The sequencer's advisory lock key (class, schema oid). */
    readonly lockKey: readonly [number, number],
    private readonly ownsPool: boolean,
  ) {}

  /**
   * Migrate the ledger tables in the pool's schema and open the store on it. `migrate: false` only checks that the
   * schema is at this build's version: for read replicas (which refuse DDL) and instances without DDL rights.
   * The store ends the pool on close only with `ownsPool`.
   */
  static async open(pool: Pool, opts: { ownsPool?: boolean; migrate?: boolean } = {}): Promise<PgLedgerStore> {
    if (opts.migrate === false) await checkMigrated(pool, 'ledger', LEDGER_MIGRATIONS);
    else await migratePg(pool, 'ledger', LEDGER_MIGRATIONS);
    const client = await pool.connect();
    try {
      return new PgLedgerStore(pool, await schemaLockKey(client, LEDGER_LOCK_CLASS), opts.ownsPool ?? false);
    } finally {
      client.release();
    }
  }

  /** Open a pool of its own (ended by `close()`), then as `open`. */
  static async connect(opts: PgPoolOptions, storeOpts: { migrate?: boolean } = {}): Promise<PgLedgerStore> {
    const pool = openPgPool(opts);
    try {
      return await PgLedgerStore.open(pool, { ...storeOpts, ownsPool: true });
    } catch (e) {
      await pool.end();
      throw e;
    }
  }

  async size(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(SIZE_SQL);
    return rows[0]!.n;
  }

  async commit(batch: CommitBatch): Promise<void> {
    const first = batch.entries[0]?.index;
    batch.entries.forEach((e, i) => {
      if (first !== undefined && e.index !== first + i) throw new RangeError(`batch entry ${i} has index ${e.index}, expected ${first + i}`);
      if (!Number.isSafeInteger(e.index) || e.index < 0) throw new RangeError(`batch entry ${i}: index ${e.index} is not a safe non-negative integer`);
      requireTxHash(e);
    });
    try {
      await withTransaction(this.pool, (client) => this.#commitIn(client, batch));
    } catch (e) {
      throw await this.#mapError(e, first);
    }
  }

  /** The body of `commit`, inside its transaction. */
  async #commitIn(client: PoolClient, batch: CommitBatch): Promise<void> {
    // One sequencer at a time, across processes and machines; released by COMMIT or ROLLBACK (or a dropped
    // connection). FIRST, before reading anything the decision depends on.
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [...this.lockKey]);
    // A new statement, so under READ COMMITTED a fresh snapshot: it sees every batch committed before we got the lock.
    const { rows } = await client.query<{ n: number }>(SIZE_SQL);
    const size = rows[0]!.n;
    const first = batch.entries[0]?.index ?? size;
    if (first !== size) throw new SequenceConflict(size, first);
    await writeBatch(client, batch);
    // Delivered to listeners only when (and if) the transaction commits, in commit order.
    await client.query('SELECT pg_notify($1, $2)', [LOG_CHANNEL, String(size + batch.entries.length)]);
  }

  /** Unique violations become typed errors; a duplicate index or checkpoint size means the log moved. */
  async #mapError(e: unknown, first: number | undefined): Promise<unknown> {
    if (!isPgError(e, '23505')) return e;
    const constraint = e.constraint ?? '';
    if (constraint === 'entries_tx_hash_key') return new DuplicateEntryError('tx_hash', e.detail ?? e.message);
    if (constraint === 'entries_signer_nonce_key') return new DuplicateEntryError('signer_nonce', e.detail ?? e.message);
    if (constraint === 'entries_pkey' || constraint === 'checkpoints_pkey') {
      // Only reachable if a writer bypassed the advisory lock: the second line of defence held; report it as the
      // conflict it is so the pipeline reloads and plans again.
      return new SequenceConflict(await this.size().catch(() => -1), first ?? -1);
    }
    return e;
  }

  async entries(start: number, end: number): Promise<EntryRecord[]> {
    const { rows } = await this.pool.query<EntryRow>(
      'SELECT idx, leaf, leaf_hash, tx_hash, type, signer, nonce FROM entries WHERE idx >= $1 AND idx < $2 ORDER BY idx',
      [start, end],
    );
    return rows.map(toEntry);
  }

  async nodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    const found = new Map<string, Buffer>();
    const leaves = ids.filter((id) => id.level === 0).map((id) => id.index);
    const inner = ids.filter((id) => id.level > 0);
    if (leaves.length > 0) {
      // RFC 6962 §2.1: level-0 nodes are the leaf hashes, kept once, in entries.
      const { rows } = await this.pool.query<{ idx: number; leaf_hash: Buffer }>(
        'SELECT idx, leaf_hash FROM entries WHERE idx = ANY($1::bigint[])',
        [leaves],
      );
      for (const r of rows) found.set(`0/${r.idx}`, r.leaf_hash);
    }
    if (inner.length > 0) {
      const { rows } = await this.pool.query<{ level: number; idx: number; hash: Buffer }>(
        'SELECT level, idx, hash FROM nodes WHERE (level, idx) IN (SELECT * FROM unnest($1::smallint[], $2::bigint[]))',
        [inner.map((id) => id.level), inner.map((id) => id.index)],
      );
      for (const r of rows) found.set(`${r.level}/${r.idx}`, r.hash);
    }
    return ids.map((id) => {
      const hash = found.get(`${id.level}/${id.index}`);
      if (hash === undefined) throw new RangeError(`node level ${id.level} index ${id.index} is not stored`);
      return bytes(hash);
    });
  }

  async indexOfTx(txHash: string): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ idx: number }>({ ...BY_TX, values: [txHash] });
    return rows[0]?.idx;
  }

  async txOfNonce(signer: string, nonce: string): Promise<{ index: number; txHash: string } | undefined> {
    const { rows } = await this.pool.query<{ idx: number; tx_hash: string }>({ ...BY_NONCE, values: [signer, nonce] });
    const row = rows[0];
    return row === undefined ? undefined : { index: row.idx, txHash: row.tx_hash };
  }

  async latestCheckpoint(): Promise<CheckpointRecord | undefined> {
    const { rows } = await this.pool.query('SELECT size, root_hash, note FROM checkpoints ORDER BY size DESC LIMIT 1');
    return rows[0] === undefined ? undefined : toCheckpoint(rows[0]);
  }

  async checkpointAt(size: number): Promise<CheckpointRecord | undefined> {
    const { rows } = await this.pool.query('SELECT size, root_hash, note FROM checkpoints WHERE size = $1', [size]);
    return rows[0] === undefined ? undefined : toCheckpoint(rows[0]);
  }

  async checkpointsIn(from: number, to: number): Promise<CheckpointRecord[]> {
    const { rows } = await this.pool.query('SELECT size, root_hash, note FROM checkpoints WHERE size >= $1 AND size < $2 ORDER BY size', [from, to]);
    return rows.map(toCheckpoint);
  }

  async getState(keys: readonly { kind: Kind; id: string }[]): Promise<Map<string, StateRecord>> {
    const found = new Map<string, StateRecord>();
    if (keys.length === 0) return found;
    const { rows } = await this.pool.query<{ kind: Kind; id: string; value: string; idx: number }>({
      ...STATE_BY_KEY,
      values: [keys.map((k) => k.kind), keys.map((k) => k.id)],
    });
    for (const r of rows) found.set(stateKey(r.kind, r.id), toState(r));
    return found;
  }

  async queryState(query: StateQuery): Promise<StateRecord[]> {
    const after = query.after ?? '';
    const limit = query.limit ?? 100;
    const { rows } =
      query.ref === undefined
        ? await this.pool.query('SELECT value, idx FROM state WHERE kind = $1 AND id > $2 ORDER BY id LIMIT $3', [query.kind, after, limit])
        : await this.pool.query(
            `SELECT s.value, s.idx FROM state_refs r JOIN state s ON s.kind = r.kind AND s.id = r.id
             WHERE r.ref = $1 AND r.kind = $2 AND r.id > $3 ORDER BY r.id LIMIT $4`,
            [query.ref, query.kind, after, limit],
          );
    return rows.map(toState);
  }

  async events(fromIndex: number, limit: number): Promise<EventRecord[]> {
    const { rows } = await this.pool.query(
      'SELECT idx, seq, value FROM events WHERE idx >= $1 ORDER BY idx, seq LIMIT $2',
      [fromIndex, limit],
    );
    return rows.map(toEvent);
  }

  /** Every event of the entries start ≤ index < end, in log order (whole entries: what PgFollower pages by). */
  async eventsBetween(start: number, end: number): Promise<EventRecord[]> {
    const { rows } = await this.pool.query(
      'SELECT idx, seq, value FROM events WHERE idx >= $1 AND idx < $2 ORDER BY idx, seq',
      [start, end],
    );
    return rows.map(toEvent);
  }

  async eventsByRef(ref: string, fromIndex: number, limit: number): Promise<EventRecord[]> {
    const { rows } = await this.pool.query(
      `SELECT e.idx, e.seq, e.value FROM event_refs r JOIN events e ON e.idx = r.idx AND e.seq = r.seq
       WHERE r.ref = $1 AND r.idx >= $2 ORDER BY r.idx, r.seq LIMIT $3`,
      [ref, fromIndex, limit],
    );
    return rows.map(toEvent);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.ownsPool) await this.pool.end();
  }
  /** Two round trips for the whole batch instead of two per submission. */
  async findCommitted(keys: readonly TxKey[]): Promise<CommittedMatch[]> {
    const [byTx, byNonce] = await Promise.all([
      this.pool.query<{ idx: number; tx_hash: string }>({ ...MANY_BY_TX, values: [keys.map((k) => k.txHash)] }),
      this.pool.query<{ idx: number; tx_hash: string; signer: string; nonce: string }>({
        ...MANY_BY_NONCE, values: [keys.map((k) => k.signer), keys.map((k) => k.nonce)],
      }),
    ]);
    const indexOf = new Map(byTx.rows.map((r) => [r.tx_hash, r.idx]));
    const nonces = new Map(byNonce.rows.map((r) => [`${r.signer}\n${r.nonce}`, { index: r.idx, txHash: r.tx_hash }]));
    return keys.map((k) => ({ index: indexOf.get(k.txHash), byNonce: nonces.get(`${k.signer}\n${k.nonce}`) }));
  }
}
