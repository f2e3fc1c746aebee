import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signFast } from '../../../ledger/crypto/ed25519-node.js';
import { publicKeyFromSeed } from '../../../ledger/crypto/ed25519.js';
import { VerifyPool } from '../../../ledger/crypto/verify-pool.js';
import { setThreadNice } from '../../../ledger/threads/thread-priority.js';
import { ThreadedSqliteTelemetryStore } from '../../../iot-gateway/store/threaded-sqlite-telemetry-store.js';
import { niceOf, threadNices, threadNiceVisible } from '../../support/thread-nice.js';

/** Runs setThreadNice(nice) in a fresh worker thread; resolves with what it returned and the thread's id. */
function inWorker(nice: number): Promise<{ set: boolean; tid: number; worker: Worker }> {
  const url = new URL('../../../ledger/threads/thread-priority.ts', import.meta.url).href;
  // The same start as the node's worker entries (*.mjs): the TypeScript module through tsx's scoped loader.
  const code = `
    const { parentPort } = require('node:worker_threads');
    const { readlinkSync } = require('node:fs');
    import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(url)}, ${JSON.stringify(url)})).then((m) => {
      const set = m.setThreadNice(${nice});
      parentPort.postMessage({ set, tid: Number(readlinkSync('/proc/thread-self').split('/').pop()) });
    });`;
  const worker = new Worker(code, { eval: true, execArgv: [] });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: { set: boolean; tid: number }) => resolve({ ...m, worker }));
    worker.once('error', reject);
  });
}

function skipWithoutThreadNice(this: Mocha.Context): void {
  if (!threadNiceVisible) {
    console.log('      (skipped: threads have no nice values of their own here — Linux only)');
    this.skip();
  }
}

describe('ledger/threads/thread-priority', function () {
  this.timeout(30_000);
  before(skipWithoutThreadNice);

  it('When a worker thread lowers its priority, then that thread has the nice value and the main thread keeps its own', async () => {
    const mainNice = niceOf(process.pid);
    const { set, tid, worker } = await inWorker(mainNice >= 12 ? 19 : mainNice + 7);
    try {
      assert.equal(set, true);
      assert.equal(niceOf(tid), mainNice >= 12 ? 19 : mainNice + 7);
      assert.equal(niceOf(process.pid), mainNice, 'the main thread is unchanged');
    } finally {
      await worker.terminate();
    }
  });

  it('When the value is outside 0..19 or not an integer, then it throws a RangeError naming it', () => {
    for (const bad of [-1, 20, 1.5, Number.NaN]) assert.throws(() => setThreadNice(bad), (e: unknown) => e instanceof RangeError && /nice/.test(e.message));
  });
});

describe('worker threads with a nice value (VerifyPool, ThreadedSqliteTelemetryStore)', function () {
  this.timeout(30_000);
  before(skipWithoutThreadNice);
  // A value no other thread of the test process has, above the process's own.
  const nice = (): number => Math.min(19, niceOf(process.pid) + 6);

  it('When a VerifyPool is given a nice value, then its worker threads run at it, verify as before, and the caller keeps its own', async () => {
    const mainNice = niceOf(process.pid);
    const before = threadNices().get(nice()) ?? 0;
    const pool = new VerifyPool({ size: 2, nice: nice() });
    try {
      const seed = new Uint8Array(32).fill(7);
      const msg = new TextEncoder().encode('reading');
      assert.equal(await pool.verify(signFast(seed, msg), msg, publicKeyFromSeed(seed)), true);
      assert.equal(await pool.verify(new Uint8Array(64), msg, publicKeyFromSeed(seed)), false);
      // Each worker sets its priority as it starts; the second may not have answered a job yet.
      const until = Date.now() + 10_000;
      while ((threadNices().get(nice()) ?? 0) < before + 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      assert.equal(threadNices().get(nice()) ?? 0, before + 2, `two more threads at nice ${nice()}: ${JSON.stringify([...threadNices()])}`);
      assert.equal(niceOf(process.pid), mainNice, 'the caller keeps its priority');
    } finally {
      await pool.close();
    }
  });

  it('When the telemetry store is opened with a nice value, then its writer thread runs at it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lh-nice-'));
    // The pool of the test before closed its threads, but a loaded machine may still list one as it exits: wait for
    // them to go, so that only the writer thread is counted (a full suite once saw 2 where 1 was due).
    const at = (): number => threadNices().get(nice()) ?? 0;
    const until = Date.now() + 10_000;
    while (at() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const before = at();
    const store = await ThreadedSqliteTelemetryStore.open(path.join(dir, 't.db'), { nice: nice() });
    try {
      assert.equal(at(), before + 1, `one more thread at nice ${nice()}: ${JSON.stringify([...threadNices()])}`);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('When the nice value is out of range, then the pool and the store refuse it with a RangeError', async () => {
    assert.throws(() => new VerifyPool({ size: 1, nice: 20 }), RangeError);
    await assert.rejects(ThreadedSqliteTelemetryStore.open(path.join(tmpdir(), 'never.db'), { nice: -1 }), RangeError);
  });
});
