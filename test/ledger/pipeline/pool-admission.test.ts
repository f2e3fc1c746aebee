import assert from 'node:assert/strict';
import { ManualClock } from '../../../ledger/clock.js';
import { FastVerifier, signFast } from '../../../ledger/crypto/ed25519-node.js';
import { VerifyPool } from '../../../ledger/crypto/verify-pool.js';
import { LedgerError } from '../../../ledger/errors.js';
import { CommitPipeline } from '../../../ledger/pipeline/commit-pipeline.js';
import { LogSigner } from '../../../ledger/pipeline/log-signer.js';
import { MemoryLedgerStore } from '../../../ledger/store/memory-ledger-store.js';
import { contractServices, OPERATOR_ID } from '../../../server/system.js';
import { buildTx, ORIGIN, testKey, type TestKey } from '../../support/ledger-harness.js';

interface PoolLedger {
  readonly pipeline: CommitPipeline;
  readonly operator: TestKey;
  /** Signatures the pipeline verified in-thread (not in the pool). */
  readonly inThread: { count: number };
  register(id: string): Promise<TestKey>;
}

async function poolLedger(pool: VerifyPool): Promise<PoolLedger> {
  const verifier = new FastVerifier();
  const inThread = { count: 0 };
  const pipeline = await CommitPipeline.open({
    store: new MemoryLedgerStore(), clock: new ManualClock(), signer: new LogSigner(ORIGIN, testKey('log').seed, signFast), pool,
    verify: (s, m, k) => {
      inThread.count++;
      return verifier.verify(s, m, k);
    },
    services: contractServices(),
  });
  const operator = testKey(OPERATOR_ID);
  await pipeline.submit(buildTx('ledger.genesis', { origin: ORIGIN, operator: { id: OPERATOR_ID, name: 'Operator', publicKey: operator.publicKeyB64 } }, [operator]));
  return {
    pipeline, operator, inThread,
    async register(id) {
      const key = testKey(id);
      await pipeline.submit(buildTx('party.register', { id, role: 'holder', name: id, publicKey: key.publicKeyB64 }, [operator]));
      return key;
    },
  };
}

async function poolReady(pool: VerifyPool): Promise<void> {
  for (let i = 0; i < 200 && !pool.ready; i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(pool.ready, 'the pool did not start within 5 s');
}

function code(e: unknown): string {
  return e instanceof LedgerError ? e.code : String(e);
}

describe('Commit pipeline with a verification pool', function () {
  this.timeout(30_000);
  let pool: VerifyPool;
  let l: PoolLedger;
  beforeEach(async () => {
    pool = new VerifyPool({ size: 1 });
    await poolReady(pool);
    l = await poolLedger(pool);
  });
  afterEach(async () => {
    await l.pipeline.close();
    await pool.close();
  });

  it('When signers are known to the sequencer, then their signatures are verified in the pool, not in-thread', async () => {
    const holders = await Promise.all(['p-1', 'p-2', 'p-3'].map((id) => l.register(id)));
    const before = l.inThread.count;
    const rotations = holders.map((h) => buildTx('party.rotateKey', { party: h.id, publicKey: testKey(h.id, 'new').publicKeyB64 }, [h]));
    const done = await Promise.all(rotations.map((t) => l.pipeline.submit(t)));
    assert.deepEqual(done.map((c) => c.duplicate), [false, false, false]);
    assert.equal(l.inThread.count, before);
  });

  it('When a forged signature is pre-verified in the pool, then it is refused with SIGNATURE_INVALID and nothing is written', async () => {
    await l.register('p-4');
    const size = l.pipeline.size;
    const before = l.inThread.count;
    const forged = buildTx('party.rotateKey', { party: 'p-4', publicKey: testKey('p-4', 'f').publicKeyB64 }, [testKey('p-4', 'attacker')]);
    await assert.rejects(l.pipeline.submit(forged), (e: unknown) => code(e) === 'SIGNATURE_INVALID');
    assert.equal(l.pipeline.size, size);
    assert.equal(l.inThread.count, before, 'the pool verdict was used');
  });

  it('When a key is rotated in the same batch, then a later tx signed with the old key is verified again against the new key and refused', async () => {
    const old = await l.register('p-5');
    const fresh = testKey('p-5', 'rotated');
    // Both are pre-verified against the old key (valid then); the rotation commits first in the batch.
    const rotate = l.pipeline.submit(buildTx('party.rotateKey', { party: 'p-5', publicKey: fresh.publicKeyB64 }, [old]));
    const stale = l.pipeline.submit(buildTx('party.rotateKey', { party: 'p-5', publicKey: testKey('p-5', 'x').publicKeyB64 }, [old]));
    const before = l.inThread.count;
    const [r, s] = await Promise.allSettled([rotate, stale]);
    assert.equal(r.status, 'fulfilled');
    assert.equal(s.status === 'rejected' && code(s.reason), 'SIGNATURE_INVALID');
    assert.equal(l.inThread.count, before + 1, 'only the signature whose key changed is verified in-thread');
    const ok = await l.pipeline.submit(buildTx('party.rotateKey', { party: 'p-5', publicKey: testKey('p-5', 'y').publicKeyB64 }, [fresh]));
    assert.equal(ok.duplicate, false);
  });

  it('When a worker crashes or the pool is closed, then submissions are verified in-thread and still commit', async () => {
    const h = await l.register('p-6');
    pool.crashOneWorker();
    const c1 = await l.pipeline.submit(buildTx('party.rotateKey', { party: 'p-6', publicKey: testKey('p-6', '1').publicKeyB64 }, [h]));
    assert.equal(c1.duplicate, false);
    await pool.close();
    const before = l.inThread.count;
    const c2 = await l.pipeline.submit(buildTx('party.rotateKey', { party: 'p-6', publicKey: testKey('p-6', '2').publicKeyB64 }, [testKey('p-6', '1')]));
    assert.equal(c2.index, c1.index + 1);
    assert.equal(l.inThread.count, before + 1);
  });
});
