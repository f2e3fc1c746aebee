import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_RETRY, retryDelayMs } from '../../../server/webhooks/backoff.js';

describe('server/webhooks: retry backoff', () => {
  const policy = { maxAttempts: 10, baseMs: 1_000, maxMs: 60_000 };

  it('When attempts fail one after another, then the step doubles from baseMs up to maxMs, jittered within [step/2, step]', () => {
    assert.deepEqual([1, 2, 3, 4, 7, 8, 30].map((n) => retryDelayMs(n, policy, () => 0)), [500, 1_000, 2_000, 4_000, 30_000, 30_000, 30_000]);
    assert.deepEqual([1, 2, 3, 4, 7, 8, 30].map((n) => retryDelayMs(n, policy, () => 0.999999)), [1_000, 2_000, 4_000, 8_000, 60_000, 60_000, 60_000]);
  });

  it('When the jitter is drawn, then every delay lies within [step/2, step] and never exceeds maxMs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (failures, r) => {
        const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(failures - 1, 52));
        const d = retryDelayMs(failures, policy, () => r);
        return d >= Math.floor(step / 2) && d <= step && d <= policy.maxMs;
      }),
    );
  });

  it("When the receiver sends Retry-After, then the delay is at least that long, but never above maxMs", () => {
    assert.equal(retryDelayMs(1, policy, () => 0, 10_000), 10_000);
    assert.equal(retryDelayMs(5, policy, () => 0, 10), 8_000);
    assert.equal(retryDelayMs(1, policy, () => 0, 3_600_000), 60_000);
  });

  it('When failures is not a positive integer, then it is a RangeError', () => {
    for (const n of [0, -1, 1.5, NaN]) assert.throws(() => retryDelayMs(n, DEFAULT_RETRY, Math.random), RangeError);
  });
});
