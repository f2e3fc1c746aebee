import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FastVerifier, signFast } from '../../../ledger/crypto/ed25519-node.js';
import { publicKeyFromSeed } from '../../../ledger/crypto/ed25519.js';
import { packBatch, verifyPacked } from '../../../ledger/crypto/verify-batch.js';
import { VerifyPool, VerifyPoolError } from '../../../ledger/crypto/verify-pool.js';
import { utf8 } from '../../../ledger/encoding/bytes.js';
import { projectRoot } from '../../support/cli.js';
import { disagreements, withEd25519Cases } from './ed25519-cases.js';

const CHILD = fileURLToPath(new URL('./verify-pool-child.ts', import.meta.url));

function keyPair(n: number): { seed: Uint8Array; publicKey: Uint8Array } {
  const seed = new Uint8Array(32).fill(n);
  return { seed, publicKey: publicKeyFromSeed(seed) };
}

function runChild(mode: string): Promise<{ code: number | null; stdout: string; ms: number }> {
  const t0 = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the child (${mode}) did not exit within 45 s: the pool keeps the process alive`));
    }, 45_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, ms: Date.now() - t0 });
    });
  });
}

describe('ledger/crypto/verify-pool (worker_threads)', function () {
  this.timeout(90_000);
  let pool: VerifyPool;
  before(() => {
    pool = new VerifyPool({ size: 2, maxBatch: 64 });
  });
  after(() => pool.close());

  withEd25519Cases('pool verify', (cases, file) => {
    it(`When every ${file} vector (${cases.length}) is verified in the pool, then each verdict matches THE RULE and FastVerifier`, async () => {
      const verdicts = await pool.verifyAll(cases);
      const byId = new Map(cases.map((c, i) => [c.id, verdicts[i]!]));
      assert.deepEqual(disagreements(cases, (c) => byId.get(c.id)!), []);
      const fast = new FastVerifier();
      assert.deepEqual(cases.filter((c, i) => verdicts[i] !== fast.verify(c.sig, c.msg, c.publicKey)).map((c) => c.id), []);
    });
  });

  it('When thousands of good and tampered jobs are queued in one turn, then each gets its own verdict, in order', async () => {
    const jobs = Array.from({ length: 3000 }, (_, i) => {
      const { seed, publicKey } = keyPair(1 + (i % 5));
      const msg = utf8(`message ${i}`);
      const sig = signFast(seed, msg);
      if (i % 3 === 1) sig[5] = sig[5]! ^ 1;
      return { sig, msg: i % 3 === 2 ? utf8(`other ${i}`) : msg, publicKey };
    });
    const verdicts = await pool.verifyAll(jobs);
    assert.deepEqual(verdicts, jobs.map((_, i) => i % 3 === 0));
    // The workers' own measure of a signature's cost, which callers splitting work with the pool use.
    assert.ok(pool.jobMs !== undefined && pool.jobMs > 0 && pool.jobMs < 50, String(pool.jobMs));
  });

  it('When a signature or key has the wrong length, then it does not verify (false), as in-thread', async () => {
    const { seed, publicKey } = keyPair(9);
    const msg = utf8('m');
    const sig = signFast(seed, msg);
    assert.deepEqual(await pool.verifyAll([
      { sig: sig.subarray(0, 63), msg, publicKey },
      { sig, msg, publicKey: publicKey.subarray(0, 31) },
      { sig: new Uint8Array(0), msg, publicKey: new Uint8Array(0) },
      { sig, msg, publicKey },
    ]), [false, false, false, true]);
  });

  it('When a field is not a Uint8Array, then verify rejects with a TypeError naming it', async () => {
    const bad = 'not bytes' as unknown as Uint8Array;
    await assert.rejects(pool.verify(bad, new Uint8Array(1), new Uint8Array(32)), /TypeError: sig: expected Uint8Array/);
    await assert.rejects(pool.verify(new Uint8Array(64), bad, new Uint8Array(32)), /msg: expected Uint8Array/);
    await assert.rejects(pool.verify(new Uint8Array(64), new Uint8Array(1), bad), /publicKey: expected Uint8Array/);
  });

  it('When the worker cannot process a batch, then that batch rejects with VerifyPoolError and the pool goes on', async () => {
    await assert.rejects(pool.sendCorruptBatch(), (e: unknown) => e instanceof VerifyPoolError && /lengths .* do not describe/.test(e.message));
    const { seed, publicKey } = keyPair(4);
    assert.equal(await pool.verify(signFast(seed, utf8('after')), utf8('after'), publicKey), true);
  });

  it('When a worker crashes with a batch in flight, then the batch rejects, the worker is replaced and later jobs verify', async () => {
    const single = new VerifyPool({ size: 1 });
    try {
      const { seed, publicKey } = keyPair(6);
      const msg = utf8('before');
      assert.equal(await single.verify(signFast(seed, msg), msg, publicKey), true); // worker running
      single.crashOneWorker();
      await assert.rejects(single.verify(signFast(seed, msg), msg, publicKey), (e: unknown) => e instanceof VerifyPoolError && /exited \(code 70\)/.test(e.message));
      assert.equal(single.replacements, 1);
      assert.equal(single.size, 1);
      assert.equal(await single.verify(signFast(seed, utf8('later')), utf8('later'), publicKey), true);
    } finally {
      await single.close();
    }
  });

  it('When the pool is closed, then queued jobs still finish and new jobs reject', async () => {
    const p = new VerifyPool({ size: 1 });
    const { seed, publicKey } = keyPair(7);
    const msg = utf8('queued');
    const queued = p.verify(signFast(seed, msg), msg, publicKey);
    await p.close();
    assert.equal(await queued, true);
    await assert.rejects(p.verify(signFast(seed, msg), msg, publicKey), /the verification pool is closed/);
    await p.close(); // idempotent
  });

  it('When the size is not a positive integer, then the constructor throws a RangeError naming it', () => {
    assert.throws(() => new VerifyPool({ size: 0 }), /RangeError: size: expected a positive integer, got 0/);
    assert.throws(() => new VerifyPool({ maxBatch: 1.5 }), /maxBatch: expected a positive integer/);
  });

  it('When a batch is packed and verified in-thread, then the verdicts equal FastVerifier on each job', () => {
    const { seed, publicKey } = keyPair(8);
    const jobs = [utf8('a'), utf8(''), utf8('ccc')].map((msg, i) => ({ sig: signFast(seed, i === 1 ? utf8('x') : msg), msg, publicKey }));
    assert.deepEqual([...verifyPacked(packBatch(jobs), new FastVerifier())], [1, 0, 1]);
  });

  for (const mode of ['close', 'forget']) {
    it(`When a process uses a pool and then ${mode === 'close' ? 'closes it' : 'forgets to close it'}, then the process still exits on its own`, async () => {
      const r = await runChild(mode);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, 'verdict true\n');
    });
  }
});
