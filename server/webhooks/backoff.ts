// Retry timing for webhook deliveries: exponential backoff with "equal jitter" (half the step fixed, half random),
// so retries of many webhooks spread out but never collapse to zero. Pure: randomness comes in as an argument.

export interface RetryPolicy {
  /** Attempts per delivery, the first one included; after the last failure the webhook pauses. */
  readonly maxAttempts: number;
  /** Step before the second attempt (ms); it doubles after each failure. */
  readonly baseMs: number;
  /** Largest step (ms), also the cap on a receiver's Retry-After. */
  readonly maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ maxAttempts: 10, baseMs: 1_000, maxMs: 300_000 });

/**
 * Delay before the attempt that follows `failures` failed ones (failures ≥ 1): with step = min(maxMs, baseMs·2^(failures−1)),
 * a value in [step/2, step]. `random` returns [0, 1). A receiver's Retry-After (ms) lengthens it, up to maxMs.
 */
export function retryDelayMs(failures: number, policy: RetryPolicy, random: () => number, retryAfterMs?: number): number {
  if (!Number.isInteger(failures) || failures < 1) throw new RangeError(`failures: expected an integer ≥ 1, got ${failures}`);
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(failures - 1, 52));
  const jittered = Math.round(step / 2 + (random() * step) / 2);
  return retryAfterMs === undefined ? jittered : Math.max(jittered, Math.min(retryAfterMs, policy.maxMs));
}
