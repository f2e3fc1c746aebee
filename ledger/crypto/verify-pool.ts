// Ed25519 verification off the main thread: a pool of worker_threads, each running FastVerifier (so the workers
// apply THE RULE of ed25519.ts through literally the same code as in-thread checks). Callers hand in single jobs;
// jobs queued in the same turn of the event loop are packed into batches (one transferable buffer each) and spread
// over the workers. Node only.
//
// Failure behaviour: a job with a non-Uint8Array field is misuse and rejects with TypeError; a batch the worker
// could not process rejects with VerifyPoolError; a worker that dies rejects its in-flight batches with
// VerifyPoolError and is replaced. Callers that must not lose work fall back to verifying in-thread on rejection.
// An idle pool does not keep the process alive; close() finishes in-flight batches and stops the threads.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type Ed25519Engine, defaultEngine } from './ed25519-node.js';
import { packBatch, type VerifyJob } from './verify-batch.js';
import type { WorkerAnswer, WorkerData, WorkerRequest } from './verify-worker.js';
import { checkNice } from '../threads/thread-priority.js';

export type { VerifyJob } from './verify-batch.js';

const WORKER_ENTRY = new URL('./verify-worker.mjs', import.meta.url);

export class VerifyPoolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerifyPoolError';
  }
}

export interface VerifyPoolOptions {
  /** Worker threads. Default: the cores minus one for the caller's thread, at least one. */
  readonly size?: number;
  /** Most jobs in one message to a worker. Default 256. */
  readonly maxBatch?: number;
  /** The engine every worker's FastVerifier uses. Default: defaultEngine(). */
  readonly engine?: Ed25519Engine;
  /**
   * Nice value of the worker threads (Linux; 0..19). Default 0: the caller's priority. A node sets it higher so
   * that its event loop, which serves requests, gets a core first (see ledger/threads/thread-priority.ts).
   */
  readonly nice?: number;
}

interface Waiting {
  readonly job: VerifyJob;
  readonly resolve: (ok: boolean) => void;
  readonly reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Batches sent and not yet answered, by request id. */
  readonly inFlight: Map<number, Waiting[]>;
  jobs: number;
}

/** Default pool size on this machine: one thread per core, less the caller's own. */
export function defaultPoolSize(): number {
  return Math.max(1, availableParallelism() - 1);
}

export class VerifyPool {
  readonly #slots: Slot[] = [];
  readonly #maxBatch: number;
  readonly engine: Ed25519Engine;
  readonly #nice: number;
  #waiting: Waiting[] = [];
  #flushScheduled = false;
  #nextId = 1;
  #closed = false;
  #broken: string | undefined;
  #drained: (() => void) | undefined;
  /** Workers replaced after a crash (for tests and diagnostics). */
  replacements = 0;
  /** Signatures the workers have answered for (diagnostics: benchmarks count the work moved off the caller's thread). */
  verified = 0;
  #jobMs: number | undefined;

  constructor(opts: VerifyPoolOptions = {}) {
    const size = opts.size ?? defaultPoolSize();
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`size: expected a positive integer, got ${size}`);
    this.#maxBatch = opts.maxBatch ?? 256;
    this.engine = opts.engine ?? defaultEngine();
    this.#nice = checkNice(opts.nice ?? 0);
    if (!Number.isSafeInteger(this.#maxBatch) || this.#maxBatch < 1) throw new RangeError(`maxBatch: expected a positive integer, got ${this.#maxBatch}`);
    for (let i = 0; i < size; i++) this.#slots.push(this.#start());
  }

  get size(): number {
    return this.#slots.length;
  }

  /** True once a worker has started and while the pool takes jobs (callers may skip the pool until then). */
  get ready(): boolean {
    return !this.#closed && this.#broken === undefined && this.#slots.some((s) => s.ready);
  }

  /** Jobs queued or in flight. */
  get pending(): number {
    return this.#waiting.length + this.#slots.reduce((n, s) => n + s.jobs, 0);
  }

  /** Verify one signature by THE RULE; resolves true/false like FastVerifier.verify. */
  verify(sig: Uint8Array, msg: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
    if (this.#closed) return Promise.reject(new VerifyPoolError('the verification pool is closed'));
    if (this.#broken !== undefined) return Promise.reject(new VerifyPoolError(this.#broken));
    for (const [v, field] of [[sig, 'sig'], [msg, 'msg'], [publicKey, 'publicKey']] as const) {
      if (!(v instanceof Uint8Array)) return Promise.reject(new TypeError(`${field}: expected Uint8Array`));
    }
    return new Promise<boolean>((resolve, reject) => {
      this.#waiting.push({ job: { sig, msg, publicKey }, resolve, reject });
      this.#scheduleFlush();
    });
  }

  /**
   * A worker's milliseconds per signature, as the workers measure their own batches (a running average; undefined
   * before the first answer). Callers that split work between themselves and the pool use it (ordered-checks.ts).
   */
  get jobMs(): number | undefined {
    return this.#jobMs;
  }

  /** Verify many; one verdict per job, in order. The jobs are sent at once: the caller has the whole batch. */
  verifyAll(jobs: readonly VerifyJob[]): Promise<boolean[]> {
    const verdicts = Promise.all(jobs.map((j) => this.verify(j.sig, j.msg, j.publicKey)));
    this.#flush();
    return verdicts;
  }

  /** Stop accepting jobs, let queued and in-flight batches finish, stop the threads. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#flush();
    if (this.pending > 0) await new Promise<void>((r) => (this.#drained = r));
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }

  /** Test hook: make one worker exit abruptly, as a crash would. */
  crashOneWorker(): void {
    this.#slots[0]?.worker.postMessage({ id: 0, crash: true } satisfies WorkerRequest);
  }

  /** Test hook: send a batch whose lengths do not match its bytes; resolves to the worker's refusal. */
  sendCorruptBatch(): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const slot = this.#slots[0]!;
      const id = this.#nextId++;
      slot.inFlight.set(id, [{ job: { sig: new Uint8Array(), msg: new Uint8Array(), publicKey: new Uint8Array() }, resolve, reject }]);
      slot.jobs++;
      slot.worker.ref();
      slot.worker.postMessage({ id, batch: { bytes: new ArrayBuffer(8), lengths: Uint32Array.of(64, 32, 0) } } satisfies WorkerRequest);
    });
  }

  #start(): Slot {
    const worker = new Worker(WORKER_ENTRY, { execArgv: [], workerData: { engine: this.engine, nice: this.#nice } satisfies WorkerData });
    const slot: Slot = { worker, ready: false, inFlight: new Map(), jobs: 0 };
    worker.on('message', (m: WorkerAnswer | { ready: true }) => this.#onMessage(slot, m));
    worker.on('error', (e) => this.#onDeath(slot, `a verification worker failed: ${e.message}`));
    worker.on('exit', (code) => this.#onDeath(slot, `a verification worker exited (code ${code})`));
    worker.unref(); // after the listeners: an idle pool must not keep the process alive
    return slot;
  }

  #onMessage(slot: Slot, m: WorkerAnswer | { ready: true }): void {
    if ('ready' in m) {
      slot.ready = true;
      return;
    }
    const batch = slot.inFlight.get(m.id);
    if (batch === undefined) return;
    slot.inFlight.delete(m.id);
    slot.jobs -= batch.length;
    if (slot.inFlight.size === 0) slot.worker.unref();
    if (m.ok) {
      this.verified += batch.length;
      if (batch.length > 0) {
        const ms = m.busyMs / batch.length;
        this.#jobMs = this.#jobMs === undefined ? ms : (3 * this.#jobMs + ms) / 4;
      }
      batch.forEach((w, i) => w.resolve(m.verdicts[i] === 1));
    } else {
      for (const w of batch) w.reject(new VerifyPoolError(`verification batch failed in the worker: ${m.message}`));
    }
    this.#checkDrained();
  }

  /** A worker died ('error' then 'exit', or 'exit' alone): reject what it held, replace it. */
  #onDeath(slot: Slot, why: string): void {
    const i = this.#slots.indexOf(slot);
    if (i < 0) return; // already handled (error is followed by exit)
    for (const batch of slot.inFlight.values()) for (const w of batch) w.reject(new VerifyPoolError(why));
    slot.inFlight.clear();
    slot.jobs = 0;
    if (this.#closed) {
      this.#checkDrained();
      return;
    }
    if (!slot.ready) {
      // It never started: a replacement would fail the same way. Refuse further work with the reason.
      this.#broken = why;
      this.#slots.splice(i, 1);
      for (const w of this.#waiting.splice(0)) w.reject(new VerifyPoolError(why));
      if (this.#slots.length === 0) return;
    } else {
      this.#slots[i] = this.#start();
      this.replacements++;
    }
    this.#checkDrained();
  }

  #checkDrained(): void {
    if (this.#drained !== undefined && this.pending === 0) this.#drained();
  }

  #scheduleFlush(): void {
    if (this.#waiting.length >= this.#maxBatch * this.#slots.length) {
      this.#flush();
      return;
    }
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  /** Spread everything waiting over the workers, least loaded first, in batches of at most maxBatch. */
  #flush(): void {
    const waiting = this.#waiting;
    if (waiting.length === 0 || this.#slots.length === 0) return;
    this.#waiting = [];
    const per = Math.min(this.#maxBatch, Math.ceil(waiting.length / this.#slots.length));
    for (let start = 0; start < waiting.length; start += per) {
      const batch = waiting.slice(start, start + per);
      const slot = this.#slots.reduce((a, b) => (b.jobs < a.jobs ? b : a));
      const id = this.#nextId++;
      const packed = packBatch(batch.map((w) => w.job));
      slot.inFlight.set(id, batch);
      slot.jobs += batch.length;
      slot.worker.ref();
      slot.worker.postMessage({ id, batch: packed } satisfies WorkerRequest, [packed.bytes, packed.lengths.buffer as ArrayBuffer]);
    }
  }
}
