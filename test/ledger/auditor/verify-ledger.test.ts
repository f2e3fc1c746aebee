import assert from 'node:assert/strict';
import { auditLedger } from '../../../ledger/auditor/verify-ledger.js';
import { storeSource } from '../../../ledger/auditor/store-source.js';
import { FastVerifier } from '../../../ledger/crypto/ed25519-node.js';
import { verify as portableVerify } from '../../../ledger/crypto/ed25519.js';
import type { SqliteLedgerStore } from '../../../ledger/store/sqlite-ledger-store.js';
import { contractServices } from '../../../server/system.js';
import { openHarness, type LedgerHarness } from '../../support/ledger-harness.js';
import { registerCast, runLifecycle } from '../../support/lifecycle.js';

const fast = new FastVerifier();
const options = (h: LedgerHarness) => ({
  logKey: h.signer.verifierKey,
  verify: (s: Uint8Array, m: Uint8Array, k: Uint8Array) => fast.verify(s, m, k),
  services: contractServices(),
});

describe('Auditor: verify-ledger replay', () => {
  let h: LedgerHarness;
  let db: SqliteLedgerStore['db'];
  let receipts: { r1: string; r2: string };
  beforeEach(async () => {
    h = await openHarness('sqlite');
    receipts = await runLifecycle(h, await registerCast(h));
    db = (h.store as SqliteLedgerStore).db;
  });
  afterEach(async () => {
    await h.close();
  });

  it('When the log is untouched, then replay rebuilds exactly the projections and every checkpoint verifies', async () => {
    const report = await auditLedger(storeSource(h.store), options(h));
    assert.equal(report.ok, true, report.finding?.what);
    assert.equal(report.size, h.pipeline.size);
    assert.ok(report.checkpointsVerified >= 5);
    assert.ok(report.objectsCompared >= 10);
  });

  it('When the portable verifier replays, then it agrees with the fast path (same rule on both)', async () => {
    const report = await auditLedger(storeSource(h.store), { ...options(h), verify: portableVerify });
    assert.equal(report.ok, true, report.finding?.what);
  });

  it('When an entry is edited in the SQLite file, then the auditor names that entry', async () => {
    const row = db.prepare('SELECT idx, leaf FROM entries WHERE type = ? LIMIT 1').get('receipt.issue') as { idx: number; leaf: Buffer };
    const edited = Buffer.from(row.leaf.toString('utf8').replace('"40.000"', '"90.000"'));
    db.prepare('UPDATE entries SET leaf = ? WHERE idx = ?').run(edited, row.idx);
    const report = await auditLedger(storeSource(h.store), options(h));
    assert.equal(report.ok, false);
    assert.equal(report.finding?.index, row.idx);
  });

  it('When an unsigned field of an entry and its leaf hash are both rewritten, then the Merkle tree exposes that entry', async () => {
    const { hashLeaf } = await import('../../../ledger/merkle/hash.js');
    const row = db.prepare('SELECT idx, leaf FROM entries WHERE type = ? LIMIT 1').get('receipt.transfer') as { idx: number; leaf: Buffer };
    // The sequencer's time is not covered by the parties' signatures: only the Merkle tree protects it.
    const edited = Buffer.from(row.leaf.toString('utf8').replace(/"time":"2026-11-24T00:00:00.000Z"/, '"time":"2026-11-24T00:00:00.001Z"'));
    assert.notDeepEqual(edited, row.leaf);
    db.prepare('UPDATE entries SET leaf = ?, leaf_hash = ? WHERE idx = ?').run(edited, Buffer.from(hashLeaf(edited)), row.idx);
    const report = await auditLedger(storeSource(h.store), options(h));
    assert.equal(report.ok, false);
    assert.equal(report.finding?.index, row.idx, report.finding?.what);
  });

  it('When a projection is edited (a holder changed), then the auditor names the object and the entry that last wrote it', async () => {
    const row = db.prepare("SELECT value, idx FROM state WHERE kind = 'receipt' AND id = ?").get(receipts.r2) as { value: string; idx: number };
    db.prepare("UPDATE state SET value = ? WHERE kind = 'receipt' AND id = ?").run(row.value.replace('"holder":"alice"', '"holder":"mallory"'), receipts.r2);
    const report = await auditLedger(storeSource(h.store), options(h));
    assert.equal(report.ok, false);
    assert.match(report.finding!.what, new RegExp(`receipt:${receipts.r2}`));
    assert.equal(report.finding?.index, row.idx);
  });

  it('When a stored projection lists its members in another order, then it still equals the replayed state (RFC 8785 sorts them)', async () => {
    const row = db.prepare("SELECT value FROM state WHERE kind = 'receipt' AND id = ?").get(receipts.r2) as { value: string };
    const object = JSON.parse(row.value) as Record<string, unknown>;
    const reversed = Object.fromEntries(Object.entries(object).reverse());
    assert.notEqual(JSON.stringify(reversed), row.value);
    db.prepare("UPDATE state SET value = ? WHERE kind = 'receipt' AND id = ?").run(JSON.stringify(reversed), receipts.r2);
    const report = await auditLedger(storeSource(h.store), options(h));
    assert.equal(report.ok, true, report.finding?.what);
  });

  it('When a member nested in a projection is edited, or a number is written as another number, then the auditor names the object', async () => {
    const row = db.prepare("SELECT kind, id, value FROM state WHERE kind = 'pledge' LIMIT 1").get() as { kind: string; id: string; value: string };
    const object = JSON.parse(row.value) as { covenants?: Record<string, unknown> };
    assert.ok(object.covenants !== undefined, 'the lifecycle pledge has covenants');
    const edits = [
      { ...object, covenants: { ...object.covenants, quantityFloor: '0.001' } },
      { ...object, createdIndex: 1e21 },
    ];
    for (const edited of edits) {
      db.prepare('UPDATE state SET value = ? WHERE kind = ? AND id = ?').run(JSON.stringify(edited), row.kind, row.id);
      const report = await auditLedger(storeSource(h.store), options(h));
      assert.equal(report.ok, false);
      assert.match(report.finding!.what, new RegExp(`pledge:${row.id}`));
    }
  });

  it('When a checkpoint note is replaced by one signed with another key, then the auditor rejects that checkpoint', async () => {
    const { signCheckpoint } = await import('../../../ledger/checkpoint/signed-checkpoint.js');
    const { testKey, ORIGIN } = await import('../../support/ledger-harness.js');
    const cp = db.prepare('SELECT size, root_hash FROM checkpoints ORDER BY size LIMIT 1 OFFSET 2').get() as { size: number; root_hash: Buffer };
    const forged = signCheckpoint({ origin: ORIGIN, size: cp.size, rootHash: new Uint8Array(cp.root_hash), extensions: [] }, { name: ORIGIN, seed: testKey('mallory').seed });
    db.prepare('UPDATE checkpoints SET note = ? WHERE size = ?').run(forged, cp.size);
    const report = await auditLedger(storeSource(h.store), options(h));
    assert.equal(report.ok, false);
    assert.match(report.finding!.what, new RegExp(`checkpoint at size ${cp.size}`));
  });

  it('When the log is long, then progress is reported up to the full size', async () => {
    const seen: number[] = [];
    await auditLedger(storeSource(h.store), { ...options(h), pageSize: 3, onProgress: (done) => seen.push(done) });
    assert.equal(seen[seen.length - 1], h.pipeline.size);
    assert.ok(seen.length > 2);
  });
});
