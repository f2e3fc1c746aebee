import assert from 'node:assert/strict';
import { openCheckpoint } from '../../../ledger/checkpoint/signed-checkpoint.js';
import { parseVerifierKey } from '../../../ledger/checkpoint/note.js';
import { decodeEntry } from '../../../ledger/entry/entry.js';
import { ContractRejection, LedgerError } from '../../../ledger/errors.js';
import { LogReader } from '../../../ledger/log/log-reader.js';
import { verifyConsistency, verifyInclusion } from '../../../ledger/merkle/verify.js';
import { SqliteLedgerStore } from '../../../ledger/store/sqlite-ledger-store.js';
import { buildTx, openHarness, testKey, type LedgerHarness } from '../../support/ledger-harness.js';

async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    const got = e instanceof LedgerError || e instanceof ContractRejection ? e.code : String(e);
    assert.equal(got, code);
    return true;
  });
}

for (const kind of ['memory', 'sqlite'] as const) {
  describe(`Commit pipeline (${kind} store)`, () => {
    let h: LedgerHarness;
    beforeEach(async () => {
      h = await openHarness(kind);
    });
    afterEach(async () => {
      await h.close();
    });

    it('When a party is registered, then it gets the next index, a checkpoint covers it, and state has the party', async () => {
      const before = h.pipeline.size;
      const bank = testKey('bank-a');
      const c = await h.submit('party.register', { id: 'bank-a', role: 'bank', name: 'Bank A', publicKey: bank.publicKeyB64 }, [h.operator]);
      assert.equal(c.index, before);
      assert.equal(c.duplicate, false);
      assert.ok(c.checkpointSize > c.index);
      const state = await h.store.getState([{ kind: 'party', id: 'bank-a' }]);
      assert.equal((state.get('party:bank-a')?.object as unknown as { role: string }).role, 'bank');
      const [rec] = await h.store.entries(c.index, c.index + 1);
      const entry = decodeEntry(rec!.leaf);
      assert.equal(entry.index, c.index);
      assert.equal(entry.tx.type, 'party.register');
    });

    it('When the same signed transaction is submitted again, then it returns the original index and adds nothing', async () => {
      const signed = buildTx('party.register', { id: 'h-1', role: 'holder', name: 'H', publicKey: testKey('h-1').publicKeyB64 }, [h.operator]);
      const first = await h.pipeline.submit(signed);
      const size = h.pipeline.size;
      const again = await h.pipeline.submit(structuredClone(signed));
      assert.deepEqual({ index: again.index, duplicate: again.duplicate }, { index: first.index, duplicate: true });
      assert.equal(h.pipeline.size, size);
    });

    it('When identical submissions race in one batch, then one entry is written and all get its index', async () => {
      const signed = buildTx('party.register', { id: 'h-2', role: 'holder', name: 'H', publicKey: testKey('h-2').publicKeyB64 }, [h.operator]);
      const size = h.pipeline.size;
      const all = await Promise.all(Array.from({ length: 5 }, () => h.pipeline.submit(structuredClone(signed))));
      assert.equal(new Set(all.map((c) => c.index)).size, 1);
      assert.equal(all.filter((c) => !c.duplicate).length, 1);
      assert.equal(h.pipeline.size, size + 1);
    });

    it('When a nonce is reused for a changed transaction, then it is refused with TX_NONCE_REUSED', async () => {
      const a = buildTx('party.register', { id: 'h-3', role: 'holder', name: 'H', publicKey: testKey('h-3').publicKeyB64 }, [h.operator], { nonce: 'same' });
      await h.pipeline.submit(a);
      const b = buildTx('party.register', { id: 'h-4', role: 'holder', name: 'H', publicKey: testKey('h-4').publicKeyB64 }, [h.operator], { nonce: 'same' });
      await rejects(h.pipeline.submit(b), 'TX_NONCE_REUSED');
    });

    it('When a key is rotated, then the old key no longer signs and the new key does', async () => {
      const old = await h.register('h-5', 'holder');
      const fresh = testKey('h-5', 'rotated');
      await h.submit('party.rotateKey', { party: 'h-5', publicKey: fresh.publicKeyB64 }, [old]);
      await rejects(h.submit('party.rotateKey', { party: 'h-5', publicKey: testKey('h-5', 'x').publicKeyB64 }, [old]), 'SIGNATURE_INVALID');
      const c = await h.submit('party.rotateKey', { party: 'h-5', publicKey: testKey('h-5', 'y').publicKeyB64 }, [fresh]);
      assert.equal(c.duplicate, false);
    });

    it('When a signer is unknown or revoked, or a signature is forged, then the transaction is refused and nothing changes', async () => {
      const holder = await h.register('h-6', 'holder');
      const size = h.pipeline.size;
      await rejects(h.submit('party.rotateKey', { party: 'ghost', publicKey: testKey('z').publicKeyB64 }, [testKey('ghost')]), 'SIGNER_UNKNOWN');
      const forged = buildTx('party.rotateKey', { party: 'h-6', publicKey: testKey('h-6', 'f').publicKeyB64 }, [testKey('h-6', 'attacker')]);
      await rejects(h.pipeline.submit(forged), 'SIGNATURE_INVALID');
      await h.submit('party.revoke', { party: 'h-6', reason: 'test' }, [h.operator]);
      await rejects(h.submit('party.rotateKey', { party: 'h-6', publicKey: testKey('h-6', 'g').publicKeyB64 }, [holder]), 'SIGNER_REVOKED');
      assert.equal(h.pipeline.size, size + 1);
    });

    it('When the envelope is malformed, then it is refused with TX_MALFORMED naming the field', async () => {
      const good = buildTx('party.revoke', { party: 'x1', reason: 'r' }, [h.operator]);
      await rejects(h.pipeline.submit({ ...good, extra: 1 }), 'TX_MALFORMED');
      await rejects(h.pipeline.submit({ tx: { ...good.tx, v: 2 }, sigs: good.sigs }), 'TX_MALFORMED');
      await rejects(h.pipeline.submit({ tx: good.tx, sigs: [] }), 'TX_MALFORMED');
      await rejects(h.pipeline.submit({ tx: good.tx, sigs: [good.sigs[0], good.sigs[0]] }), 'TX_MALFORMED');
      await rejects(h.pipeline.submit('not an object'), 'TX_MALFORMED');
    });

    it('When the contract refuses, then the contract code comes back and no index is used', async () => {
      await h.register('dup', 'holder');
      const size = h.pipeline.size;
      await rejects(h.submit('party.register', { id: 'dup', role: 'holder', name: 'again', publicKey: testKey('dup2').publicKeyB64 }, [h.operator]), 'PARTY_EXISTS');
      await rejects(h.submit('no.suchType', {}, [h.operator]), 'TX_UNKNOWN_TYPE');
      const next = await h.register('after', 'holder');
      assert.ok(next);
      assert.equal(h.pipeline.size, size + 1);
    });

    it('When checkpoints are signed, then each verifies with the log key and is consistent with the one before', async () => {
      const reader = new LogReader(h.store);
      const key = parseVerifierKey(h.signer.verifierKey);
      const first = await h.store.latestCheckpoint();
      for (let i = 0; i < 7; i++) await h.register(`p-${i}`, 'holder');
      const second = await h.store.latestCheckpoint();
      const a = openCheckpoint(first!.note, key);
      const b = openCheckpoint(second!.note, key);
      const proof = await reader.consistency(a.size, b.size);
      assert.ok(verifyConsistency(a.size, b.size, proof.proof, a.rootHash, b.rootHash));
      const inc = await reader.inclusion(3, b.size);
      assert.ok(verifyInclusion(inc.leafHash, 3, b.size, inc.proof, b.rootHash));
    });
  });
}

describe('Commit pipeline back-pressure', () => {
  it('When more submissions arrive than the queue holds, then the excess gets LOG_BUSY and the rest commit', async () => {
    const h = await openHarness('memory');
    try {
      const { CommitPipeline } = await import('../../../ledger/pipeline/commit-pipeline.js');
      const { FastVerifier } = await import('../../../ledger/crypto/ed25519-node.js');
      const v = new FastVerifier();
      const p = await CommitPipeline.open({ store: h.store, clock: h.clock, signer: h.signer, verify: (s, m, k) => v.verify(s, m, k), maxQueue: 3 });
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) => p.submit(buildTx('party.register', { id: `q-${i}`, role: 'holder', name: 'Q', publicKey: testKey(`q-${i}`).publicKeyB64 }, [h.operator]))),
      );
      const busy = results.filter((r) => r.status === 'rejected' && (r.reason as LedgerError).code === 'LOG_BUSY');
      assert.equal(busy.length, 3);
      assert.equal((busy[0] as PromiseRejectedResult).reason.retryAfterSeconds, 1);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
    } finally {
      await h.close();
    }
  });
});

describe('Commit pipeline crash mid-batch (SQLite)', () => {
  it('When the store fails in the middle of a batch, then nothing of the batch is written and the log carries on', async () => {
    const h = await openHarness('sqlite');
    try {
      const db = (h.store as SqliteLedgerStore).db;
      // A real SQLite failure part-way through the batch transaction: entries are inserted, then the state write aborts.
      db.exec(`CREATE TRIGGER boom BEFORE INSERT ON state WHEN NEW.id = 'crash' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
      const size = h.pipeline.size;
      const cp = await h.store.latestCheckpoint();
      const txs = ['ok-1', 'crash', 'ok-2'].map((id) => buildTx('party.register', { id, role: 'holder', name: id, publicKey: testKey(id).publicKeyB64 }, [h.operator]));
      const results = await Promise.allSettled(txs.map((t) => h.pipeline.submit(t)));
      for (const r of results) {
        assert.equal(r.status, 'rejected');
        assert.equal(((r as PromiseRejectedResult).reason as LedgerError).code, 'LOG_UNAVAILABLE');
      }
      assert.equal(await h.store.size(), size);
      assert.deepEqual((await h.store.latestCheckpoint())?.rootHash, cp?.rootHash);
      assert.equal((await h.store.getState([{ kind: 'party', id: 'ok-1' }])).size, 0);
      db.exec('DROP TRIGGER boom');
      const again = await h.pipeline.submit(txs[0]!);
      assert.equal(again.index, size);
      assert.equal(again.duplicate, false);
    } finally {
      await h.close();
    }
  });
});
