// Three sequencer processes on one PostgreSQL log, one of them SIGKILLed mid-stream: the advisory lock serialises
// their appends, so the log stays dense, free of duplicates, with one consistent checkpoint per size, audits clean,
// and keeps every commit any process acknowledged. Children: test/scale/pg-sequencer-child.ts.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { auditLedger } from '../../ledger/auditor/verify-ledger.js';
import { storeSource } from '../../ledger/auditor/store-source.js';
import { ManualClock } from '../../ledger/clock.js';
import { FastVerifier } from '../../ledger/crypto/ed25519-node.js';
import { CommitPipeline } from '../../ledger/pipeline/commit-pipeline.js';
import { LogSigner } from '../../ledger/pipeline/log-signer.js';
import { PgLedgerStore } from '../../ledger/store/pg/pg-ledger-store.js';
import { contractServices, OPERATOR_ID } from '../../server/system.js';
import { ORIGIN, buildTx, testKey } from '../support/ledger-harness.js';
import { createTestSchema, describePg } from '../support/pg.js';

const CHILD_SCRIPT = fileURLToPath(new URL('./pg-sequencer-child.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PER_CHILD = 20;
/** The victim is killed once it has acknowledged this many commits. */
const KILL_AFTER = 6;

interface Reported {
  readonly nonce: string;
  readonly index: number;
  readonly txHash: string;
}

interface Sequencer {
  readonly name: string;
  readonly proc: ChildProcess;
  readonly committed: Reported[];
  /** Submissions the child had to resubmit because the log kept moving (LOG_BUSY). */
  retries: number;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  done: boolean;
}

function startSequencer(name: string, url: string, schema: string, onLine: (s: Sequencer) => void): Sequencer {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT], {
    cwd: REPO_ROOT,
    env: { ...process.env, LH_TEST_PG_URL: url, LH_SCHEMA: schema, LH_CHILD: name, LH_COUNT: String(PER_CHILD), LH_IN_FLIGHT: '6' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    proc.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
  const s: Sequencer = { name, proc, committed: [], retries: 0, exit, done: false };
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    const msg = JSON.parse(line) as { committed?: Reported; done?: { retries: number } };
    if (msg.committed !== undefined) s.committed.push(msg.committed);
    if (msg.done !== undefined) {
      s.done = true;
      s.retries = msg.done.retries;
    }
    onLine(s);
  });
  return s;
}

describePg('Sequencer processes on one PostgreSQL log', (url) => {
  it('When three processes append at once and one is SIGKILLed mid-stream, then the log is dense, unique, consistently checkpointed, audits clean and keeps every acknowledged commit', async function () {
    this.timeout(120_000);
    const schema = await createTestSchema(url);
    const store = await PgLedgerStore.open(schema.pool(4));
    const fast = new FastVerifier();
    const verify = (s: Uint8Array, m: Uint8Array, k: Uint8Array) => fast.verify(s, m, k);
    const signer = new LogSigner(ORIGIN, testKey('log').seed);
    const sequencers: Sequencer[] = [];
    try {
      const genesis = await CommitPipeline.open({ store, clock: new ManualClock(), signer, verify, services: contractServices() });
      const operator = testKey(OPERATOR_ID);
      await genesis.submit(buildTx('ledger.genesis', { origin: ORIGIN, operator: { id: OPERATOR_ID, name: 'Op', publicKey: operator.publicKeyB64 } }, [operator]));
      await genesis.close();

      let killedAt = -1;
      const kill = (s: Sequencer): void => {
        if (s.name !== 'victim' || killedAt >= 0 || s.committed.length < KILL_AFTER) return;
        killedAt = s.committed.length;
        s.proc.kill('SIGKILL');
      };
      for (const name of ['victim', 'a', 'b']) sequencers.push(startSequencer(name, url, schema.name, kill));
      const [victim, a, b] = sequencers as [Sequencer, Sequencer, Sequencer];
      const exits = await Promise.all(sequencers.map((s) => s.exit));

      assert.equal(exits[0]!.signal, 'SIGKILL', `the victim was killed (exit ${exits[0]!.code}: ${exits[0]!.stderr})`);
      assert.ok(!victim.done && victim.committed.length < PER_CHILD, 'killed mid-stream');
      for (const [s, e] of [[a, exits[1]!], [b, exits[2]!]] as const) {
        assert.equal(e.code, 0, `${s.name} exited cleanly: ${e.stderr}`);
        assert.ok(s.done);
        assert.equal(new Set(s.committed.map((c) => c.nonce)).size, PER_CHILD, `${s.name} committed all its submissions`);
      }

      // Dense indices, no duplicate transaction.
      const n = await store.size();
      const entries = await store.entries(0, n);
      assert.deepEqual(entries.map((e) => e.index), Array.from({ length: n }, (_, i) => i), 'indices dense 0..n-1');
      assert.equal(new Set(entries.map((e) => e.txHash)).size, n, 'no transaction twice');
      assert.equal(new Set(entries.map((e) => `${e.signer}\n${e.nonce}`)).size, n, 'no (signer, nonce) twice');
      const victimsInLog = entries.filter((e) => e.nonce.startsWith('victim-')).length;
      assert.ok(victimsInLog >= killedAt, `the victim's acknowledged commits are kept (${victimsInLog} ≥ ${killedAt})`);
      assert.equal(n, 1 + 2 * PER_CHILD + victimsInLog);

      // Every acknowledged commit is in the log, at the index reported.
      for (const s of sequencers) {
        for (const c of s.committed) {
          const e = entries[c.index];
          assert.ok(e !== undefined && e.txHash === c.txHash && e.nonce === c.nonce, `${s.name}'s ${c.nonce} at index ${c.index}`);
        }
      }

      // Exactly one checkpoint per size, the latest covering the whole log; auditLedger checks each one's signature
      // and root against the recomputed tree, and every stored node and projection.
      const { rows } = await store.pool.query<{ size: number; copies: number }>('SELECT size, count(*)::int AS copies FROM checkpoints GROUP BY size ORDER BY size');
      assert.ok(rows.every((r) => r.copies === 1));
      assert.equal(rows.at(-1)?.size, n);
      const report = await auditLedger(storeSource(store), { logKey: signer.verifierKey, verify, services: contractServices() });
      assert.equal(report.ok, true, report.finding?.what);
      assert.equal(report.checkpointsVerified, rows.length + 1, 'every stored checkpoint verified (the latest twice)');

      // A new sequencer resumes on the log the killed one left.
      const after = await CommitPipeline.open({ store, clock: new ManualClock(), signer, verify, services: contractServices() });
      const more = await after.submit(buildTx('party.register', { id: 'p-after', role: 'holder', name: 'after', publicKey: testKey('p-after').publicKeyB64 }, [operator]));
      assert.equal(more.index, n);
      await after.close();
      console.log(`      (${n} entries, ${rows.length} checkpoints; victim killed after ${killedAt} acknowledged commits, `
        + `${victimsInLog} in the log; resubmissions after LOG_BUSY: a ${a.retries}, b ${b.retries})`);
    } finally {
      for (const s of sequencers) if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGKILL');
      await store.close();
      await schema.drop();
    }
  });
});
