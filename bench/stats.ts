// Summaries of benchmark samples. Percentiles use the nearest-rank method (the p-th percentile is the smallest
// sample with at least p % of the samples at or below it), so every reported value is a value that was measured.

/** The samples sorted ascending (a copy; the input is left as it is). */
function sorted(samples: readonly number[]): number[] {
  if (samples.length === 0) throw new RangeError('samples: expected at least one sample');
  for (const [i, s] of samples.entries()) {
    if (!Number.isFinite(s)) throw new RangeError(`samples[${i}]: expected a finite number, got ${String(s)}`);
  }
  return [...samples].sort((a, b) => a - b);
}

/** Nearest-rank percentile `p` (0 < p ≤ 100) of already sorted samples. */
function rank(ascending: readonly number[], p: number): number {
  const k = Math.max(1, Math.ceil((p / 100) * ascending.length));
  return ascending[k - 1] as number;
}

/** Nearest-rank percentile `p` (0 < p ≤ 100) of the samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`p: expected 0 < p ≤ 100, got ${p}`);
  return rank(sorted(samples), p);
}

/** Median of the samples (the mean of the two middle values for an even count). */
export function median(samples: readonly number[]): number {
  const s = sorted(samples);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export interface Summary {
  readonly count: number;
  readonly min: number;
  readonly median: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Count, min, median, p50, p99, max and mean of the samples. */
export function summarize(samples: readonly number[]): Summary {
  const s = sorted(samples);
  const sum = s.reduce((a, b) => a + b, 0);
  return {
    count: s.length,
    min: s[0] as number,
    median: median(s),
    p50: rank(s, 50),
    p99: rank(s, 99),
    max: s[s.length - 1] as number,
    mean: sum / s.length,
  };
}
