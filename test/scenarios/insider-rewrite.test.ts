// Scenario 9: an insider edits the database or rewrites history. See docs/scenarios.md.
import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import { hashLeaf } from '../../ledger/merkle/hash.js';
import { runCli } from '../support/cli.js';
import type { TestKey } from '../support/ledger-harness.js';
import { depositAndIssue, lotOf, pledge } from './support/goods.js';
import { extendsSaved, fetchCheckpoint, leafHashes, openCp, rewrittenLog, type ConsistencyAnswer } from './support/log-client.js';
import { startWorld, type World } from './support/world.js';

describe('Scenario: an insider tampers with the registry\'s database', function () {
  this.timeout(120_000);
  let w: World;
  let bank: TestKey;
  let receipt: string;
  let saved: { note: string; logKey: string };

  before(async () => {
    w = await startWorld();
    let warehouse: TestKey;
    let borrower: TestKey;
    [warehouse, borrower, bank] = await Promise.all([w.party('wh-ins', 'warehouse'), w.party('borrower-ins', 'holder'), w.party('bank-ins', 'bank')]);
    receipt = await depositAndIssue(w, warehouse, borrower, lotOf('lot-ins', '1000.000'));
    await pledge(w, receipt, borrower, bank);
    // The bank keeps the checkpoint it saw when it lent.
    saved = await fetchCheckpoint(w);
    await depositAndIssue(w, warehouse, borrower, lotOf('lot-ins-2', '50.000'));
  });
  after(async () => w.close());

  it('When the log grows honestly, then the consistency proof from the bank\'s saved checkpoint to the new one verifies', async () => {
    const old = openCp(saved.note, saved.logKey);
    const now = openCp((await fetchCheckpoint(w)).note, saved.logKey);
    assert.ok(now.size > old.size);
    const answer = (await w.get<ConsistencyAnswer>(`/v1/ledger/proof/consistency?first=${old.size}&second=${now.size}`)).body;
    assert.equal(extendsSaved(old, now, answer.proof), true);
  });

  it('When an insider holding the log key rewrites history (erases the pledge) and re-signs the tree, then the bank\'s saved checkpoint exposes it: no consistency proof verifies', async () => {
    const old = openCp(saved.note, saved.logKey);
    const size = w.system.pipeline.size;
    const hashes = await leafHashes(w, size);
    // The pledge is the last entry the bank saw; the insider swaps it for an innocuous entry.
    const rewritten = [...hashes];
    rewritten[old.size - 1] = hashLeaf(new TextEncoder().encode('{"tx":"a harmless entry instead of the pledge"}'));
    const forged = rewrittenLog(rewritten, w.system.keys.log.seed, w.system.config.origin);
    const next = openCp(forged.note, saved.logKey); // validly signed: the insider has the key
    assert.equal(next.size, size);
    // The insider's server answers with a proof from its own (rewritten) tree; it cannot make it verify.
    const proof = forged.tree.consistencyProof(old.size, size).map((h) => Buffer.from(h).toString('hex'));
    assert.equal(extendsSaved(old, next, proof), false);
    // Nor does the honest log's proof help it.
    const honest = (await w.get<ConsistencyAnswer>(`/v1/ledger/proof/consistency?first=${old.size}&second=${size}`)).body;
    assert.equal(extendsSaved(old, next, honest.proof), false);
  });

  describe('with the system stopped, ledgerhouse verify-ledger', () => {
    let db: Database.Database;
    before(async () => {
      await w.stop();
      db = new Database(path.join(w.dataDir, 'ledgerhouse.db'));
    });
    after(() => db?.close());

    const verify = () => runCli(['verify-ledger', '--data-dir', w.dataDir]);

    it('When nothing was touched, then verify-ledger reports the ledger OK', async () => {
      const r = await verify();
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /ledger OK/);
    });

    it('When an insider raises the quantity of a receipt inside its entry, then verify-ledger fails (exit 2) naming that entry', async () => {
      const row = db.prepare('SELECT idx, leaf FROM entries WHERE type = ? ORDER BY idx LIMIT 1').get('receipt.issue') as { idx: number; leaf: Buffer };
      const edited = Buffer.from(row.leaf.toString('utf8').replace('"quantity":"1000.000"', '"quantity":"9000.000"'));
      assert.notDeepEqual(edited, row.leaf);
      db.prepare('UPDATE entries SET leaf = ? WHERE idx = ?').run(edited, row.idx);
      try {
        const r = await verify();
        assert.equal(r.code, 2, r.stdout + r.stderr);
        assert.match(r.stderr, new RegExp(`FAILED \\(entry ${row.idx}\\)`));
      } finally {
        db.prepare('UPDATE entries SET leaf = ? WHERE idx = ?').run(row.leaf, row.idx);
      }
    });

    it('When an insider changes the holder of a receipt in the state tables, then verify-ledger fails naming the receipt and the entry that last wrote it', async () => {
      const row = db.prepare("SELECT value, idx FROM state WHERE kind = 'receipt' AND id = ?").get(receipt) as { value: string; idx: number };
      db.prepare("UPDATE state SET value = ? WHERE kind = 'receipt' AND id = ?").run(row.value.replace('"holder":"borrower-ins"', '"holder":"wh-ins"'), receipt);
      try {
        const r = await verify();
        assert.equal(r.code, 2, r.stdout + r.stderr);
        assert.match(r.stderr, new RegExp(`receipt:${receipt}`));
        assert.match(r.stderr, new RegExp(`entry ${row.idx}`));
      } finally {
        db.prepare("UPDATE state SET value = ? WHERE kind = 'receipt' AND id = ?").run(row.value, receipt);
      }
    });
  });
});
