import assert from 'node:assert/strict';
import { auditLedger, type AuditOptions } from '../../../ledger/auditor/verify-ledger.js';
import { storeSource } from '../../../ledger/auditor/store-source.js';
import { FastVerifier } from '../../../ledger/crypto/ed25519-node.js';
import { VerifyPool } from '../../../ledger/crypto/verify-pool.js';
import { hashLeaf } from '../../../ledger/merkle/hash.js';
import type { SqliteLedgerStore } from '../../../ledger/store/sqlite-ledger-store.js';
import { contractServices } from '../../../server/system.js';
import { openHarness, type LedgerHarness } from '../../support/ledger-harness.js';
import { registerCast, runLifecycle } from '../../support/lifecycle.js';

const fast = new FastVerifier();

/** Change one base64 character in the middle of the first signature of entry `index`, and fix its leaf hash. */
function forgeSignature(db: SqliteLedgerStore['db'], type: string): number {
  const row = db.prepare('SELECT idx, leaf FROM entries WHERE type = ? LIMIT 1').get(type) as { idx: number; leaf: Buffer };
  const text = row.leaf.toString('utf8');
  const at = text.indexOf('"sig":"') + 7 + 20;
  const edited = Buffer.from(text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1));
  db.prepare('UPDATE entries SET leaf = ?, leaf_hash = ? WHERE idx = ?').run(edited, Buffer.from(hashLeaf(edited)), row.idx);
  return row.idx;
}

describe('Auditor: verify-ledger with the verification pool', function () {
  this.timeout(60_000);
  let h: LedgerHarness;
  let pool: VerifyPool;
  let opts: AuditOptions;
  beforeEach(async () => {
    h = await openHarness('sqlite');
    await runLifecycle(h, await registerCast(h));
    pool = new VerifyPool({ size: 2 });
    opts = { logKey: h.signer.verifierKey, verify: (s, m, k) => fast.verify(s, m, k), services: contractServices(), pageSize: 4 };
  });
  afterEach(async () => {
    await pool.close();
    await h.close();
  });

  it('When the log is untouched, then the report with the pool equals the report without it', async () => {
    const without = await auditLedger(storeSource(h.store), opts);
    const withPool = await auditLedger(storeSource(h.store), { ...opts, pool });
    assert.equal(withPool.ok, true, withPool.finding?.what);
    assert.deepEqual(withPool, without);
    // The replay thread verifies a share of a page itself only while it would otherwise wait; with two workers that
    // share is at most a third (crypto/share.ts), so the pool verified at least two thirds of the signatures.
    assert.ok(pool.verified >= (2 * (h.pipeline.size - 1)) / 3, 'the signatures were verified in the pool');
  });

  it('When a signature in an entry is altered (leaf hash fixed too), then the pool run names that entry exactly as the in-thread run', async () => {
    const idx = forgeSignature((h.store as SqliteLedgerStore).db, 'pledge.create');
    const without = await auditLedger(storeSource(h.store), opts);
    assert.equal(without.finding?.index, idx);
    assert.match(without.finding!.what, /SIGNATURE_INVALID/);
    // Later pages fail on the Merkle root before the pool answers; the earlier bad signature must still win.
    for (const pageSize of [1, 4, 1000]) {
      const withPool = await auditLedger(storeSource(h.store), { ...opts, pool, pageSize });
      assert.deepEqual(withPool.finding, without.finding, `page size ${pageSize}`);
      assert.equal(withPool.ok, false);
    }
  });

  it('When the pool is closed (or fails), then the pages are verified in-thread and the verdict is the same', async () => {
    const idx = forgeSignature((h.store as SqliteLedgerStore).db, 'receipt.transfer');
    await pool.close();
    const report = await auditLedger(storeSource(h.store), { ...opts, pool });
    assert.equal(report.finding?.index, idx);
    assert.match(report.finding!.what, new RegExp(`entry ${idx} \\(receipt.transfer\\): SIGNATURE_INVALID: signature by '`));
  });
});
