import assert from 'node:assert/strict';
import { FastVerifier, signFast } from '../../../ledger/crypto/ed25519-node.js';
import { publicKeyFromSeed } from '../../../ledger/crypto/ed25519.js';
import { OrderedChecks, type Check } from '../../../ledger/crypto/ordered-checks.js';
import { VerifyPool } from '../../../ledger/crypto/verify-pool.js';
import { utf8 } from '../../../ledger/encoding/bytes.js';

const seed = new Uint8Array(32).fill(3);
const publicKey = publicKeyFromSeed(seed);
const fast = new FastVerifier();

/** A check tagged `tag`; a bad one carries a signature over another message. */
function check(tag: string, bad = false): Check<string> {
  const msg = utf8(`message ${tag}`);
  return { job: { sig: signFast(seed, bad ? utf8('other') : msg), msg, publicKey }, tag };
}

describe('ledger/crypto/ordered-checks: pages verified by the pool and the caller together', function () {
  this.timeout(30_000);
  let pool: VerifyPool;
  let clock: number;
  let checks: OrderedChecks<string>;
  before(() => {
    pool = new VerifyPool({ size: 1 });
  });
  after(async () => {
    await pool.close();
  });
  beforeEach(() => {
    clock = 0;
    // Every verification costs 1 ms on the fake clock, here and in the worker; the caller's own work costs nothing.
    checks = new OrderedChecks(pool, (s, m, k) => ((clock += 1), fast.verify(s, m, k)), { now: () => clock, workerVerifyMs: () => 1 });
  });

  async function page(tags: readonly string[], bad: ReadonlySet<string> = new Set()): Promise<string | undefined> {
    for (const t of tags) checks.add(check(t, bad.has(t)));
    return checks.endPage();
  }
  const tags = (p: number) => Array.from({ length: 10 }, (_, i) => `p${p}-${i}`);

  it('When the caller has time to spare, then it verifies a share of each page itself (probe first, then half for one worker)', async () => {
    assert.equal(await page(tags(1)), undefined);
    assert.equal(checks.verifiedHere, 0); // nothing measured before the first page
    await page(tags(2));
    assert.equal(checks.verifiedHere, 1); // the probe: 1/8 of 10
    await page(tags(3));
    assert.equal(checks.verifiedHere, 6); // no work of its own, one worker: half of 10
    assert.equal(await checks.settle(), undefined);
  });

  it('When the pool reports its workers slower per signature than the caller, then the caller takes the larger part', async () => {
    const slowPool = new OrderedChecks(pool, (s, m, k) => ((clock += 1), fast.verify(s, m, k)), { now: () => clock, workerVerifyMs: () => 3 });
    for (const p of [1, 2, 3]) {
      for (const t of tags(p)) slowPool.add(check(t));
      assert.equal(await slowPool.endPage(), undefined);
    }
    assert.equal(slowPool.verifiedHere, 1 + 7); // the probe, then 3/4 of 10 rounded down to whole checks
    assert.equal(await slowPool.settle(), undefined);
  });

  it('When bad signatures sit in the pool\'s part and in the caller\'s part, then the first in log order is reported', async () => {
    await page(tags(1));
    await page(tags(2));
    // Page 3 is split 5 / 5: p3-7 is verified here, p3-2 in the pool; p3-2 comes first.
    const first = await page(tags(3), new Set(['p3-2', 'p3-7']));
    assert.equal(first ?? (await checks.settle()), 'p3-2');
  });

  it('When the only bad signature is in the caller\'s part, then it is still reported with its tag', async () => {
    await page(tags(1));
    await page(tags(2));
    const first = await page(tags(3), new Set(['p3-9']));
    assert.equal(first ?? (await checks.settle()), 'p3-9');
  });
});
