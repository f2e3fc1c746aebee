// Per-device token bucket: `perSecond` messages on average, bursts up to `burst`. Pure: time comes in.
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

export class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(readonly limit: RateLimit, readonly maxKeys = 100_000) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) throw new RangeError('rate limit: perSecond > 0 and burst ≥ 1 required');
  }

  /** Takes one token for `key` at `nowMs`; false when the bucket is empty. */
  take(key: string, nowMs: number): boolean {
    let b = this.#buckets.get(key);
    if (b === undefined) {
      if (this.#buckets.size >= this.maxKeys) this.#buckets.clear(); // bounded memory; a reset only forgives
      b = { tokens: this.limit.burst, at: nowMs };
      this.#buckets.set(key, b);
    }
    b.tokens = Math.min(this.limit.burst, b.tokens + ((nowMs - b.at) / 1000) * this.limit.perSecond);
    b.at = nowMs;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  forget(key: string): void {
    this.#buckets.delete(key);
  }
}
