// Signature checks taken off the caller's path but answered in the caller's order: the auditor replays page after
// page, hands each page's signatures to the pool, and learns about the first bad one in log order, exactly as if
// it had verified each one before moving on. A failing pool is not a verdict: its page is verified in-thread.
//
// Sharing the work: with one worker on two cores, verification alone can outlast the caller's own work per page,
// and the caller would sit idle waiting. So each page is split: the pool takes the head, the caller verifies the
// tail itself (with `fallback`, the same rule) right after handing the head over. The tail's share follows from
// what the last page cost (share.ts); it changes who verifies, never what is verified or the order of findings.
import { localShare } from './share.js';
import type { VerifyJob, VerifyPool } from './verify-pool.js';

export type VerifyFn = (sig: Uint8Array, msg: Uint8Array, publicKey: Uint8Array) => boolean;

export interface Check<T> {
  readonly job: VerifyJob;
  /** What to report when the signature does not verify (e.g. the entry index and signer). */
  readonly tag: T;
}

export interface OrderedChecksOptions {
  /** Pages in flight before `endPage` waits for the oldest. Default 2. */
  readonly depth?: number;
  /** Milliseconds from some fixed origin (default `performance.now`); only used to split pages. */
  readonly now?: () => number;
  /** A worker's milliseconds per verification on the same clock (default: the pool's own measure, `jobMs`). */
  readonly workerVerifyMs?: () => number | undefined;
}

export class OrderedChecks<T> {
  #page: Check<T>[] = [];
  readonly #inFlight: Promise<T | undefined>[] = [];
  readonly #depth: number;
  readonly #now: () => number;
  readonly #workerVerifyMs: () => number | undefined;
  /** When the caller last got control back (its own work on the next page starts then). */
  #resumedAt: number | undefined;
  /** Caller's milliseconds per in-thread verification, once measured. */
  #verifyMs: number | undefined;
  /** Signatures this thread verified itself (diagnostics). */
  verifiedHere = 0;

  constructor(
    private readonly pool: VerifyPool,
    private readonly fallback: VerifyFn,
    opts: OrderedChecksOptions = {},
  ) {
    this.#depth = opts.depth ?? 2;
    this.#now = opts.now ?? (() => performance.now());
    this.#workerVerifyMs = opts.workerVerifyMs ?? (() => pool.jobMs);
  }

  add(check: Check<T>): void {
    this.#page.push(check);
  }

  /** Send the page collected so far; returns the first failing tag of the pages that had to be waited for. */
  async endPage(): Promise<T | undefined> {
    const workMs = this.#resumedAt === undefined ? undefined : this.#now() - this.#resumedAt;
    this.#send(workMs);
    try {
      while (this.#inFlight.length >= this.#depth) {
        const bad = await this.#inFlight.shift()!;
        if (bad !== undefined) return bad;
      }
      return undefined;
    } finally {
      this.#resumedAt = this.#now();
    }
  }

  /** Wait for everything added (sent or not); the first failing tag in order, if any. */
  async settle(): Promise<T | undefined> {
    this.#send(undefined);
    const results = await Promise.all(this.#inFlight.splice(0));
    return results.find((bad) => bad !== undefined);
  }

  /** Hand the page's head to the pool, verify its tail here; `workMs`: the caller's own time on this page. */
  #send(workMs: number | undefined): void {
    const page = this.#page;
    if (page.length === 0) return;
    this.#page = [];
    const share = workMs === undefined ? 0 : localShare({ jobs: page.length, workMs, verifyMs: this.#verifyMs, workerVerifyMs: this.#workerVerifyMs(), workers: this.pool.size });
    const split = page.length - Math.floor(share * page.length);
    const head = page.slice(0, split);
    const verifyHere = (checks: readonly Check<T>[]): boolean[] => checks.map((c) => this.fallback(c.job.sig, c.job.msg, c.job.publicKey));
    const pooled = head.length === 0 ? Promise.resolve([]) : this.pool.verifyAll(head.map((c) => c.job));
    const tail = this.#timed(() => verifyHere(page.slice(split)));
    const firstBad = (verdicts: readonly boolean[]): T | undefined => page[verdicts.indexOf(false)]?.tag;
    this.#inFlight.push(pooled.then((v) => firstBad([...v, ...tail]), () => firstBad([...verifyHere(head), ...tail])));
  }

  /** Run the tail's verifications and keep a running estimate of one verification's cost here. */
  #timed(run: () => boolean[]): boolean[] {
    const t0 = this.#now();
    const verdicts = run();
    if (verdicts.length > 0) {
      const ms = (this.#now() - t0) / verdicts.length;
      this.#verifyMs = this.#verifyMs === undefined ? ms : (this.#verifyMs + ms) / 2;
      this.verifiedHere += verdicts.length;
    }
    return verdicts;
  }
}
