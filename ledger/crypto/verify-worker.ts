// The body of one verification worker thread (started by verify-pool.ts through verify-worker.mjs): answers each
// packed batch with its verdicts, using FastVerifier — the very code, and so the very rule, of in-thread checks.
// A message { crash: true } makes the thread exit abruptly; the pool's tests use it to check recovery.
import { parentPort, workerData } from 'node:worker_threads';
import { type Ed25519Engine, FastVerifier } from './ed25519-node.js';
import { setThreadNice } from '../threads/thread-priority.js';
import { verifyPacked, type PackedBatch } from './verify-batch.js';

export interface WorkerData {
  readonly engine: Ed25519Engine;
  /** This thread's nice value (thread-priority.ts); 0 leaves it at the parent's. */
  readonly nice: number;
}

export interface WorkerRequest {
  readonly id: number;
  readonly batch?: PackedBatch;
  /** Test hook: exit without answering, as a crashed thread would. */
  readonly crash?: boolean;
}

export type WorkerAnswer =
  | { readonly id: number; readonly ok: true; readonly verdicts: Uint8Array; /** Time the worker spent on the batch. */ readonly busyMs: number }
  | { readonly id: number; readonly ok: false; readonly message: string };

export function serve(): void {
  const port = parentPort;
  if (port === null) throw new Error('verify-worker.ts must run in a worker thread');
  const verifier = new FastVerifier({ engine: (workerData as WorkerData).engine });
  const { nice } = workerData as WorkerData;
  if (nice > 0) setThreadNice(nice);
  port.on('message', (req: WorkerRequest) => {
    if (req.crash === true) process.exit(70);
    let answer: WorkerAnswer;
    try {
      if (req.batch === undefined) throw new TypeError('batch: missing');
      const t0 = performance.now();
      const verdicts = verifyPacked(req.batch, verifier);
      answer = { id: req.id, ok: true, verdicts, busyMs: performance.now() - t0 };
    } catch (e) {
      answer = { id: req.id, ok: false, message: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(answer, answer.ok ? [answer.verdicts.buffer as ArrayBuffer] : []);
  });
  port.postMessage({ ready: true });
}
