// Signature checks taken off the caller's path but answered in the caller's order: the auditor replays page after
// page, hands each page's signatures to the pool, and learns about the first bad one in log order, exactly as if
// it had verified each one before moving on. A failing pool is not a verdict: its page is verified in-thread.
import type { VerifyJob, VerifyPool } from './verify-pool.js';

export type VerifyFn = (sig: Uint8Array, msg: Uint8Array, publicKey: Uint8Array) => boolean;

export interface Check<T> {
  readonly job: VerifyJob;
  /** What to report when the signature does not verify (e.g. the entry index and signer). */
  readonly tag: T;
}

export class OrderedChecks<T> {
  #page: Check<T>[] = [];
  readonly #inFlight: Promise<T | undefined>[] = [];

  /** `depth`: pages in flight before `endPage` waits for the oldest. */
  constructor(
    private readonly pool: VerifyPool,
    private readonly fallback: VerifyFn,
    private readonly depth = 2,
  ) {}

  add(check: Check<T>): void {
    this.#page.push(check);
  }

  /** Send the page collected so far; returns the first failing tag of the pages that had to be waited for. */
  async endPage(): Promise<T | undefined> {
    this.#send();
    while (this.#inFlight.length >= this.depth) {
      const bad = await this.#inFlight.shift()!;
      if (bad !== undefined) return bad;
    }
    return undefined;
  }

  /** Wait for everything added (sent or not); the first failing tag in order, if any. */
  async settle(): Promise<T | undefined> {
    this.#send();
    const results = await Promise.all(this.#inFlight.splice(0));
    return results.find((bad) => bad !== undefined);
  }

  #send(): void {
    const page = this.#page;
    if (page.length === 0) return;
    this.#page = [];
    const firstBad = (verdicts: readonly boolean[]): T | undefined => page[verdicts.indexOf(false)]?.tag;
    this.#inFlight.push(this.pool.verifyAll(page.map((c) => c.job)).then(firstBad, () =>
      firstBad(page.map((c) => this.fallback(c.job.sig, c.job.msg, c.job.publicKey)))));
  }
}
