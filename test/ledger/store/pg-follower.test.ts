// PgFollower against the real PostgreSQL: followers in other "instances" (their own pools) see every event once, in
// order, while a sequencer appends; they resume from an index; they catch up by polling when not listening.
import assert from 'node:assert/strict';
import { ManualClock } from '../../../ledger/clock.js';
import { FastVerifier } from '../../../ledger/crypto/ed25519-node.js';
import { emptyEdge } from '../../../ledger/merkle/compact-range.js';
import { CommitPipeline } from '../../../ledger/pipeline/commit-pipeline.js';
import { LogSigner } from '../../../ledger/pipeline/log-signer.js';
import type { EventRecord } from '../../../ledger/store/ledger-store.js';
import { PgFollower } from '../../../ledger/store/pg/pg-follower.js';
import { PgLedgerStore } from '../../../ledger/store/pg/pg-ledger-store.js';
import { contractServices, OPERATOR_ID } from '../../../server/system.js';
import { ORIGIN, buildTx, testKey } from '../../support/ledger-harness.js';
import { createTestSchema, describePg, type TestSchema } from '../../support/pg.js';
import { makeBatch } from './ledger-store-conformance.js';

const key = (e: EventRecord): string => `${e.index}/${e.seq}`;

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describePg('PgFollower', (url) => {
  let schema: TestSchema;
  beforeEach(async () => {
    schema = await createTestSchema(url);
  });
  afterEach(async () => {
    await schema.drop();
  });

  it('When a sequencer appends while two followers follow, then each sees every event once, in order, across a resume', async () => {
    const sequencerStore = await PgLedgerStore.open(schema.pool());
    const fast = new FastVerifier();
    const pipeline = await CommitPipeline.open({
      store: sequencerStore, clock: new ManualClock(), signer: new LogSigner(ORIGIN, testKey('log').seed),
      verify: (s, m, k) => fast.verify(s, m, k), services: contractServices(), maxBatch: 4,
    });
    const operator = testKey(OPERATOR_ID);
    await pipeline.submit(buildTx('ledger.genesis', { origin: ORIGIN, operator: { id: OPERATOR_ID, name: 'Op', publicKey: operator.publicKeyB64 } }, [operator]));

    // Two API instances: their own pools and followers. A long poll interval: after the first read, only NOTIFY wakes them.
    const [storeA, storeB] = await Promise.all([PgLedgerStore.open(schema.pool(2)), PgLedgerStore.open(schema.pool(2))]);
    const errors: unknown[] = [];
    const followerA = new PgFollower(storeA, { pollMs: 60_000, pageEntries: 3, onError: (e) => errors.push(e) });
    const followerB = new PgFollower(storeB, { pollMs: 60_000, onError: (e) => errors.push(e) });
    const seenA: EventRecord[] = [];
    const seenB: EventRecord[] = [];
    followerA.follow(0, (events) => {
      seenA.push(...events);
    });
    let resumeAt = -1;
    const first = followerB.follow(0, async (events, next) => {
      seenB.push(...events);
      resumeAt = next;
    });
    try {
      const register = (i: number) =>
        pipeline.submit(buildTx('party.register', { id: `p-${i}`, role: 'holder', name: `P${i}`, publicKey: testKey(`p-${i}`).publicKeyB64 }, [operator]));
      for (let wave = 0; wave < 5; wave++) {
        await Promise.all(Array.from({ length: 6 }, (_, i) => register(wave * 6 + i)));
        if (wave === 1) {
          await until('follower B to see the first waves', () => resumeAt >= 13);
          await first.stop();
          followerB.follow(first.next, (events) => {
            seenB.push(...events);
          });
        }
      }
      const all = await sequencerStore.events(0, 10_000);
      assert.ok(all.length >= 31, `every entry has an event (${all.length})`);
      await until('both followers to catch up', () => seenA.length >= all.length && seenB.length >= all.length);
      await new Promise((r) => setTimeout(r, 100)); // anything extra would arrive now
      assert.deepEqual(seenA.map(key), all.map(key));
      assert.deepEqual(seenB.map(key), all.map(key));
      assert.deepEqual(seenA, all);
      assert.deepEqual(errors, []);
    } finally {
      await followerA.close();
      await followerB.close();
      await pipeline.close();
    }
  });

  it('When LISTEN is off, then polling alone delivers each event once', async () => {
    const writer = await PgLedgerStore.open(schema.pool(2));
    const reader = await PgLedgerStore.open(schema.pool(2));
    const follower = new PgFollower(reader, { listen: false, pollMs: 20 });
    const seen: EventRecord[] = [];
    follower.follow(0, (events) => {
      seen.push(...events);
    });
    try {
      let edge = emptyEdge();
      for (const n of [2, 1, 4]) {
        const made = makeBatch(edge, n);
        await writer.commit(made.batch);
        edge = made.edge;
      }
      await until('the poller to catch up', () => seen.length >= 7);
      await new Promise((r) => setTimeout(r, 60));
      assert.deepEqual(seen.map(key), (await writer.events(0, 100)).map(key));
    } finally {
      await follower.close();
    }
  });

  it('When a handler fails, then its page is delivered again and the error reported, so every event is handled once', async () => {
    const writer = await PgLedgerStore.open(schema.pool(2));
    await writer.commit(makeBatch(emptyEdge(), 3).batch);
    const errors: unknown[] = [];
    const follower = new PgFollower(writer, { listen: false, pollMs: 20, onError: (e) => errors.push(e) });
    const handled: EventRecord[] = [];
    let calls = 0;
    const sub = follower.follow(1, (events) => {
      if (++calls === 1) throw new Error('webhook endpoint down');
      handled.push(...events);
    });
    try {
      await until('the retry', () => handled.length >= 2);
      assert.deepEqual(handled.map(key), ['1/0', '2/0']);
      assert.equal(sub.next, 3);
      assert.match(String(errors[0]), /webhook endpoint down/);
    } finally {
      await follower.close();
    }
  });
});
