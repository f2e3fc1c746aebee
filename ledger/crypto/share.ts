// How much of a page of signature checks the calling thread should verify itself so that it and the pool's
// workers finish together (ordered-checks.ts). Pure arithmetic on the last page's measured costs.
//
// With N jobs, the caller's own work W on a page, v per verification here, w per verification in a worker (its own
// measure, which includes unpacking the batch; v when not yet known) and k workers sharing the pool's part: the
// caller is busy W + L·v, the workers (N − L)·w / k; equal when L = (N·w − k·W) / (k·v + w).

export interface PageCosts {
  /** Signatures on the page. */
  readonly jobs: number;
  /** The caller's own time on the page (replaying it), milliseconds. */
  readonly workMs: number;
  /** Milliseconds per verification on the caller's thread; undefined before it has verified any. */
  readonly verifyMs: number | undefined;
  /** Milliseconds per verification in a worker, as the pool reports it; undefined: taken to equal verifyMs. */
  readonly workerVerifyMs?: number | undefined;
  /** Worker threads in the pool. */
  readonly workers: number;
}

/** Before anything is measured: a small share, enough to learn what one verification costs here. */
export const PROBE_SHARE = 1 / 8;

/** The fraction of the page, 0 ≤ share ≤ w / (k·v + w), the caller verifies itself. */
export function localShare(c: PageCosts): number {
  if (c.jobs <= 0 || c.workers < 1) return 0;
  if (c.verifyMs === undefined || c.verifyMs <= 0) return PROBE_SHARE;
  const v = c.verifyMs;
  const w = c.workerVerifyMs !== undefined && c.workerVerifyMs > 0 ? c.workerVerifyMs : v;
  const share = (c.jobs * w - c.workers * c.workMs) / ((c.workers * v + w) * c.jobs);
  return Math.min(Math.max(share, 0), w / (c.workers * v + w)); // at most its part with no work of its own (W = 0)
}
