// The writes of one CommitBatch as a handful of set-based statements (unnest over arrays), issued by
// PgLedgerStore.commit inside its transaction. Same effect as the SQLite adapter's row-by-row statements: state
// upserts in order (a later write to the same object wins, its references replace the earlier ones), level-0 nodes
// not stored (they are entries.leaf_hash), node rewrites replace, duplicate references ignored.
import type { ClientBase } from 'pg';
import { eventRefs, refsOf, stateKey, type CommitBatch, type StateRecord } from '../ledger-store.js';

/** Entries, nodes, state, events and checkpoint of `batch`. Throws whatever PostgreSQL throws (the caller maps it). */
export async function writeBatch(client: ClientBase, batch: CommitBatch): Promise<void> {
  await insertEntries(client, batch);
  await insertNodes(client, batch);
  await upsertState(client, batch.writes);
  await insertEvents(client, batch);
  const cp = batch.checkpoint;
  await client.query('INSERT INTO checkpoints (size, root_hash, note) VALUES ($1, $2, $3)', [cp.size, cp.rootHash, cp.note]);
}

async function insertEntries(client: ClientBase, batch: CommitBatch): Promise<void> {
  const e = batch.entries;
  if (e.length === 0) return;
  await client.query(
    `INSERT INTO entries (idx, leaf, leaf_hash, tx_hash, type, signer, nonce)
     SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::text[], $5::text[], $6::text[], $7::text[])`,
    [
      e.map((r) => r.index), e.map((r) => r.leaf), e.map((r) => r.leafHash), e.map((r) => r.txHash),
      e.map((r) => r.type), e.map((r) => r.signer), e.map((r) => r.nonce),
    ],
  );
}

async function insertNodes(client: ClientBase, batch: CommitBatch): Promise<void> {
  // One statement cannot update a row twice (ON CONFLICT DO UPDATE), so keep the last hash per node, as the
  // SQLite adapter's successive INSERT OR REPLACE would.
  const last = new Map<string, { level: number; index: number; hash: Uint8Array }>();
  for (const n of batch.nodes) {
    if (n.id.level > 0) last.set(`${n.id.level}/${n.id.index}`, { level: n.id.level, index: n.id.index, hash: n.hash });
  }
  if (last.size === 0) return;
  const nodes = [...last.values()];
  await client.query(
    `INSERT INTO nodes (level, idx, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])
     ON CONFLICT (level, idx) DO UPDATE SET hash = excluded.hash`,
    [nodes.map((n) => n.level), nodes.map((n) => n.index), nodes.map((n) => n.hash)],
  );
}

async function upsertState(client: ClientBase, writes: readonly StateRecord[]): Promise<void> {
  const last = new Map<string, StateRecord>();
  for (const w of writes) {
    const key = stateKey(w.object.kind, w.object.id);
    last.set(key, w);
  }
  if (last.size === 0) return;
  const objects = [...last.values()];
  const kinds = objects.map((w) => w.object.kind);
  const ids = objects.map((w) => w.object.id);
  await client.query(
    `INSERT INTO state (kind, id, value, idx) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
     ON CONFLICT (kind, id) DO UPDATE SET value = excluded.value, idx = excluded.idx`,
    [kinds, ids, objects.map((w) => JSON.stringify(w.object)), objects.map((w) => w.index)],
  );
  await client.query('DELETE FROM state_refs WHERE (kind, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))', [kinds, ids]);
  const refs = objects.flatMap((w) => refsOf(w.object).map((ref) => [ref, w.object.kind, w.object.id] as const));
  if (refs.length === 0) return;
  await client.query(
    'INSERT INTO state_refs (ref, kind, id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING',
    [refs.map((r) => r[0]), refs.map((r) => r[1]), refs.map((r) => r[2])],
  );
}

async function insertEvents(client: ClientBase, batch: CommitBatch): Promise<void> {
  const ev = batch.events;
  if (ev.length === 0) return;
  await client.query(
    'INSERT INTO events (idx, seq, value) SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[])',
    [ev.map((e) => e.index), ev.map((e) => e.seq), ev.map((e) => JSON.stringify(e.event))],
  );
  const refs = ev.flatMap((e) => eventRefs(e.event).map((ref) => [ref, e.index, e.seq] as const));
  if (refs.length === 0) return;
  await client.query(
    'INSERT INTO event_refs (ref, idx, seq) SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[]) ON CONFLICT DO NOTHING',
    [refs.map((r) => r[0]), refs.map((r) => r[1]), refs.map((r) => r[2])],
  );
}
