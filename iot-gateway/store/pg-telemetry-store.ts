// PostgreSQL TelemetryStore (node-postgres): one telemetry store shared by N gateways, in the ledger's schema
// (tables `tl_*`, pg-telemetry-migrations.ts). Same contract and conformance suite as the SQLite adapter.
//
// Several gateways, one store:
// * Deduplication. (device, seq) is UNIQUE. An append is one statement (atomic on its own, one round trip): it
//   inserts with ON CONFLICT DO NOTHING, so a reading that a dead gateway stored but never acked, redelivered to any
//   gateway, is a duplicate naming the stored id. If another gateway is inserting the same (device, seq) at that
//   moment, the insert waits for its transaction and then skips the row; two appends PostgreSQL aborts as a
//   deadlock (the same readings in opposite orders) run again. The high-water mark is MAX(seq) over the device's
//   readings, not a row every append updates, so gateways sharing a device never wait for each other's commits.
// * Ids come from an identity column: unique and increasing, dense for one writer, but a rolled-back append leaves
//   a hole and concurrent appends commit out of id order. `unbatched()` therefore returns only the contiguous
//   run of ids from the oldest unbatched reading (what sealBatch requires); a reading whose id was handed out
//   earlier but committed later is simply sealed into a later batch.
// * One batcher. Sealing and anchoring run in one gateway at a time: the one holding a session-level advisory
//   lock (class 0x4c480003, schema oid) on a connection it keeps for that purpose. The other gateways see no
//   unbatched readings and no unanchored batches and only retry the lock (every `batcherRetryMs`), so when the
//   batcher dies its session ends, the lock is free, and another gateway takes over: it first resubmits the
//   sealed, unanchored batches verbatim, which the ledger answers with their original index (the anchor's nonce
//   is the batch id), so no batch is anchored twice.
// * The lock is an optimisation, not the guarantee. createBatch seals `firstId..lastId` only if exactly `count`
//   of them are still unbatched, under the row locks of one UPDATE: two batchers racing (a partitioned old one
//   and its successor) can never seal one reading into two batches; the loser gets BatchConflict.
import { randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { canonicalJson } from '../../ledger/encoding/canonical.js';
import { hashLeafText } from '../../ledger/merkle/hash.js';
import { checkMigrated, migratePg } from '../../ledger/store/pg/migrations.js';
import { isPgError, openPgPool, schemaLockKey, withTransaction, type PgPoolOptions } from '../../ledger/store/pg/pg-pool.js';
import { classifySeq, type SeqGap } from '../verify/sequence.js';
import { TELEMETRY_MIGRATIONS, TELEMETRY_SCOPE } from './pg-telemetry-migrations.js';
import {
  BatchConflict,
  type AppendResult,
  type BatchMessage,
  type BatchRecord,
  type ReadingPage,
  type ReadingQuery,
  type ReadingLeaf,
  type ReadingRecord,
  type StoredReading,
  type TelemetryStore,
} from './telemetry-store.js';
import { toBatch, toStored, type BatchRow, type ReadingRow } from './telemetry-rows.js';

/** Advisory lock class of the telemetry batcher ('LH' 0003); the second key is the schema's oid. */
export const BATCHER_LOCK_CLASS = 0x4c48_0003;

export interface PgTelemetryOptions {
  /**
   * This gateway's name: stable across its restarts, distinct from the other gateways' (it names the gateway's
   * MQTT session and its batches). Lowercase letters, digits and '-', at most 32. Default: one random id kept in
   * the schema, which suits a single gateway.
   */
  readonly instance?: string;
  /** `false`: only check that the schema is migrated (no DDL rights). */
  readonly migrate?: boolean;
  /** End the pool on close. */
  readonly ownsPool?: boolean;
  /** How often a gateway that is not the batcher tries to become it, ms. Default 500. */
  readonly batcherRetryMs?: number;
}

const INSTANCE = /^[a-z0-9][a-z0-9-]{0,31}$/;
/** How often an append that PostgreSQL aborted as a deadlock (40P01) is tried, in all. */
const APPEND_ATTEMPTS = 3;


const READING_COLS = 'id, record, batch_id';
const BATCH_COLS = 'value, anchor_index, anchor_tx_hash';


const key = (device: string, seq: number): string => `${device}\n${seq}`;

/** The SHA-256 of a camera reading's segment, kept in its own column for the evidence lookup. */
function segmentOf(r: ReadingRecord): string | null {
  const sha = (r as { segment?: { sha256?: unknown } }).segment?.sha256;
  return typeof sha === 'string' ? sha : null;
}

/**
 * The whole append as one statement; every CTE sees the snapshot from before the insert. `hw` is each device's
 * high-water mark before this call; `prev` is what classifySeq would hold before each reading (the larger of that
 * and the seqs earlier in the call), so a reading with seq > prev + 1 opens the gap prev + 1 .. seq - 1. Readings
 * already stored or repeated within the call are filtered out before the insert, so they take no id (ids stay
 * dense for one writer); ON CONFLICT DO NOTHING skips what another gateway committed meanwhile (the insert waits
 * for that gateway's transaction to end). Returns the rows stored, by position (ord).
 */
const APPEND_SQL = `
  WITH input AS (
    SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY
      AS t(device, seq, ts, kind, segment, record, received_at, ord)
  ), msgs AS (
    INSERT INTO tl_messages (digest, bytes) SELECT * FROM unnest($8::text[], $9::bytea[]) ON CONFLICT (digest) DO NOTHING
  ), hw AS (
    SELECT d.device, (SELECT max(r.seq) FROM tl_readings r WHERE r.device = d.device) AS hw FROM (SELECT DISTINCT device FROM input) d
  ), prev AS (
    SELECT i.ord, i.device, i.seq, i.received_at,
      GREATEST(h.hw, max(i.seq) OVER (PARTITION BY i.device ORDER BY i.ord ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) AS prev
    FROM input i JOIN hw h USING (device)
  ), ins AS (
    INSERT INTO tl_readings (device, seq, ts, kind, segment, record)
    SELECT device, seq, ts, kind, segment, record
    FROM (SELECT DISTINCT ON (device, seq) * FROM input ORDER BY device, seq, ord) first_copies
    WHERE NOT EXISTS (SELECT 1 FROM tl_readings r WHERE r.device = first_copies.device AND r.seq = first_copies.seq)
    ORDER BY ord
    ON CONFLICT (device, seq) DO NOTHING -- only what another gateway committed meanwhile
    RETURNING id, device, seq
  ), stored AS (
    SELECT DISTINCT ON (ins.id) ins.id, p.ord, p.device, p.seq, p.prev, p.received_at FROM ins JOIN prev p USING (device, seq) ORDER BY ins.id, p.ord
  ), gaps AS (
    INSERT INTO tl_gaps (device, from_seq, to_seq, detected_at)
    SELECT device, prev + 1, seq - 1, received_at FROM stored WHERE seq > prev + 1
    ON CONFLICT (device, from_seq) DO NOTHING
  )
  SELECT ord::int AS ord, id, prev FROM stored`;

/** The leading run of consecutive ids: a hole (an append still in flight or rolled back) ends the batch before it. */
function consecutive<R extends { id: number }>(rows: readonly R[]): R[] {
  let n = rows.length === 0 ? 0 : 1;
  while (n < rows.length && rows[n]!.id === rows[n - 1]!.id + 1) n++;
  return rows.slice(0, n);
}

export class PgTelemetryStore implements TelemetryStore {
  readonly shared = true;
  readonly #lockKey: readonly [number, number];
  readonly #instance: string;
  readonly #ownsPool: boolean;
  readonly #retryMs: number;
  #batcher: PoolClient | undefined;
  #acquiring: Promise<boolean> | undefined;
  #nextTry = 0;
  #closed = false;

  private constructor(readonly pool: Pool, lockKey: readonly [number, number], instance: string, opts: PgTelemetryOptions) {
    this.#lockKey = lockKey;
    this.#instance = instance;
    this.#ownsPool = opts.ownsPool ?? false;
    this.#retryMs = opts.batcherRetryMs ?? 500;
  }

  /** Migrate (or check) the telemetry tables in the pool's schema and open the store on it. */
  static async open(pool: Pool, opts: PgTelemetryOptions = {}): Promise<PgTelemetryStore> {
    if (opts.instance !== undefined && !INSTANCE.test(opts.instance)) {
      throw new TypeError(`instance: expected 1-32 lowercase letters, digits or '-' (starting with a letter or digit), got '${opts.instance}'`);
    }
    if (opts.batcherRetryMs !== undefined && !(Number.isFinite(opts.batcherRetryMs) && opts.batcherRetryMs >= 0)) {
      throw new RangeError(`batcherRetryMs: expected a non-negative number, got ${opts.batcherRetryMs}`);
    }
    if (opts.migrate === false) await checkMigrated(pool, TELEMETRY_SCOPE, TELEMETRY_MIGRATIONS);
    else await migratePg(pool, TELEMETRY_SCOPE, TELEMETRY_MIGRATIONS);
    const client = await pool.connect();
    try {
      const lockKey = await schemaLockKey(client, BATCHER_LOCK_CLASS);
      // ON CONFLICT: gateways opening at once agree on the first one's id.
      await client.query("INSERT INTO tl_state (key, value) VALUES ('instance', $1) ON CONFLICT (key) DO NOTHING", [randomBytes(6).toString('hex')]);
      const shared = (await client.query<{ value: string }>("SELECT value FROM tl_state WHERE key = 'instance'")).rows[0]!.value;
      return new PgTelemetryStore(pool, lockKey, opts.instance ?? shared, opts);
    } finally {
      client.release();
    }
  }

  /** Open a pool of its own (ended by `close()`), then as `open`. */
  static async connect(pool: PgPoolOptions, opts: PgTelemetryOptions = {}): Promise<PgTelemetryStore> {
    const own = openPgPool(pool);
    try {
      return await PgTelemetryStore.open(own, { ...opts, ownsPool: true });
    } catch (e) {
      await own.end();
      throw e;
    }
  }

  async instanceId(): Promise<string> {
    return this.#instance;
  }

  async append(records: readonly ReadingRecord[], messages: readonly BatchMessage[] = []): Promise<AppendResult[]> {
    for (const r of records) classifySeq(undefined, r.seq, false); // a bad seq throws before anything is written
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#appendOnce(records, messages);
      } catch (e) {
        // 40P01: two gateways inserting the same readings in opposite orders; PostgreSQL aborted one of them.
        if (!isPgError(e, '40P01') || attempt >= APPEND_ATTEMPTS) throw e;
      }
    }
  }

  /** One statement (atomic and durable on its own): the common case costs one round trip. */
  async #appendOnce(records: readonly ReadingRecord[], messages: readonly BatchMessage[]): Promise<AppendResult[]> {
    const { rows } = await this.pool.query<{ ord: number; id: number; prev: number | null }>(APPEND_SQL, [
      records.map((r) => r.device), records.map((r) => r.seq), records.map((r) => r.ts), records.map((r) => r.kind),
      records.map(segmentOf), records.map((r) => canonicalJson(r)), records.map((r) => r.receivedAt),
      messages.map((m) => m.digest), messages.map((m) => Buffer.from(m.bytes)),
    ]);
    const stored = new Map(rows.map((r) => [r.ord, r]));
    const firstOf = new Map<string, number>(); // (device, seq) → the stored row of this call
    for (const r of rows) {
      const k = key(records[r.ord - 1]!.device, records[r.ord - 1]!.seq);
      if (!firstOf.has(k) || r.id < firstOf.get(k)!) firstOf.set(k, r.id);
    }
    const missing = records.filter((r) => !firstOf.has(key(r.device, r.seq)));
    const existing = missing.length === 0 ? new Map<string, number>() : await this.#existing(missing);
    return records.map((r, i): AppendResult => {
      const k = key(r.device, r.seq);
      const row = stored.get(i + 1);
      const id = firstOf.get(k) ?? existing.get(k);
      if (id === undefined) throw new Error(`reading ${r.device}/${r.seq} was neither stored nor found`);
      if (row === undefined || row.id !== id) return { status: 'duplicate', id };
      const gap = row.prev !== null && r.seq > row.prev + 1 ? { from: row.prev + 1, to: r.seq - 1 } : undefined;
      return gap ? { status: 'stored', id, gap } : { status: 'stored', id };
    });
  }

  async #existing(records: readonly ReadingRecord[]): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ device: string; seq: number; id: number }>(
      'SELECT device, seq, id FROM tl_readings WHERE (device, seq) IN (SELECT * FROM unnest($1::text[], $2::bigint[]))',
      [records.map((r) => r.device), records.map((r) => r.seq)],
    );
    return new Map(rows.map((r) => [key(r.device, r.seq), r.id]));
  }

  async highWater(device: string): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ hw: number | null }>('SELECT max(seq) AS hw FROM tl_readings WHERE device = $1', [device]);
    return rows[0]?.hw ?? undefined;
  }

  async gaps(device: string, limit = 100): Promise<SeqGap[]> {
    const { rows } = await this.pool.query<SeqGap>(
      'SELECT device, from_seq AS "from", to_seq AS "to", detected_at AS "detectedAt" FROM tl_gaps WHERE device = $1 ORDER BY from_seq LIMIT $2',
      [device, limit],
    );
    return rows;
  }

  async reading(id: number): Promise<StoredReading | undefined> {
    const { rows } = await this.pool.query<ReadingRow>(`SELECT ${READING_COLS} FROM tl_readings WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : toStored(rows[0]);
  }

  async readings(q: ReadingQuery): Promise<ReadingPage> {
    const { rows } = await this.pool.query<ReadingRow>(
      `SELECT ${READING_COLS} FROM tl_readings
       WHERE device = $1 AND id > $2 AND ($3::text IS NULL OR ts >= $3) AND ($4::text IS NULL OR ts < $4)
       ORDER BY id LIMIT $5`,
      [q.device, q.after ?? 0, q.from ?? null, q.to ?? null, q.limit + 1],
    );
    const readings = rows.slice(0, q.limit).map(toStored);
    return rows.length > q.limit ? { readings, next: readings[readings.length - 1]!.id } : { readings };
  }

  async latest(device: string, kind?: string): Promise<StoredReading | undefined> {
    const { rows } = await this.pool.query<ReadingRow>(
      `SELECT ${READING_COLS} FROM tl_readings WHERE device = $1 AND ($2::text IS NULL OR kind = $2) ORDER BY ts DESC, id DESC LIMIT 1`,
      [device, kind ?? null],
    );
    return rows[0] === undefined ? undefined : toStored(rows[0]);
  }

  async segments(sha256: string): Promise<StoredReading[]> {
    const { rows } = await this.pool.query<ReadingRow>(
      `SELECT ${READING_COLS} FROM tl_readings WHERE segment = $1 AND kind = 'camera' ORDER BY id LIMIT 100`,
      [sha256],
    );
    return rows.map(toStored);
  }

  async message(digest: string): Promise<Uint8Array | undefined> {
    const { rows } = await this.pool.query<{ bytes: Buffer }>('SELECT bytes FROM tl_messages WHERE digest = $1', [digest]);
    return rows[0] === undefined ? undefined : new Uint8Array(rows[0].bytes);
  }

  /** The batcher's view: the oldest unbatched readings with contiguous ids. Other gateways see none. */
  async unbatched(limit: number): Promise<StoredReading[]> {
    if (!(await this.isBatcher())) return [];
    const { rows } = await this.pool.query<ReadingRow>(
      `SELECT ${READING_COLS} FROM tl_readings WHERE batch_id IS NULL ORDER BY id LIMIT $1`,
      [limit],
    );
    return consecutive(rows).map(toStored);
  }

  /** As `unbatched`, as leaves: the record column is the RFC 8785 text, hashed as stored (no parse, no re-serialising). */
  async unbatchedLeaves(limit: number): Promise<ReadingLeaf[]> {
    if (!(await this.isBatcher())) return [];
    const { rows } = await this.pool.query<{ id: number; device: string; ts: string; record: string }>(
      'SELECT id, device, ts, record FROM tl_readings WHERE batch_id IS NULL ORDER BY id LIMIT $1',
      [limit],
    );
    return consecutive(rows).map((r) => ({ id: r.id, device: r.device, ts: r.ts, leafHash: hashLeafText(r.record) }));
  }

  async createBatch(b: BatchRecord): Promise<void> {
    await withTransaction(this.pool, async (c) => {
      const sealed = (await c.query('UPDATE tl_readings SET batch_id = $1 WHERE id BETWEEN $2 AND $3 AND batch_id IS NULL', [b.id, b.firstId, b.lastId])).rowCount;
      if (sealed !== b.count) throw new BatchConflict(`readings ${b.firstId}..${b.lastId}: ${sealed} unbatched, expected ${b.count}`);
      try {
        await c.query('INSERT INTO tl_batches (id, first_id, value) VALUES ($1, $2, $3)', [b.id, b.firstId, JSON.stringify(b)]);
      } catch (e) {
        if (isPgError(e, '23505')) throw new BatchConflict(`batch ${b.id} exists`);
        throw e;
      }
    });
  }

  async markAnchored(batchId: string, anchor: { index: number; txHash: string }): Promise<void> {
    const { rowCount } = await this.pool.query('UPDATE tl_batches SET anchor_index = $1, anchor_tx_hash = $2 WHERE id = $3', [anchor.index, anchor.txHash, batchId]);
    if (rowCount !== 1) throw new RangeError(`no batch ${batchId}`);
  }

  async batch(id: string): Promise<BatchRecord | undefined> {
    const { rows } = await this.pool.query<BatchRow>(`SELECT ${BATCH_COLS} FROM tl_batches WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : toBatch(rows[0]);
  }

  /** The batcher's view: sealed batches not yet anchored, oldest first. Other gateways see none. */
  async unanchoredBatches(): Promise<BatchRecord[]> {
    if (!(await this.isBatcher())) return [];
    const { rows } = await this.pool.query<BatchRow>(`SELECT ${BATCH_COLS} FROM tl_batches WHERE anchor_index IS NULL ORDER BY first_id`);
    return rows.map(toBatch);
  }

  async batchReadings(batchId: string): Promise<StoredReading[]> {
    const { rows } = await this.pool.query<ReadingRow>(`SELECT ${READING_COLS} FROM tl_readings WHERE batch_id = $1 ORDER BY id`, [batchId]);
    return rows.map(toStored);
  }

  async getState(k: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ value: string }>('SELECT value FROM tl_state WHERE key = $1', [`x:${k}`]);
    return rows[0]?.value;
  }

  async putState(k: string, value: string | undefined): Promise<void> {
    if (value === undefined) await this.pool.query('DELETE FROM tl_state WHERE key = $1', [`x:${k}`]);
    else await this.pool.query('INSERT INTO tl_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [`x:${k}`, value]);
  }

  /**
   * Whether this store holds the batcher lock, trying to take it (at most every `batcherRetryMs`) when it does not.
   * The lock lives as long as the session that took it: a dead gateway's lock is released with its connection.
   */
  isBatcher(): Promise<boolean> {
    if (this.#batcher !== undefined) return Promise.resolve(true);
    if (this.#closed || performance.now() < this.#nextTry) return Promise.resolve(false);
    this.#acquiring ??= this.#tryLock().finally(() => {
      this.#acquiring = undefined;
    });
    return this.#acquiring;
  }

  async #tryLock(): Promise<boolean> {
    this.#nextTry = performance.now() + this.#retryMs;
    const client = await this.pool.connect();
    let held = false;
    try {
      held = (await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS held', [...this.#lockKey])).rows[0]!.held;
    } finally {
      if (!held) client.release();
    }
    if (!held) return false;
    if (this.#closed) {
      client.release(true); // closed meanwhile: ending the session releases the lock
      return false;
    }
    client.on('error', () => this.#dropBatcher(client));
    this.#batcher = client;
    return true;
  }

  /** Give up the lock by ending its session (never return a locked session to the pool). */
  #dropBatcher(client: PoolClient): void {
    if (this.#batcher !== client) return;
    this.#batcher = undefined;
    client.release(true);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#acquiring?.catch(() => false);
    const batcher = this.#batcher;
    if (batcher !== undefined) {
      // Unlock before returning: the next batcher can take over at once (ending the session would release it too,
      // but only once the server has noticed).
      const unlocked = await batcher.query('SELECT pg_advisory_unlock($1, $2)', [...this.#lockKey]).then(() => true, () => false);
      this.#batcher = undefined;
      batcher.release(!unlocked);
    }
    if (this.#ownsPool) await this.pool.end();
  }
}
