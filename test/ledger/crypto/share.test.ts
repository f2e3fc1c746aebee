import assert from 'node:assert/strict';
import { localShare, PROBE_SHARE } from '../../../ledger/crypto/share.js';

describe('ledger/crypto/share: how much of a page the caller verifies itself', () => {
  it('When nothing is measured yet, then the caller takes the probe share; with no jobs or workers, none', () => {
    assert.equal(localShare({ jobs: 100, workMs: 5, verifyMs: undefined, workers: 1 }), PROBE_SHARE);
    assert.equal(localShare({ jobs: 0, workMs: 5, verifyMs: 0.1, workers: 1 }), 0);
    assert.equal(localShare({ jobs: 10, workMs: 5, verifyMs: 0.1, workers: 0 }), 0);
  });

  it('When the caller and k workers take the computed share, then both finish together', () => {
    for (const [jobs, workMs, verifyMs, workers] of [[1000, 40, 0.1, 1], [1330, 90, 0.09, 1], [500, 10, 0.2, 3]] as const) {
      const share = localShare({ jobs, workMs, verifyMs, workers });
      const caller = workMs + share * jobs * verifyMs;
      const pool = ((1 - share) * jobs * verifyMs) / workers;
      assert.ok(Math.abs(caller - pool) < 1e-9, `${caller} vs ${pool}`);
    }
  });

  it('When a worker verifies more slowly than the caller (its own measure), then the caller takes more, and both still finish together', () => {
    for (const [jobs, workMs, verifyMs, workerVerifyMs, workers] of [[1330, 60, 0.05, 0.065, 1], [1000, 20, 0.1, 0.08, 1], [500, 10, 0.2, 0.3, 3]] as const) {
      const share = localShare({ jobs, workMs, verifyMs, workerVerifyMs, workers });
      const caller = workMs + share * jobs * verifyMs;
      const pool = ((1 - share) * jobs * workerVerifyMs) / workers;
      assert.ok(Math.abs(caller - pool) < 1e-9, `${caller} vs ${pool}`);
    }
    const same = localShare({ jobs: 1000, workMs: 20, verifyMs: 0.05, workers: 1 });
    assert.ok(localShare({ jobs: 1000, workMs: 20, verifyMs: 0.05, workerVerifyMs: 0.07, workers: 1 }) > same);
    assert.ok(Math.abs(localShare({ jobs: 1000, workMs: 0, verifyMs: 0.1, workerVerifyMs: 0.3, workers: 1 }) - 0.75) < 1e-12); // its whole part
  });

  it('When the caller\'s own work already outlasts the pool, then it verifies nothing itself; it never takes more than its part', () => {
    assert.equal(localShare({ jobs: 1000, workMs: 500, verifyMs: 0.1, workers: 1 }), 0);
    assert.equal(localShare({ jobs: 1000, workMs: 0, verifyMs: 0.1, workers: 1 }), 0.5);
    assert.equal(localShare({ jobs: 1000, workMs: 0, verifyMs: 0.1, workers: 3 }), 0.25);
  });
});
