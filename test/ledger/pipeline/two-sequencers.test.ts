import assert from 'node:assert/strict';
import path from 'node:path';
import { auditLedger } from '../../../ledger/auditor/verify-ledger.js';
import { storeSource } from '../../../ledger/auditor/store-source.js';
import { FastVerifier } from '../../../ledger/crypto/ed25519-node.js';
import { CommitPipeline } from '../../../ledger/pipeline/commit-pipeline.js';
import { LogSigner } from '../../../ledger/pipeline/log-signer.js';
import type { LedgerStore } from '../../../ledger/store/ledger-store.js';
import { SqliteLedgerStore } from '../../../ledger/store/sqlite-ledger-store.js';
import { ManualClock } from '../../../ledger/clock.js';
import { contractServices, OPERATOR_ID } from '../../../server/system.js';
import { ORIGIN, buildTx, testKey, type TestKey } from '../../support/ledger-harness.js';
import { tempDir } from '../../support/temp-dir.js';

/** Two stores on one SQLite file, sharing log key, clock and verifier; `run` gets them and a pipeline opener. */
async function onOneFile(run: (ctx: {
  stores: SqliteLedgerStore[];
  open: (store: LedgerStore, maxBatch?: number) => Promise<CommitPipeline>;
  genesis: (pipeline: CommitPipeline) => Promise<unknown>;
  operator: TestKey;
  signer: LogSigner;
  verify: (s: Uint8Array, m: Uint8Array, k: Uint8Array) => boolean;
}) => Promise<void>): Promise<void> {
  const tmp = tempDir();
  const file = path.join(tmp.dir, 'ledger.db');
  const fast = new FastVerifier();
  const verify = (s: Uint8Array, m: Uint8Array, k: Uint8Array) => fast.verify(s, m, k);
  const signer = new LogSigner(ORIGIN, testKey('log').seed);
  const clock = new ManualClock();
  const stores = [new SqliteLedgerStore(file), new SqliteLedgerStore(file)];
  const operator = testKey(OPERATOR_ID);
  try {
    await run({
      stores, operator, signer, verify,
      open: (store, maxBatch) => CommitPipeline.open({ store, clock, signer, verify, services: contractServices(), ...(maxBatch === undefined ? {} : { maxBatch }) }),
      genesis: (pipeline) => pipeline.submit(buildTx('ledger.genesis', { origin: ORIGIN, operator: { id: OPERATOR_ID, name: 'Op', publicKey: operator.publicKeyB64 } }, [operator])),
    });
  } finally {
    for (const s of stores) await s.close();
    tmp.remove();
  }
}

describe('Two sequencers on one log', () => {
  it('When two pipelines append to the same SQLite log at once, then every commit lands once, densely, and the log audits clean', async () => {
    await onOneFile(async ({ stores, open, genesis, operator, signer, verify }) => {
      const a = await open(stores[0]!, 4);
      await genesis(a);
      const b = await open(stores[1]!, 4);
      const register = (i: number) => buildTx('party.register', { id: `p-${i}`, role: 'holder', name: `P${i}`, publicKey: testKey(`p-${i}`).publicKeyB64 }, [operator]);
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).submit(register(i))));
      const indices = results.map((r) => r.index).sort((x, y) => x - y);
      assert.deepEqual(indices, Array.from({ length: 40 }, (_, i) => i + 1), 'dense, no gaps, no duplicates');
      assert.equal(await stores[0]!.size(), 41);
      const report = await auditLedger(storeSource(stores[0]!), { logKey: signer.verifierKey, verify, services: contractServices() });
      assert.equal(report.ok, true, report.finding?.what);
      await a.close();
      await b.close();
    });
  });

  it('When another sequencer commits while a pipeline opens, then open reads the log again instead of reporting it inconsistent', async () => {
    await onOneFile(async ({ stores, open, genesis, operator }) => {
      const a = await open(stores[0]!);
      await genesis(a);
      // The opening store commits through `a` between reading the tree and reading the latest checkpoint, once.
      let raced = false;
      const racing = new Proxy(stores[1]!, {
        get(target, prop, receiver) {
          if (prop === 'latestCheckpoint' && !raced) {
            raced = true;
            return async () => {
              await a.submit(buildTx('party.register', { id: 'p-race', role: 'holder', name: 'P', publicKey: testKey('p-race').publicKeyB64 }, [operator]));
              return target.latestCheckpoint();
            };
          }
          const value = Reflect.get(target, prop, receiver) as unknown;
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
      const b = await open(racing);
      assert.equal(raced, true, 'the commit happened during open');
      assert.equal(b.size, 2);
      await a.close();
      await b.close();
    });
  });
});
