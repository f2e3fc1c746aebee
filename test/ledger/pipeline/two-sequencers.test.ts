import assert from 'node:assert/strict';
import path from 'node:path';
import { auditLedger } from '../../../ledger/auditor/verify-ledger.js';
import { storeSource } from '../../../ledger/auditor/store-source.js';
import { FastVerifier } from '../../../ledger/crypto/ed25519-node.js';
import { CommitPipeline } from '../../../ledger/pipeline/commit-pipeline.js';
import { LogSigner } from '../../../ledger/pipeline/log-signer.js';
import { SqliteLedgerStore } from '../../../ledger/store/sqlite-ledger-store.js';
import { ManualClock } from '../../../ledger/clock.js';
import { contractServices, OPERATOR_ID } from '../../../server/system.js';
import { ORIGIN, buildTx, testKey } from '../../support/ledger-harness.js';
import { tempDir } from '../../support/temp-dir.js';

describe('Two sequencers on one log', () => {
  it('When two pipelines append to the same SQLite log at once, then every commit lands once, densely, and the log audits clean', async () => {
    const tmp = tempDir();
    const file = path.join(tmp.dir, 'ledger.db');
    const fast = new FastVerifier();
    const verify = (s: Uint8Array, m: Uint8Array, k: Uint8Array) => fast.verify(s, m, k);
    const signer = new LogSigner(ORIGIN, testKey('log').seed);
    const clock = new ManualClock();
    const stores = [new SqliteLedgerStore(file), new SqliteLedgerStore(file)];
    try {
      const operator = testKey(OPERATOR_ID);
      const a = await CommitPipeline.open({ store: stores[0]!, clock, signer, verify, services: contractServices(), maxBatch: 4 });
      await a.submit(buildTx('ledger.genesis', { origin: ORIGIN, operator: { id: OPERATOR_ID, name: 'Op', publicKey: operator.publicKeyB64 } }, [operator]));
      const b = await CommitPipeline.open({ store: stores[1]!, clock, signer, verify, services: contractServices(), maxBatch: 4 });
      const register = (i: number) => buildTx('party.register', { id: `p-${i}`, role: 'holder', name: `P${i}`, publicKey: testKey(`p-${i}`).publicKeyB64 }, [operator]);
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).submit(register(i))));
      const indices = results.map((r) => r.index).sort((x, y) => x - y);
      assert.deepEqual(indices, Array.from({ length: 40 }, (_, i) => i + 1), 'dense, no gaps, no duplicates');
      assert.equal(await stores[0]!.size(), 41);
      const report = await auditLedger(storeSource(stores[0]!), { logKey: signer.verifierKey, verify, services: contractServices() });
      assert.equal(report.ok, true, report.finding?.what);
      await a.close();
      await b.close();
    } finally {
      for (const s of stores) await s.close();
      tmp.remove();
    }
  });
});
