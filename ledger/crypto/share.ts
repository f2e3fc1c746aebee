// How much of a page of signature checks the calling thread should verify itself so that it and the pool's
// workers finish together (ordered-checks.ts). Pure arithmetic on the last page's measured costs.
//
// With N jobs, the caller's own work W on a page, v per verification and k workers sharing the pool's part:
// the caller is busy W + L·v, the workers (N − L)·v / k; equal when L = (N·v − k·W) / ((k + 1)·v).

export interface PageCosts {
  /** Signatures on the page. */
  readonly jobs: number;
  /** The caller's own time on the page (replaying it), milliseconds. */
  readonly workMs: number;
  /** Milliseconds per verification on the caller's thread; undefined before it has verified any. */
  readonly verifyMs: number | undefined;
  /** Worker threads in the pool. */
  readonly workers: number;
}

/** Before anything is measured: a small share, enough to learn what one verification costs here. */
export const PROBE_SHARE = 1 / 8;

/** The fraction of the page, 0 ≤ share ≤ 1 / (k + 1), the caller verifies itself. */
export function localShare(c: PageCosts): number {
  if (c.jobs <= 0 || c.workers < 1) return 0;
  if (c.verifyMs === undefined || c.verifyMs <= 0) return PROBE_SHARE;
  const share = (c.jobs * c.verifyMs - c.workers * c.workMs) / ((c.workers + 1) * c.jobs * c.verifyMs);
  return Math.min(Math.max(share, 0), 1 / (c.workers + 1)); // at most its equal part (W = 0): never below zero
}
