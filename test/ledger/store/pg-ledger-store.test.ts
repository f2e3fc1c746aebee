// The PostgreSQL LedgerStore against the real server (LH_TEST_PG_URL): the shared conformance suite unchanged, then
// what only a shared database has to get right — the sequencer lock, migrations racing, unique violations, BIGINT.
import assert from 'node:assert/strict';
import { emptyEdge } from '../../../ledger/merkle/compact-range.js';
import { SequenceConflict } from '../../../ledger/store/ledger-store.js';
import { DuplicateEntryError, PgLedgerStore } from '../../../ledger/store/pg/pg-ledger-store.js';
import { migratePg } from '../../../ledger/store/pg/migrations.js';
import { openPgPool } from '../../../ledger/store/pg/pg-pool.js';
import { createTestSchema, describePg, type TestSchema } from '../../support/pg.js';
import { ledgerStoreConformance, makeBatch } from './ledger-store-conformance.js';

describePg('PgLedgerStore', (url) => {
  ledgerStoreConformance('PostgreSQL (fresh schema)', async () => {
    const schema = await createTestSchema(url);
    let store = await PgLedgerStore.open(schema.pool(), { ownsPool: true });
    return {
      store,
      async reopen() {
        await store.close();
        store = await PgLedgerStore.open(schema.pool(), { ownsPool: true });
        return store;
      },
      async cleanup() {
        await store.close();
        await schema.drop();
      },
    };
  });

  describe('PostgreSQL specifics', () => {
    let schema: TestSchema;
    beforeEach(async () => {
      schema = await createTestSchema(url);
    });
    afterEach(async () => {
      await schema.drop();
    });

    it('When two stores commit a batch at the same index at once, then exactly one lands and the other gets SequenceConflict', async () => {
      const [a, b] = await Promise.all([PgLedgerStore.open(schema.pool()), PgLedgerStore.open(schema.pool())]);
      await a.commit(makeBatch(emptyEdge(), 2).batch);
      const one = makeBatch({ size: 2, hashes: await a.nodes([{ level: 1, index: 0 }]) }, 3, { tag: 'a' });
      const two = makeBatch({ size: 2, hashes: await a.nodes([{ level: 1, index: 0 }]) }, 2, { tag: 'b' });
      const results = await Promise.allSettled([a.commit(one.batch), b.commit(two.batch)]);
      const rejected = results.filter((r) => r.status === 'rejected');
      assert.equal(rejected.length, 1);
      assert.ok((rejected[0] as PromiseRejectedResult).reason instanceof SequenceConflict);
      const size = await a.size();
      assert.ok(size === 5 || size === 4);
      assert.deepEqual((await b.entries(0, 10)).map((e) => e.index), Array.from({ length: size }, (_, i) => i));
      assert.equal((await b.latestCheckpoint())?.size, size);
    });

    it('When another session holds the sequencer lock, then a commit waits for it and then lands', async () => {
      const store = await PgLedgerStore.open(schema.pool());
      const holder = await store.pool.connect();
      try {
        await holder.query('SELECT pg_advisory_lock($1, $2)', [...store.lockKey]);
        let done = false;
        const commit = store.commit(makeBatch(emptyEdge(), 2).batch).then(() => {
          done = true;
        });
        await new Promise((r) => setTimeout(r, 150));
        assert.equal(done, false, 'the commit must wait for the lock');
        assert.equal(await store.size(), 0);
        await holder.query('SELECT pg_advisory_unlock($1, $2)', [...store.lockKey]);
        await commit;
        assert.equal(await store.size(), 2);
      } finally {
        holder.release();
      }
    });

    it('When a sequencer stalls mid-commit holding the lock, then the server ends its session and the next commit lands', async () => {
      const store = await PgLedgerStore.open(schema.pool());
      const stalled = openPgPool({ connectionString: url, schema: schema.name, max: 1, idleInTransactionTimeoutMs: 300 });
      const client = await stalled.connect();
      const ended = new Promise<Error>((resolve) => client.on('error', resolve));
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', [...store.lockKey]);
        const t0 = Date.now();
        await store.commit(makeBatch(emptyEdge(), 1).batch); // waits for the stalled session to be ended
        assert.ok(Date.now() - t0 >= 200, 'the commit waited for the lock');
        assert.match(String(await ended), /idle-in-transaction timeout|terminat/i);
        assert.equal(await store.size(), 1);
      } finally {
        client.release(true);
        await stalled.end();
      }
    });

    it('When a batch repeats a committed transaction or nonce, then the store throws DuplicateEntryError and keeps nothing', async () => {
      const store = await PgLedgerStore.open(schema.pool());
      const first = makeBatch(emptyEdge(), 2);
      await store.commit(first.batch);
      const next = makeBatch(first.edge, 1);
      const sameTx = { ...next.batch.entries[0]!, txHash: first.batch.entries[1]!.txHash };
      await assert.rejects(store.commit({ ...next.batch, entries: [sameTx] }), (e: unknown) => e instanceof DuplicateEntryError && e.constraint === 'tx_hash');
      const sameNonce = { ...next.batch.entries[0]!, nonce: first.batch.entries[0]!.nonce };
      await assert.rejects(store.commit({ ...next.batch, entries: [sameNonce] }), (e: unknown) => e instanceof DuplicateEntryError && e.constraint === 'signer_nonce');
      assert.equal(await store.size(), 2);
      await store.commit(next.batch);
      assert.equal(await store.size(), 3, 'the connection is still usable after the refused batches');
    });

    it('When a writer bypassed the lock and a checkpoint of the batch size exists, then the key refuses it as a SequenceConflict', async () => {
      const store = await PgLedgerStore.open(schema.pool());
      const first = makeBatch(emptyEdge(), 2);
      await store.commit(first.batch);
      const next = makeBatch(first.edge, 2);
      await store.pool.query("INSERT INTO checkpoints (size, root_hash, note) VALUES (4, $1, 'forged')", [new Uint8Array(32)]);
      await assert.rejects(store.commit(next.batch), SequenceConflict);
      assert.equal(await store.size(), 2, 'none of the batch was written');
      assert.equal((await store.checkpointAt(4))?.note, 'forged', 'and the existing checkpoint was not replaced');
    });

    it('When several instances start on an empty schema at once, then the migrations run once and all of them open', async () => {
      const stores = await Promise.all(Array.from({ length: 4 }, () => PgLedgerStore.open(schema.pool(2))));
      const { rows } = await stores[0]!.pool.query("SELECT version FROM schema_versions WHERE scope = 'ledger'");
      assert.deepEqual(rows, [{ version: 1 }]);
      await stores[1]!.commit(makeBatch(emptyEdge(), 1).batch);
      assert.equal(await stores[3]!.size(), 1);
    });

    it('When the schema was migrated by a newer build, then opening refuses and names the versions', async () => {
      const pool = schema.pool();
      await PgLedgerStore.open(pool);
      await pool.query("UPDATE schema_versions SET version = 99 WHERE scope = 'ledger'");
      await assert.rejects(migratePg(pool, 'ledger', [{ version: 1, sql: 'SELECT 1' }]), /version 99, newer than this build knows \(1\)/);
    });

    it('When opened without migrating (a read replica), then it needs a schema at this version and then reads it', async () => {
      const pool = schema.pool();
      await assert.rejects(PgLedgerStore.open(pool, { migrate: false }), /'ledger' is at version 0, this build needs 1/);
      const writer = await PgLedgerStore.open(pool);
      await writer.commit(makeBatch(emptyEdge(), 2).batch);
      const reader = await PgLedgerStore.open(pool, { migrate: false });
      assert.equal(await reader.size(), 2);
    });

    it('When BIGINT values come back, then they are exact JS numbers, and one past 2^53 - 1 is refused rather than rounded', async () => {
      const pool = schema.pool();
      const { rows } = await pool.query('SELECT $1::bigint AS n', [2 ** 40 + 1]);
      assert.equal(rows[0].n, 2 ** 40 + 1);
      await assert.rejects(pool.query("SELECT '9007199254740993'::bigint AS n"), RangeError);
    });
  });
});
